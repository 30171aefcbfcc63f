// One load process of the flood scenario (flood.mjs), raw MQTT 3.1.1 over net (no MQTT.js on the hot path):
//   --role pub     --count publishers, each writing QoS 0 state messages to flood/room<i%10>/dev<i>/state as fast
//                  as TCP takes them (batches of 64 packets per write, the next batch on `drain`)
//   --role sub     one subscriber to flood/#; --rate R (msg/s) makes it a slow reader: after each read it stops
//                  reading for as long as R msg/s would take to consume what it got (0 = read everything at once)
//   --role probe   an unrelated client: one QoS 0 message to its own topic every 100 ms, round-trip times
// Payloads are the shared harness's ~64-byte JSON ({"d":"0007","s":"0000001234",...}) with fixed-width fields, so a
// subscriber reads publisher and sequence at fixed offsets: a gap in one publisher's sequence is a message the
// broker dropped (TCP keeps order), what never arrived after the last one seen is undelivered.
//
// Speaks history-procs.mjs's "@@bench {json}" protocol. stdin: "start" (publish / probe), "mark" (emits
// "counters"), "stop-load", "stats" (emits "stats"), "stop" (DISCONNECT, exit). Ends by itself after --max-seconds.
import net from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import mqttPacket from "mqtt-packet";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    port: { type: "string" },
    count: { type: "string", default: "20" },
    rate: { type: "string", default: "0" },
    id: { type: "string", default: "flood" },
    "max-seconds": { type: "string", default: "300" },
  },
});
const port = Number(values.port);
const role = values.role;
const emit = (ev, data = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const fail = (message) => {
  emit("error", { message });
  process.exit(1);
};

const TEMPLATE = '{"d":"0000","s":"0000000000","t":"0000000000000000000","on":true}';
const D_OFF = TEMPLATE.indexOf('"d":"') + 5;
const S_OFF = TEMPLATE.indexOf('"s":"') + 5;
const BATCH = 64;
const DISCONNECT = mqttPacket.generate({ cmd: "disconnect" });

function writeDigits(buf, off, width, n) {
  for (let j = off + width - 1; j >= off; j--) {
    buf[j] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
}
function readDigits(buf, off, width) {
  let n = 0;
  for (let j = off; j < off + width; j++) n = n * 10 + (buf[j] - 48);
  return n;
}

/** A CONNACKed connection; `onPublish(buf, payloadStart, end)` for each PUBLISH, framed by hand (no parser). */
function connect(clientId, onPublish) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.setNoDelay(true);
    let rest = null;
    let connected = false;
    const timer = setTimeout(() => reject(new Error(`${clientId}: no CONNACK within 10 s`)), 10_000);
    sock.on("error", (err) => (connected ? undefined : reject(err)));
    sock.on("connect", () => sock.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId, keepalive: 60 })));
    sock.on("data", (chunk) => {
      let b = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      let pos = 0;
      while (pos + 2 <= b.length) {
        let i = pos + 1;
        let len = 0;
        let mul = 1;
        let byte;
        do {
          if (i >= b.length) break;
          byte = b[i++];
          len += (byte & 127) * mul;
          mul *= 128;
        } while (byte & 128);
        if (byte & 128 || i + len > b.length) break;
        const type = b[pos] >> 4;
        if (type === 2 && !connected) {
          clearTimeout(timer);
          connected = true;
          if (b[i + 1] !== 0) reject(new Error(`${clientId}: CONNACK return code ${b[i + 1]}`));
          else resolve(sock);
        } else if (type === 3) onPublish?.(b, i + 2 + ((b[i] << 8) | b[i + 1]), i + len);
        else if (type === 9) sock.emit("suback", b[i + 2]);
        pos = i + len;
      }
      if (pos < b.length) rest = Buffer.from(b.subarray(pos));
      sock.emit("consumed");
    });
  });
}

function subscribe(sock, topic) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no SUBACK for ${topic} within 10 s`)), 10_000);
    sock.once("suback", (code) => {
      clearTimeout(timer);
      if (code === 0x80) reject(new Error(`SUBACK refused ${topic}`));
      else resolve();
    });
    sock.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 0 }] }));
  });
}

const conns = [];
let running = false;
let stopping = false;
const counters = { sent: 0, recv: 0, closedByBroker: 0 };
const perPub = { hi: [], uniq: [], late: 0 };
const probe = { sent: 0, rtts: [], pending: new Map() };

// ---- publishers
const pubs = [];
function pump(p) {
  p.scheduled = false;
  if (!running || p.sock.destroyed) return;
  for (let k = 0; k < 16; k++) {
    const buf = Buffer.allocUnsafe(BATCH * p.packet.length);
    for (let n = 0, o = 0; n < BATCH; n++, o += p.packet.length) {
      p.packet.copy(buf, o);
      writeDigits(buf, o + p.seqOff, 10, p.seq++);
    }
    counters.sent += BATCH;
    if (!p.sock.write(buf)) {
      p.sock.once("drain", () => schedule(p));
      return;
    }
  }
  schedule(p);
}
function schedule(p) {
  if (p.scheduled || !running) return;
  p.scheduled = true;
  setImmediate(pump, p);
}

async function startPublishers(count) {
  for (let i = 0; i < count; i++) {
    const sock = await connect(`${values.id}-pub${i}`);
    const payload = Buffer.from(TEMPLATE);
    writeDigits(payload, D_OFF, 4, i);
    const topic = `flood/room${String(i % 10).padStart(2, "0")}/dev${String(i).padStart(4, "0")}/state`;
    const packet = mqttPacket.generate({ cmd: "publish", topic, payload, qos: 0, retain: false, dup: false });
    const p = { sock, packet, seqOff: packet.length - payload.length + S_OFF, seq: 0, scheduled: false };
    sock.on("close", () => !stopping && counters.closedByBroker++);
    pubs.push(p);
    conns.push(sock);
  }
}

/** Messages the publishers handed to TCP: written minus what still waits in their own write buffers. */
const accepted = () => counters.sent - pubs.reduce((a, p) => a + Math.ceil(p.sock.writableLength / p.packet.length), 0);

// ---- subscriber
async function startSubscriber(rate) {
  let debt = 0; // ms of reading the slow reader owes for what it already got
  let since = performance.now();
  const sock = await connect(`${values.id}-sub`, (b, p, end) => {
    counters.recv++;
    if (end - p !== TEMPLATE.length) return;
    const d = readDigits(b, p + D_OFF, 4);
    const s = readDigits(b, p + S_OFF, 10);
    const hi = perPub.hi[d] ?? -1;
    if (s > hi) {
      perPub.hi[d] = s;
      perPub.uniq[d] = (perPub.uniq[d] ?? 0) + 1;
    } else perPub.late++;
  });
  sock.on("close", () => !stopping && counters.closedByBroker++);
  if (rate > 0) {
    let before = 0;
    sock.on("consumed", () => {
      const now = performance.now();
      debt = Math.max(0, debt - (now - since)) + ((counters.recv - before) * 1000) / rate;
      before = counters.recv;
      since = now;
      if (debt > 1) {
        sock.pause();
        setTimeout(() => sock.resume(), debt).unref();
      }
    });
  }
  conns.push(sock);
  await subscribe(sock, "flood/#");
}

// ---- probe
async function startProbe() {
  const topic = `floodprobe/${values.id}`;
  const sock = await connect(`${values.id}-probe`, (b, p, end) => {
    const n = Number(b.toString("latin1", p, end));
    const at = probe.pending.get(n);
    if (at === undefined) return;
    probe.pending.delete(n);
    if (probe.rtts.length < 100_000) probe.rtts.push(performance.now() - at);
  });
  sock.on("close", () => !stopping && counters.closedByBroker++);
  conns.push(sock);
  await subscribe(sock, topic);
  setInterval(() => {
    if (!running || sock.destroyed) return;
    const n = probe.sent++;
    probe.pending.set(n, performance.now());
    sock.write(mqttPacket.generate({ cmd: "publish", topic, payload: String(n), qos: 0, retain: false, dup: false }));
  }, 100).unref();
}

function mark() {
  const base = { t: performance.timeOrigin + performance.now(), closed_by_broker: counters.closedByBroker };
  if (role === "pub") return { ...base, sent: counters.sent, accepted: accepted(), pub_seqs: pubs.map((p) => p.seq) };
  if (role === "sub") return { ...base, recv: counters.recv };
  const lost = [...probe.pending.values()].filter((at) => performance.now() - at > 5000).length;
  return { ...base, probe_sent: probe.sent, probe_received: probe.rtts.length, probe_lost: lost, rtts: probe.rtts.splice(0) };
}

function stop() {
  if (stopping) return;
  stopping = true;
  running = false;
  for (const s of conns) if (!s.destroyed) s.end(DISCONNECT);
  setTimeout(() => process.exit(0), 1000).unref();
}

try {
  if (role === "pub") await startPublishers(Number(values.count));
  else if (role === "sub") await startSubscriber(Number(values.rate));
  else if (role === "probe") await startProbe();
  else fail(`unknown --role ${role}`);
} catch (err) {
  fail(String(err?.message ?? err));
}
setTimeout(stop, Number(values["max-seconds"]) * 1000).unref();
process.stdin.setEncoding("utf8");
let buffered = "";
process.stdin.on("data", (text) => {
  const lines = (buffered + text).split("\n");
  buffered = lines.pop() ?? "";
  for (const line of lines.map((l) => l.trim())) {
    if (line === "start") {
      running = true;
      for (const p of pubs) schedule(p);
    } else if (line === "mark") emit("counters", mark());
    else if (line === "stop-load") running = false;
    else if (line === "stats") emit("stats", { ...mark(), hi: perPub.hi, uniq: perPub.uniq, late: perPub.late });
    else if (line === "stop") stop();
  }
});
process.stdin.on("end", stop);
emit("ready", { role });
