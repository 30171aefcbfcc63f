// The ui scenario's devices: 1,000 entities announced by retained Home Assistant discovery configs from one
// MQTT.js connection (a bridge, as Zigbee2MQTT is), then state messages at a fixed rate, round-robin over all of them.
//
//   10 rooms (suggested_area), each with 19 multi-sensors x 5 sensors (own state topic per entity, plain value
//   payload) and 5 JSON-schema lights with brightness: 950 sensors + 50 lights = 1,000 entities, 100 per room.
//
// Every state message carries a value that is unique for its entity and readable back from the page:
//   sensor  base + k / 1000 with suggested_display_precision 3 ("20.007 °C"), k = the entity's message count;
//   light   on, brightness of 1 + (k mod 100) percent ("On · 8%"): unique within 100 messages of one light.
import { performance } from "node:perf_hooks";
import mqtt from "mqtt";

export const ROOMS = 10;
const SENSOR_DEVICES_PER_ROOM = 19;
const LIGHTS_PER_ROOM = 5;
export const ENTITIES = ROOMS * (SENSOR_DEVICES_PER_ROOM * 5 + LIGHTS_PER_ROOM);
const PREFIX = "homeassistant";
const BASE = "uibench";
const CONFIG_IN_FLIGHT = 64; // QoS 1 configs awaiting PUBACK at once
const CONNECT_TIMEOUT_MS = 10_000;
const ANNOUNCE_TIMEOUT_MS = 60_000;

const SENSORS = [
  { key: "temperature", name: "Temperature", device_class: "temperature", unit: "°C", base: 20 },
  { key: "humidity", name: "Humidity", device_class: "humidity", unit: "%", base: 40 },
  { key: "pressure", name: "Pressure", device_class: "pressure", unit: "hPa", base: 1000 },
  { key: "illuminance", name: "Illuminance", device_class: "illuminance", unit: "lx", base: 300 },
  { key: "power", name: "Power", device_class: "power", unit: "W", base: 50 },
];

export const roomName = (r) => `Bench Room ${String(r + 1).padStart(2, "0")}`;
const pct = (k) => 1 + (k % 100);

/**
 * The fleet: one entry per entity with its discovery topic, config, state topic, room and how to encode and read
 * back its k-th value. Publishing order interleaves rooms, so every room gets an even share of each second.
 */
export function buildFleet() {
  const entities = [];
  for (let r = 0; r < ROOMS; r++) {
    for (let d = 0; d < SENSOR_DEVICES_PER_ROOM; d++) {
      const id = `${BASE}_r${r}_s${d}`;
      const device = { identifiers: [id], name: `Multisensor ${r + 1}-${d + 1}`, manufacturer: "Hearth bench", model: "UI-5", suggested_area: roomName(r) };
      for (const s of SENSORS) {
        const uniqueId = `${id}_${s.key}`;
        entities.push({
          uniqueId,
          room: r,
          kind: "sensor",
          configTopic: `${PREFIX}/sensor/${id}/${s.key}/config`,
          config: {
            unique_id: uniqueId,
            name: s.name,
            state_topic: `${BASE}/${id}/${s.key}`,
            device_class: s.device_class,
            unit_of_measurement: s.unit,
            state_class: "measurement",
            suggested_display_precision: 3,
            device,
          },
          stateTopic: `${BASE}/${id}/${s.key}`,
          payload: (k) => (s.base + k / 1000).toFixed(3),
          // "20.007 °C" -> 7; undefined when the text is not one of ours (e.g. "Unknown").
          readK: (text) => {
            const m = /-?\d+(?:\.\d+)?/.exec(text);
            return m ? Math.round((Number(m[0]) - s.base) * 1000) : undefined;
          },
          readRaw: (state) => Math.round((Number(state) - s.base) * 1000),
          modulo: 0,
        });
      }
    }
    for (let l = 0; l < LIGHTS_PER_ROOM; l++) {
      const id = `${BASE}_r${r}_l${l}`;
      const uniqueId = `${id}_light`;
      entities.push({
        uniqueId,
        room: r,
        kind: "light",
        configTopic: `${PREFIX}/light/${id}/light/config`,
        config: {
          unique_id: uniqueId,
          name: null,
          schema: "json",
          brightness: true,
          supported_color_modes: ["brightness"],
          command_topic: `${BASE}/${id}/set`,
          state_topic: `${BASE}/${id}/state`,
          device: { identifiers: [id], name: `Lamp ${r + 1}-${l + 1}`, manufacturer: "Hearth bench", model: "UI-L", suggested_area: roomName(r) },
        },
        stateTopic: `${BASE}/${id}/state`,
        payload: (k) => JSON.stringify({ state: "ON", brightness: Math.round(pct(k) * 2.55) }),
        // "On · 8%" -> 7 (mod 100)
        readK: (text) => {
          const m = /(\d+)%/.exec(text);
          return m ? Number(m[1]) - 1 : undefined;
        },
        // brightness 0-255 as the hub's state attributes carry it
        readRaw: (brightness) => Math.round(Number(brightness) / 2.55) - 1,
        modulo: 100,
      });
    }
  }
  // Round-robin order: entity i of room 0, of room 1, ... so each room's messages are spread over the second.
  const perRoom = ENTITIES / ROOMS;
  const order = [];
  for (let i = 0; i < perRoom; i++) for (let r = 0; r < ROOMS; r++) order.push(r * perRoom + i);
  return { entities, order };
}

/** One MQTT.js connection for the whole fleet (username/password from POST /api/mqtt-users). */
export async function connectFleet(mqttPort, credentials) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, {
    ...credentials,
    clientId: `hearth-ui-bench-${process.pid}`,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    keepalive: 30,
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fleet: no CONNACK")), CONNECT_TIMEOUT_MS + 1000);
    client.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    client.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`fleet: MQTT connect refused: ${err.message}`));
    });
  });
  return client;
}

/** Publishes every retained config (QoS 1, bounded in flight), then each entity's first state (k = 0, retained). */
export async function announceFleet(client, fleet) {
  const deadline = Date.now() + ANNOUNCE_TIMEOUT_MS;
  const publishAll = async (items) => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        if (Date.now() > deadline) throw new Error("fleet: announcing took longer than 60 s");
        const [topic, payload] = items[next++];
        await client.publishAsync(topic, payload, { qos: 1, retain: true });
      }
    };
    await Promise.all(Array.from({ length: CONFIG_IN_FLIGHT }, worker));
  };
  await publishAll(fleet.entities.map((e) => [e.configTopic, JSON.stringify(e.config)]));
  return () => publishAll(fleet.entities.map((e) => [e.stateTopic, e.payload(0)]));
}

const now = () => performance.timeOrigin + performance.now();
const TICK_MS = 4;
const MAX_PER_TICK = 50; // after a stall, catch up by at most this much per tick instead of one burst

/**
 * Publishes QoS 0 state messages at `rate`/s round-robin over the fleet for `seconds`, stamping each send with
 * performance.timeOrigin + performance.now() (the same clock the page uses). Bounded by `maxMessages`.
 * Resolves with typed arrays of (entity index, k, send time) and the schedule's lag.
 */
export function publishStates(client, fleet, { rate, seconds, maxMessages }) {
  const total = Math.min(maxMessages, Math.round(rate * seconds));
  const entity = new Uint16Array(total);
  const kOf = new Uint32Array(total);
  const sentAt = new Float64Array(total);
  const counters = new Uint32Array(fleet.entities.length); // k = 0 went out with the announcement
  let sent = 0;
  let maxLagMs = 0;
  const t0 = now();
  const hardStop = t0 + seconds * 2000 + 10_000; // a starved event loop ends the run short rather than never
  return new Promise((resolve) => {
    const tick = () => {
      const t = now();
      const due = Math.min(total, Math.floor(((t - t0) * rate) / 1000));
      maxLagMs = Math.max(maxLagMs, ((due - sent) * 1000) / rate);
      const until = Math.min(due, sent + MAX_PER_TICK);
      while (sent < until) {
        const idx = fleet.order[sent % fleet.order.length];
        const e = fleet.entities[idx];
        const k = ++counters[idx];
        entity[sent] = idx;
        kOf[sent] = k;
        sentAt[sent] = now();
        client.publish(e.stateTopic, e.payload(k), { qos: 0 });
        sent++;
      }
      if (sent >= total || t > hardStop) {
        clearInterval(timer);
        resolve({ count: sent, entity, k: kOf, sentAt, t0, seconds: (now() - t0) / 1000, maxLagMs });
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
}
