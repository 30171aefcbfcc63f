// Background load of the automations bench: QoS 0 PUBLISHes at a fixed rate from a process of its own, on one MQTT
// 3.1.1 connection over a raw TCP socket (packets encoded with mqtt-packet), so that the load costs the machine little.
// Every --rule-every'th message goes to the next background rule's topic (round-robin over --topics FILE, the list
// the hub printed: each fires one rule), the others to --idle-topics topics no rule listens to. Payloads rotate over
// "ON", "OFF" and {"v":N}, so the rules' payload filters and conditions both pass and fail.
//
// Bounded: stops after --duration seconds or --max-messages, whichever comes first, or on "stop" on stdin; a hard
// limit 60 s past the duration ends the process whatever happens. Pacing: every 5 ms the messages owed by the
// schedule are written (at most 100 ms' worth per tick, so a publisher that fell behind catches up in bounded
// batches; `max_behind` reports how far behind it got); a write that returns false waits for 'drain'. Lines on stdout start with "@@bench " + JSON: "started", then "done" with
// messages sent per whole second.
import fs from "node:fs";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import mqttPacket from "mqtt-packet";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    topics: { type: "string" },
    rate: { type: "string", default: "5000" },
    duration: { type: "string", default: "60" },
    "max-messages": { type: "string", default: "2000000" },
    "rule-every": { type: "string", default: "100" },
    "idle-topics": { type: "string", default: "1000" },
  },
  strict: true,
});

const PORT = Number(args.port);
const RATE = Number(args.rate);
const DURATION_MS = Number(args.duration) * 1000;
const MAX_MESSAGES = Number(args["max-messages"]);
const RULE_EVERY = Number(args["rule-every"]);
const IDLE_TOPICS = Number(args["idle-topics"]);
const TICK_MS = 5;
const emit = (ev, data = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);

if (!Number.isInteger(PORT) || PORT <= 0 || !args.topics || !(RATE > 0) || !(DURATION_MS > 0) || !(MAX_MESSAGES > 0) || !(RULE_EVERY >= 1) || !(IDLE_TOPICS >= 1)) {
  process.stderr.write("usage: automations-load.mjs --port N --topics FILE [--rate R] [--duration S] [--max-messages N] [--rule-every K] [--idle-topics N]\n");
  process.exit(2);
}

setTimeout(() => {
  emit("error", { message: "automations-load: hard time limit reached" });
  process.exit(3);
}, DURATION_MS + 60_000).unref();

const ruleTopics = JSON.parse(fs.readFileSync(args.topics, "utf8"));
const idleTopics = Array.from({ length: IDLE_TOPICS }, (_, k) => `bench/idle/${k}/state`);
const PAYLOADS = ["ON", "OFF"];

let sent = 0;
let toRules = 0;
let nextRule = 0;
let nextIdle = 0;
let stopped = false;
let blocked = false;
let maxBehind = 0;
const perSecond = [];

function packet(seq) {
  let topic;
  if (seq % RULE_EVERY === 0 && ruleTopics.length > 0) {
    topic = ruleTopics[nextRule++ % ruleTopics.length];
    toRules++;
  } else topic = idleTopics[nextIdle++ % idleTopics.length];
  const kind = seq % 3;
  const payload = kind < 2 ? PAYLOADS[kind] : `{"v":${seq}}`;
  return mqttPacket.generate({ cmd: "publish", topic, payload, qos: 0, retain: false, dup: false });
}

function connect() {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port: PORT });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error("CONNACK timeout"));
    }, 10_000);
    sock.setNoDelay(true);
    sock.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (p) => {
      if (p.cmd !== "connack") return;
      clearTimeout(timer);
      if (p.returnCode !== 0) reject(new Error(`CONNACK ${p.returnCode}`));
      else resolve(sock);
    });
    sock.on("data", (d) => parser.parse(d));
    sock.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: `bench-load-${process.pid}`, clean: true, keepalive: 60 }));
  });
}

async function main() {
  const sock = await connect();
  sock.on("error", (err) => {
    emit("error", { message: `socket: ${err.message}` });
    process.exit(1);
  });
  sock.on("drain", () => {
    blocked = false;
  });
  const t0 = performance.now();
  emit("started", { rule_topics: ruleTopics.length, idle_topics: IDLE_TOPICS });
  let secondStart = t0;
  let secondSent = 0;
  const finish = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    sock.end(mqttPacket.generate({ cmd: "disconnect" }), () => {
      emit("done", { sent, to_rules: toRules, seconds: Math.round(seconds * 100) / 100, per_s: Math.round(sent / seconds), per_second: perSecond, max_behind: maxBehind });
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 2000).unref();
  };
  const timer = setInterval(() => {
    const now = performance.now();
    while (now - secondStart >= 1000) {
      perSecond.push(secondSent);
      secondSent = 0;
      secondStart += 1000;
    }
    if (now - t0 >= DURATION_MS || sent >= MAX_MESSAGES) return finish();
    if (blocked) return;
    const owed = Math.floor(((now - t0) / 1000) * RATE) - sent;
    maxBehind = Math.max(maxBehind, owed);
    const n = Math.min(owed, Math.ceil(RATE / 10), MAX_MESSAGES - sent);
    if (n <= 0) return;
    const chunks = [];
    for (let i = 0; i < n; i++) chunks.push(packet(sent + i));
    sent += n;
    secondSent += n;
    if (!sock.write(Buffer.concat(chunks))) blocked = true;
  }, TICK_MS);
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (text) => {
    if (text.includes("stop")) finish();
  });
  process.stdin.on("end", finish);
}

main().catch((err) => {
  emit("error", { message: String(err?.message ?? err) });
  process.exit(1);
});
