// The soak scenario's burst publisher: every --every seconds, --count QoS 0 messages within one second (ten slices,
// 100 ms apart), as a flood from a misbehaving device or a whole Zigbee network re-reporting at once.
//
// Targets: the numeric sensors announced by the simulator (retained discovery configs under --prefix whose state
// topic carries a bare number: no value template, a unit), round-robin with random values, so every message is a
// state change that goes through discovery -> state store -> recorder -> SQLite. If none is announced, plain
// `bench/burst/<n>` topics (broker and explorer only) and a warning.
// Speaks "@@bench {json}": "ready" {topics, numeric}, one sample {type:"burst", at, sent, ms} per burst.
// Ends after --max-seconds, on "stop" on stdin, or when stdin closes.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import mqtt from "mqtt";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    prefix: { type: "string", default: "homeassistant" },
    every: { type: "string", default: "60" },
    first: { type: "string", default: "30" },
    count: { type: "string", default: "2000" },
    "max-seconds": { type: "string", default: "900" },
  },
});
const everyMs = Number(values.every) * 1000;
const count = Number(values.count);
const SLICES = 10;
const LEARN_MS = 2000;

const emit = (ev, data = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);

/** The state topic of a retained sensor config that publishes a bare number, or null. */
function numericStateTopic(text) {
  let config;
  try {
    config = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof config !== "object" || config === null) return null;
  const base = typeof config["~"] === "string" ? config["~"] : "";
  const topic = config.stat_t ?? config.state_topic;
  const template = config.val_tpl ?? config.value_template;
  const unit = config.unit_of_meas ?? config.unit_of_measurement;
  if (typeof topic !== "string" || template !== undefined || typeof unit !== "string") return null;
  return topic.startsWith("~") ? base + topic.slice(1) : topic.endsWith("~") ? topic.slice(0, -1) + base : topic;
}

const client = mqtt.connect(values.url, { clientId: `hearth-bench-burst-${process.pid}`, clean: true, reconnectPeriod: 0, keepalive: 60 });
client.on("error", (err) => {
  emit("error", { message: `burst publisher: ${err.message}` });
  process.exit(1);
});
await new Promise((resolve) => client.once("connect", resolve));

const learned = new Set();
const onConfig = (topic, payload) => {
  const state = numericStateTopic(payload.toString());
  if (state) learned.add(state);
};
client.on("message", onConfig);
await client.subscribeAsync([`${values.prefix}/sensor/+/config`, `${values.prefix}/sensor/+/+/config`]);
await new Promise((resolve) => setTimeout(resolve, LEARN_MS));
client.off("message", onConfig);
await client.unsubscribeAsync([`${values.prefix}/sensor/+/config`, `${values.prefix}/sensor/+/+/config`]);
const topics = learned.size > 0 ? [...learned] : Array.from({ length: 50 }, (_, i) => `bench/burst/${i}`);
emit("ready", { topics: topics.length, numeric: learned.size > 0 });

let next = 0;
let sliceTimer;
/** One burst: `count` messages in SLICES slices over one second. */
function burst() {
  const t0 = performance.now();
  const at = Date.now();
  let slice = 0;
  let sent = 0;
  const step = () => {
    const n = Math.floor(((slice + 1) * count) / SLICES) - sent;
    for (let i = 0; i < n; i++) {
      const topic = topics[next++ % topics.length];
      client.publish(topic, (15 + Math.random() * 15).toFixed(2), { qos: 0 });
    }
    sent += n;
    if (++slice < SLICES) sliceTimer = setTimeout(step, 1000 / SLICES);
    else emit("sample", { type: "burst", at, sent, ms: Math.round(performance.now() - t0) });
  };
  step();
}

let burstTimer;
const firstTimer = setTimeout(() => {
  burst();
  burstTimer = setInterval(burst, everyMs);
}, Number(values.first) * 1000);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  clearTimeout(firstTimer);
  clearTimeout(sliceTimer);
  clearInterval(burstTimer);
  client.end(false, {}, () => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

setTimeout(stop, Number(values["max-seconds"]) * 1000).unref();
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  if (text.split("\n").some((l) => l.trim() === "stop")) stop();
});
process.stdin.on("end", stop);
