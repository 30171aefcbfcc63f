// One load process of the connections-5k scenario: `--count` simulated devices, each a raw MQTT 3.1.1 connection
// (net + mqtt-packet, no MQTT.js: a few KiB per connection here, so two processes hold 5,000 on a 2-core box) with
// a keep-alive and one subscription to its own command topic, `<prefix>/<id>/cmd`.
//
// Speaks the "@@bench {json}" line protocol of history-procs.mjs's spawnProtocol. stdin commands:
//   connect   CONNECT, then SUBSCRIBE once CONNACK arrives, at most --concurrency in flight; emits "connected"
//             with the phase's wall-clock bounds (epoch ms, so the parent can merge processes) and per-device
//             CONNECT -> SUBACK times
//   stats     emits "stats": connections open, dropped by the broker, PINGREQ sent / PINGRESP received
//   stop      DISCONNECT on every connection, then exit
// A command received on a device's topic is emitted as a sample {type:"cmd", id, payload, at} (epoch ms).
// Every connection sends PINGREQ once per keep-alive period, as a device would (the first one at a random point of
// the first period, so the fleet is in its steady state at once); the process ends by itself after --max-seconds.
import net from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import mqttPacket from "mqtt-packet";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    from: { type: "string", default: "0" },
    count: { type: "string" },
    keepalive: { type: "string", default: "60" },
    concurrency: { type: "string", default: "100" },
    prefix: { type: "string", default: "bench/dev" },
    "connect-timeout": { type: "string", default: "30" },
    "max-seconds": { type: "string", default: "600" },
  },
});
const port = Number(values.port);
const from = Number(values.from);
const count = Number(values.count);
const keepaliveS = Number(values.keepalive);
const concurrency = Number(values.concurrency);
const prefix = values.prefix;
const connectTimeoutMs = Number(values["connect-timeout"]) * 1000;

const emit = (ev, data = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const epochMs = () => performance.timeOrigin + performance.now();
const PINGREQ = mqttPacket.generate({ cmd: "pingreq" });
const DISCONNECT = mqttPacket.generate({ cmd: "disconnect" });

const devices = [];
let dropped = 0;
let pingsSent = 0;
let pingsAnswered = 0;
let stopping = false;

/** Opens one device's connection; resolves with CONNECT -> SUBACK in ms, or rejects with a reason. */
function connectDevice(index) {
  const id = `dev${String(index).padStart(5, "0")}`;
  const topic = `${prefix}/${id}/cmd`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const device = { id, sock, ready: false, nextPingAt: 0 };
    const timer = setTimeout(() => fail(`no SUBACK within ${connectTimeoutMs / 1000} s`), connectTimeoutMs);
    const fail = (why) => {
      clearTimeout(timer);
      sock.destroy();
      reject(new Error(why));
    };
    parser.on("packet", (packet) => {
      switch (packet.cmd) {
        case "connack":
          if (packet.returnCode !== 0) return fail(`CONNACK return code ${packet.returnCode}`);
          sock.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 0 }] }));
          return undefined;
        case "suback":
          if (packet.granted[0] === 128) return fail("SUBACK refused the subscription");
          clearTimeout(timer);
          device.ready = true;
          // A random phase for the first PINGREQ: the fleet pings at its steady-state rate (devices / keep-alive)
          // from the start instead of all at once a full period after connecting.
          device.nextPingAt = Date.now() + Math.random() * keepaliveS * 1000;
          devices.push(device);
          return resolve(performance.now() - t0);
        case "publish":
          emit("sample", { type: "cmd", id, topic: packet.topic, payload: packet.payload.toString(), at: epochMs() });
          return undefined;
        case "pingresp":
          pingsAnswered++;
          return undefined;
        default:
          return undefined;
      }
    });
    parser.on("error", (err) => fail(`bad packet from the broker: ${err.message}`));
    sock.on("data", (chunk) => parser.parse(chunk));
    sock.on("error", (err) => {
      if (!device.ready) fail(err.message);
    });
    sock.on("close", () => {
      if (device.ready && !stopping) dropped++;
      if (!device.ready) fail("closed before SUBACK");
    });
    sock.on("connect", () => {
      sock.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: id, keepalive: keepaliveS }));
    });
  });
}

/** All of this process's devices, `concurrency` at a time. */
async function connectAll() {
  const startedAt = epochMs();
  const times = [];
  const errors = new Map();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = from + next++;
      try {
        times.push(await connectDevice(index));
      } catch (err) {
        errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const endedAt = epochMs();
  times.sort((a, b) => a - b);
  const pick = (p) => (times.length ? times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] : null);
  emit("connected", {
    started_at: startedAt,
    ended_at: endedAt,
    ok: times.length,
    failed: count - times.length,
    errors: Object.fromEntries(errors),
    p50_ms: pick(50),
    p99_ms: pick(99),
    max_ms: times.at(-1) ?? null,
  });
}

// Keep-alive: each device pings once per period, staggered by its own connect time, as real devices are.
const pinger = setInterval(() => {
  const now = Date.now();
  for (const d of devices) {
    if (d.nextPingAt <= now && !d.sock.destroyed) {
      d.sock.write(PINGREQ);
      pingsSent++;
      d.nextPingAt += keepaliveS * 1000;
    }
  }
}, 1000);

function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(pinger);
  for (const d of devices) if (!d.sock.destroyed) d.sock.end(DISCONNECT);
  // Sockets close on the broker's FIN; exit either way shortly after.
  setTimeout(() => process.exit(0), 1000).unref();
  const poll = setInterval(() => {
    if (devices.every((d) => d.sock.destroyed || d.sock.closed)) process.exit(0);
  }, 50);
  poll.unref();
}

setTimeout(stop, Number(values["max-seconds"]) * 1000).unref();
process.stdin.setEncoding("utf8");
let buffered = "";
process.stdin.on("data", (text) => {
  const lines = (buffered + text).split("\n");
  buffered = lines.pop() ?? "";
  for (const line of lines.map((l) => l.trim())) {
    if (line === "connect") void connectAll();
    else if (line === "stats") emit("stats", { open: devices.filter((d) => !d.sock.destroyed).length, dropped, pings_sent: pingsSent, pings_answered: pingsAnswered });
    else if (line === "stop") stop();
  }
});
process.stdin.on("end", stop);
emit("ready", { count });
