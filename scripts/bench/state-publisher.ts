// Load side of the discovery bench's throughput phase: Zigbee2MQTT-style state messages to the fleet's
// `zigbee2mqtt/<name>` topics from a process of its own, so that the hub's event loop only decodes.
// One MQTT 3.1.1 connection on a raw TCP socket; each device's PUBLISH (QoS 0) is encoded once with mqtt-packet,
// and new values are stamped into fixed-width fields of the copies (see z2m-fleet.ts), round-robin over devices.
//
// Bounded: stops after --duration seconds or --max-messages, whichever comes first. Flow control, both ways bounded:
//   * TCP: a write that returns false waits for 'drain' (the broker's socket buffer);
//   * end to end: the broker thread hands messages to the hub's thread through an unbounded MessagePort queue, so
//     TCP alone would let that queue grow without limit when the hub is the slower side. The orchestrator writes
//     "acked N" lines on our stdin (N = state messages the hub has decoded so far, from its samples), and we stay
//     at most --ahead messages in front of it.
// --rate R paces the publisher at R messages/s (default 0: as fast as the two bounds above allow); a publisher that
// falls behind its schedule catches up in batches and reports how far behind it got (`max_behind`).
// Stdin "stop" ends the run early. Result lines on stdout start with "@@bench " + JSON.
import net from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import mqttPacket from "mqtt-packet";
import { fleetDevice, STATE_FIELDS, statePayload, stampDigits } from "./z2m-fleet";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    devices: { type: "string", default: "2000" },
    duration: { type: "string", default: "10" },
    "max-messages": { type: "string", default: "5000000" },
    ahead: { type: "string", default: "20000" },
    batch: { type: "string", default: "64" },
    rate: { type: "string", default: "0" },
  },
  strict: true,
});

const PORT = Number(args.port);
const DEVICES = Number(args.devices);
const DURATION_MS = Number(args.duration) * 1000;
const MAX_MESSAGES = Number(args["max-messages"]);
const AHEAD = Number(args.ahead);
const BATCH = Number(args.batch);
const RATE = Number(args.rate);
const CONNECT_TIMEOUT_MS = 10_000;
const HARD_LIMIT_MS = DURATION_MS + 60_000;

const emit = (ev: string, data: Record<string, unknown> = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const hrUs = () => Number(process.hrtime.bigint() / 1000n);

if (!Number.isInteger(PORT) || PORT <= 0 || !(DEVICES > 0) || !(DURATION_MS > 0) || !(MAX_MESSAGES > 0) || !(AHEAD > 0) || !(BATCH > 0) || !(RATE >= 0)) {
  process.stderr.write("usage: state-publisher.ts --port N [--devices N] [--duration S] [--max-messages N] [--ahead N] [--batch N] [--rate R]\n");
  process.exit(2);
}

const hardStop = setTimeout(() => {
  emit("error", { message: "state-publisher: hard time limit reached" });
  process.exit(3);
}, HARD_LIMIT_MS);
hardStop.unref();

/** One device's pre-encoded PUBLISH and where its value fields sit inside it. */
interface Template {
  packet: Buffer;
  fieldOffsets: number[];
}

const templates: Template[] = [];
for (let d = 0; d < DEVICES; d++) {
  const device = fleetDevice(d);
  const payload = Buffer.from(statePayload(0, d));
  const packet = mqttPacket.generate({ cmd: "publish", topic: device.stateTopic, payload, qos: 0, retain: false, dup: false });
  const payloadStart = packet.length - payload.length;
  templates.push({ packet, fieldOffsets: STATE_FIELDS.map((f) => payloadStart + f.offset) });
}

let sent = 0;
let acked = 0;
let stopped = false;
let blocked = false;
let waitingForHub = false;
let waitStartedAt = 0;
let waitedMs = 0;
let drains = 0;
let bytes = 0;
/** With --rate: the pacing timer while ahead of schedule, and the most messages ever behind it. */
let pacer: NodeJS.Timeout | undefined;
let maxBehind = 0;

/** The next `n` messages, round-robin over devices, each with values of its own sequence number. */
function makeBatch(n: number): Buffer {
  let size = 0;
  for (let i = 0; i < n; i++) size += templates[(sent + i) % DEVICES]!.packet.length;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const seq = sent + i;
    const device = seq % DEVICES;
    const round = Math.floor(seq / DEVICES);
    const t = templates[device]!;
    t.packet.copy(out, o);
    for (let f = 0; f < STATE_FIELDS.length; f++) {
      const field = STATE_FIELDS[f]!;
      stampDigits(out, o + t.fieldOffsets[f]!, field.width, field.value(round + 1, device));
    }
    o += t.packet.length;
  }
  sent += n;
  bytes += size;
  return out;
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port: PORT });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error("CONNACK timeout"));
    }, CONNECT_TIMEOUT_MS);
    sock.setNoDelay(true);
    sock.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4) return;
      sock.off("data", onData);
      clearTimeout(timer);
      // CONNACK: 0x20 0x02 <flags> <return code>
      if (got[0] !== 0x20 || got[3] !== 0) reject(new Error(`CONNACK refused (bytes ${got.subarray(0, 4).toString("hex")})`));
      else resolve(sock);
    };
    sock.on("data", onData);
    sock.once("connect", () => {
      sock.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: `bench-z2m-${process.pid}`, keepalive: 0 }));
    });
  });
}

async function main(): Promise<void> {
  const sock = await connect();
  sock.on("data", () => undefined); // nothing expected at QoS 0; keep the socket flowing
  let closedByBroker = false;
  sock.on("close", () => {
    if (!stopped) closedByBroker = true;
    stopped = true;
  });
  sock.on("error", () => undefined);

  const t0 = performance.now();
  const startUs = hrUs();
  emit("started", { t_us: startUs, devices: DEVICES });
  const perSecond: number[] = [];
  let lastSecondSent = 0;
  const ticker = setInterval(() => {
    perSecond.push(sent - lastSecondSent);
    lastSecondSent = sent;
  }, 1000);

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const pump = () => {
    pacer = undefined;
    if (stopped) return finish();
    const elapsed = performance.now() - t0;
    if (elapsed >= DURATION_MS || sent >= MAX_MESSAGES) {
      stopped = true;
      return finish();
    }
    for (let k = 0; k < 16; k++) {
      const due = RATE > 0 ? Math.floor(((performance.now() - t0) * RATE) / 1000) - sent : Infinity;
      if (RATE > 0) maxBehind = Math.max(maxBehind, due);
      const allowed = Math.min(BATCH, acked + AHEAD - sent, MAX_MESSAGES - sent);
      if (allowed > 0 && due <= 0) {
        pacer = setTimeout(pump, 1); // ahead of schedule
        return;
      }
      if (allowed <= 0) {
        if (!waitingForHub) {
          waitingForHub = true;
          waitStartedAt = performance.now();
        }
        return; // resumed by the next "acked" line
      }
      if (!sock.write(makeBatch(Math.min(allowed, due)))) {
        blocked = true;
        drains++;
        sock.once("drain", () => {
          blocked = false;
          setImmediate(pump);
        });
        return;
      }
    }
    setImmediate(pump);
  };
  // The duration also ends a run that waits on the hub or on 'drain'.
  const deadline = setTimeout(() => {
    stopped = true;
    finish();
  }, DURATION_MS);

  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line.startsWith("acked ")) {
        acked = Math.max(acked, Number(line.slice(6)) || 0);
        if (waitingForHub && acked + AHEAD - sent > 0) {
          waitingForHub = false;
          waitedMs += performance.now() - waitStartedAt;
          if (!blocked && !pacer) setImmediate(pump);
        }
      } else if (line === "stop") {
        stopped = true;
        finish();
      }
    }
  });
  process.stdin.on("end", () => {
    stopped = true;
    finish();
  });

  pump();
  await finished;
  const endUs = hrUs();
  clearTimeout(deadline);
  clearTimeout(pacer);
  clearInterval(ticker);
  if (waitingForHub) waitedMs += performance.now() - waitStartedAt;
  const seconds = (performance.now() - t0) / 1000;
  if (!sock.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sock.destroy();
        resolve();
      }, 3000);
      sock.end(Buffer.from([0xe0, 0x00]), () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  emit("done", {
    sent,
    bytes,
    seconds: Math.round(seconds * 1000) / 1000,
    per_s: Math.round(sent / seconds),
    per_second: perSecond,
    start_us: startUs,
    end_us: endUs,
    waited_for_hub_ms: Math.round(waitedMs),
    tcp_drains: drains,
    closed_by_broker: closedByBroker,
    rate: RATE,
    max_behind: maxBehind,
  });
  process.exit(0);
}

main().catch((err: unknown) => {
  emit("error", { message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
