import { afterEach, describe, expect, it } from "vitest";
import { type TestHub, startTestHub } from "@/server/testing/test-hub";
import { provisionedUsername, type SimulationHandle, type SimulationOptions, type SimulationTuning, startSimulation } from "./simulation";
import { SimulationError } from "./simulation-error";

const FAST: Partial<SimulationTuning> = {
  tickMs: 20,
  physicsIntervalMs: 50,
  coverTravelMs: 1000,
  z2mBirthDelayMs: 100,
  connectTimeoutMs: 5000,
  reconnectPeriodMs: 500,
};
// HA's discovery topic rule (DISCOVERY.md §2).
const DISCOVERY_TOPIC = /^homeassistant\/(\w+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;

const hubs: TestHub[] = [];
const sims: SimulationHandle[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  // Let the broker finish with the departed clients first: aedes replays retained messages to a new
  // subscription from a LevelDB iterator, and closing the store under it throws an uncaught error.
  await Promise.all(hubs.map((h) => eventually(() => (brokerOf(h).clients().length === 0 ? true : undefined), "clients gone").catch(() => undefined)));
  await new Promise((r) => setTimeout(r, 200));
  await Promise.all(hubs.splice(0).map((h) => h.stop()));
});

async function hub(env: Record<string, string> = { HEARTH_MQTT_ANONYMOUS: "true" }): Promise<TestHub> {
  const t = await startTestHub(env);
  hubs.push(t);
  return t;
}

async function simulate(t: TestHub, options: Partial<SimulationOptions> = {}): Promise<SimulationHandle> {
  const sim = await startSimulation({ url: t.mqttUrl, devices: 5, rate: 20, seed: 1, tuning: FAST, ...options });
  sims.push(sim);
  return sim;
}

function brokerOf(t: TestHub): TestHub["broker"] {
  return t.broker;
}

/** The broker's retained messages under `pattern` (server-side subscriptions read them from the store). */
async function retained(t: TestHub, pattern: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const off = await brokerOf(t).subscribe(pattern, (m) => m.retain && found.set(m.topic, m.payload.toString()), { retained: true });
  await off();
  return found;
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Records every live message from now on; `next` waits for one on `topic` that `accept`s. */
async function watch(t: TestHub) {
  const messages: { topic: string; payload: string }[] = [];
  const off = await brokerOf(t).subscribe("#", (m) => messages.push({ topic: m.topic, payload: m.payload.toString() }));
  let from = 0;
  return {
    messages,
    mark: () => (from = messages.length),
    marked: () => from,
    next: (topic: string, accept: (payload: string) => boolean = () => true, timeoutMs = 5000) =>
      eventually(() => messages.slice(from).find((m) => m.topic === topic && accept(m.payload))?.payload, `${topic}`, timeoutMs),
    close: off,
  };
}

/** Waits until no new message has arrived for 300 ms: the devices' announce burst is through the broker. */
async function settled(messages: readonly unknown[]): Promise<void> {
  let seen = -1;
  while (seen !== messages.length) {
    seen = messages.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const CONFIGS_PER_HOME = 25; // Z2M 11, Tasmota 8, ESPHome 4 + 1 + 1
const tasmotaTopic = (sim: SimulationHandle): string =>
  sim.devices.find((d) => d.kind === "tasmota-plug")?.availabilityTopic.split("/")[1] ?? "missing";

describe("npm run simulate", () => {
  it("announces every device on its own connection with retained discovery in its firmware's shape", async () => {
    const t = await hub();
    const sim = await simulate(t);
    const clientIds = brokerOf(t).clients().map((c) => c.clientId);
    expect(sim.devices.map((d) => d.kind)).toEqual(["zigbee2mqtt-bridge", "tasmota-plug", "esphome-node", "esphome-thermostat", "esphome-cover"]);
    for (const d of sim.devices) expect(clientIds).toContain(d.clientId);
    expect(new Set(clientIds).size).toBe(clientIds.length);

    const configs = await eventually(async () => {
      const found = await retained(t, "homeassistant/#");
      return found.size >= CONFIGS_PER_HOME ? found : undefined;
    }, "retained discovery configs");
    expect(configs.size).toBe(CONFIGS_PER_HOME);
    for (const [topic, payload] of configs) {
      expect(topic).toMatch(DISCOVERY_TOPIC);
      const config = JSON.parse(payload) as Record<string, unknown>;
      expect(typeof config === "object" && config !== null && !Array.isArray(config)).toBe(true);
      expect(config.unique_id ?? config.uniq_id).toEqual(expect.any(String));
      expect(config.device ?? config.dev).toBeTypeOf("object");
      // Real Z2M gives its bridge's connection-state entity no availability; everything else has it.
      if (!topic.endsWith("/connection_state/config")) expect(config.availability ?? config.avty_t).toBeDefined();
    }

    const lightTopic = [...configs.keys()].find((k) => k.startsWith("homeassistant/light/")) ?? "";
    const light = JSON.parse(configs.get(lightTopic) ?? "{}") as Record<string, unknown>;
    expect(light).toMatchObject({
      schema: "json",
      brightness_scale: 254,
      command_topic: "zigbee2mqtt/living_room_bulb/set",
      supported_color_modes: ["xy", "color_temp"],
      availability_mode: "all",
      availability: [
        { topic: "zigbee2mqtt/bridge/state", value_template: "{{ value_json.state }}" },
        { topic: "zigbee2mqtt/living_room_bulb/availability", value_template: "{{ value_json.state }}" },
      ],
      origin: { name: "Zigbee2MQTT" },
    });
    // Z2M sorts keys (json-stable-stringify).
    expect(Object.keys(light)).toEqual(Object.keys(light).sort());
    const plug = tasmotaTopic(sim);
    const relay = JSON.parse([...configs].find(([k]) => k.includes("_RL_1/"))?.[1] ?? "{}");
    expect(relay).toMatchObject({ cmd_t: `cmnd/${plug}/POWER`, avty_t: `tele/${plug}/LWT`, pl_avail: "Online", val_tpl: "{{value_json.POWER}}" });
    const esphomeRelay = JSON.parse(configs.get("homeassistant/switch/living-room/relay/config") ?? "{}");
    expect(esphomeRelay).toMatchObject({ cmd_t: "living-room/switch/relay/command", stat_t: "living-room/switch/relay/state", avty_t: "living-room/status" });
    expect(JSON.parse(configs.get("homeassistant/climate/hallway-thermostat/thermostat/config") ?? "{}")).toMatchObject({
      modes: ["auto", "off", "cool", "heat"],
      temp_cmd_t: "hallway-thermostat/climate/thermostat/target_temperature/command",
      mode_cmd_t: "hallway-thermostat/climate/thermostat/mode/command",
    });

    const availability = await retained(t, "#");
    expect(availability.get("zigbee2mqtt/bridge/state")).toBe('{"state":"online"}');
    expect(availability.get("zigbee2mqtt/front_door/availability")).toBe('{"state":"online"}');
    expect(availability.get(`tele/${plug}/LWT`)).toBe("Online");
    for (const node of ["living-room", "hallway-thermostat", "bedroom-blinds"]) expect(availability.get(`${node}/status`)).toBe("online");
  });

  it("obeys commands on each firmware's command topic and publishes the new state", async () => {
    const t = await hub();
    const sim = await simulate(t, { rate: 0.001 });
    const w = await watch(t);
    await settled(w.messages);
    w.mark();
    const send = (topic: string, payload: string) => brokerOf(t).publish(topic, payload);

    await send("zigbee2mqtt/living_room_bulb/set", '{"state":"ON","brightness":127}');
    const lit = JSON.parse(await w.next("zigbee2mqtt/living_room_bulb", (p) => p.includes('"brightness":127')));
    expect(lit).toMatchObject({ state: "ON", brightness: 127 });
    await send("zigbee2mqtt/living_room_bulb/set", '{"color":{"r":255,"g":0,"b":0}}');
    const red = JSON.parse(await w.next("zigbee2mqtt/living_room_bulb", (p) => p.includes('"color_mode":"xy"')));
    expect(red.color.x).toBeCloseTo(0.64, 2);
    await send("zigbee2mqtt/living_room_bulb/set", '{"color_temp":250}');
    expect(JSON.parse(await w.next("zigbee2mqtt/living_room_bulb", (p) => p.includes('"color_temp":250')))).toMatchObject({ color_mode: "color_temp" });

    await send("living-room/switch/relay/command", "ON");
    expect(await w.next("living-room/switch/relay/state", (p) => p === "ON")).toBe("ON");

    await send("hallway-thermostat/climate/thermostat/target_temperature/command", "23.5");
    expect(await w.next("hallway-thermostat/climate/thermostat/target_temperature/state", (p) => p === "23.5")).toBe("23.5");
    await send("hallway-thermostat/climate/thermostat/mode/command", "cool");
    expect(await w.next("hallway-thermostat/climate/thermostat/mode/state", (p) => p === "cool")).toBe("cool");

    await send("bedroom-blinds/cover/blinds/position/command", "40");
    expect(await w.next("bedroom-blinds/cover/blinds/state", (p) => p === "closing")).toBe("closing");
    expect(await w.next("bedroom-blinds/cover/blinds/position/state", (p) => p === "40")).toBe("40");
    expect(await w.next("bedroom-blinds/cover/blinds/state", (p) => p === "open")).toBe("open");

    const plug = tasmotaTopic(sim);
    await send(`cmnd/${plug}/POWER`, "OFF");
    expect(await w.next(`stat/${plug}/RESULT`)).toBe('{"POWER":"OFF"}');
    expect(JSON.parse(await w.next(`tele/${plug}/STATE`, (p) => p.includes('"POWER":"OFF"')))).toMatchObject({ POWER: "OFF" });
    expect(sim.stats().commands).toBe(8);
    await w.close();
  });

  it("re-announces on the hub's birth message the way each firmware does", async () => {
    const t = await hub();
    const sim = await simulate(t, { rate: 0.001 });
    const w = await watch(t);
    await settled(w.messages);
    w.mark();
    await brokerOf(t).publish("homeassistant/status", "online");
    // Tasmota re-publishes tele/STATE; Z2M re-publishes bridge state and cached device states after its delay.
    await w.next(`tele/${tasmotaTopic(sim)}/STATE`);
    await w.next("zigbee2mqtt/bridge/state", (p) => p === '{"state":"online"}');
    await w.next("zigbee2mqtt/living_room_th", (p) => "temperature" in JSON.parse(p));
    // ESPHome does not listen to the birth topic.
    await new Promise((r) => setTimeout(r, 300));
    expect(w.messages.slice(w.marked()).filter((m) => /^(living-room|hallway-thermostat|bedroom-blinds)\//.test(m.topic))).toEqual([]);
    await w.close();
  });

  it("on stop publishes each device's offline availability, as a clean shutdown does, and disconnects", async () => {
    const t = await hub();
    const sim = await simulate(t);
    const plug = tasmotaTopic(sim);
    await sim.stop();
    const expected = {
      "zigbee2mqtt/bridge/state": '{"state":"offline"}',
      [`tele/${plug}/LWT`]: "Offline",
      "living-room/status": "offline",
      "hallway-thermostat/status": "offline",
      "bedroom-blinds/status": "offline",
    };
    const after = await eventually(async () => {
      const found = await retained(t, "#");
      return Object.entries(expected).every(([topic, payload]) => found.get(topic) === payload) ? found : undefined;
    }, "offline availability", 3000).catch(async () => retained(t, "#"));
    expect(Object.fromEntries(Object.keys(expected).map((topic) => [topic, after.get(topic)]))).toEqual(expected);
    await eventually(() => (brokerOf(t).clients().length === 0 ? true : undefined), "clients gone");
  });

  it("scales --devices into homes with distinct ids, and --rate drives the state traffic", async () => {
    const t = await hub();
    const sim = await simulate(t, { devices: 12, rate: 200 });
    expect(new Set(sim.devices.map((d) => d.clientId)).size).toBe(12);
    expect(sim.devices.map((d) => d.home)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3]);
    await eventually(() => (brokerOf(t).clients().length === 12 ? true : undefined), "12 clients");
    const configs = await eventually(async () => {
      const found = await retained(t, "homeassistant/#");
      return found.size >= 2 * CONFIGS_PER_HOME + 11 + 8 ? found : undefined;
    }, "configs of 2 homes and a bridge and a plug");
    const uniqueIds = [...configs].map(([topic, p]) => {
      const c = JSON.parse(p) as Record<string, unknown>;
      return `${topic.split("/")[1]} ${String(c.unique_id ?? c.uniq_id)}`;
    });
    expect(new Set(uniqueIds).size).toBe(uniqueIds.length);

    const before = sim.stats().sent;
    await new Promise((r) => setTimeout(r, 1000));
    const perSecond = sim.stats().sent - before;
    expect(perSecond).toBeGreaterThan(120);
    expect(perSecond).toBeLessThan(320);
    expect(sim.stats()).toMatchObject({ devices: 12, connected: 12, dropped: 0 });
  });

  it("provisions one MQTT user per device on a hub that refuses anonymous clients", async () => {
    const t = await hub({});
    for (let run = 0; run < 2; run++) {
      // The second run finds the users and renews their passwords.
      const sim = await simulate(t, { credentials: { kind: "provision", dataDir: t.dataDir } });
      const users = t.hub.accounts.listMqttUsers().map((u) => u.username);
      expect(users.sort()).toEqual(sim.devices.map((d) => provisionedUsername(d)).sort());
      const clients = brokerOf(t).clients();
      for (const d of sim.devices) expect(clients.find((c) => c.clientId === d.clientId)?.username).toBe(d.username);
      await sim.stop();
    }
  });

  it("without credentials against a hub that refuses anonymous clients, fails with one clear line", async () => {
    const t = await hub({});
    const failure = await startSimulation({ url: t.mqttUrl, devices: 5, tuning: FAST }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SimulationError);
    expect((failure as SimulationError).code).toBe("refused");
    expect((failure as SimulationError).message).toMatch(/--provision.*--username\/--password/);
    expect((failure as SimulationError).message).not.toContain("\n");
    await eventually(() => (brokerOf(t).clients().length === 0 ? true : undefined), "no clients left");
  });
});
