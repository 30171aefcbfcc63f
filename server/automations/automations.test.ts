// Automations end to end: rules saved through the hub's API, driven by MQTT clients on the real broker and a
// manual clock, checked by what the hub publishes and the traces it keeps; a restart in the middle of a delay.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { upsertHome } from "@/db/queries/accounts";
import { openDatabase } from "@/db/open-database";
import { dataPaths, migrationsFolder } from "../paths";
import { ManualClock } from "../testing/manual-clock";
import { startTestHub, type TestHub } from "../testing/test-hub";

const MINUTE = 60_000;
// 20:00 in Berlin on 22 November: well after sunset (about 16:00 local).
const EVENING = Date.UTC(2026, 10, 22, 19, 0, 0);
// 12:00 in Berlin: the sun is up.
const NOON = Date.UTC(2026, 10, 22, 11, 0, 0);

const DOOR_RULE = `# When any door opens after sunset, the hall light goes on for 5 minutes.
id: door_after_sunset
alias: Door after sunset
mode: restart
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/+/contact   # every door sensor
    payload: "false"
conditions:
  - condition: sun
    after: sunset
actions:
  - action: mqtt.publish
    data:
      topic: hall/light/set
      payload: "ON"
  - delay: "00:05:00"
  - action: mqtt.publish
    data:
      topic: hall/light/set
      payload: "OFF"
`;

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

function homeIn(dir: string): void {
  const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
  upsertHome(db, { locationName: "Home", timeZone: "Europe/Berlin", unitSystem: "metric", createdAt: 0, latitude: 52.52, longitude: 13.405 });
  db.$client.close();
}

async function hubAt(clock: ManualClock, dir?: string): Promise<TestHub> {
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hearth-automations-"));
  if (!dir) homeIn(dataDir);
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir, { clock });
  hubs.push(t);
  await t.hub.automations.ready;
  return t;
}

async function client(t: TestHub, topics: string[] = []): Promise<{ c: MqttClient; got: Array<[string, string]> }> {
  const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
  clients.push(c);
  const got: Array<[string, string]> = [];
  c.on("message", (topic, payload) => got.push([topic, payload.toString()]));
  if (topics.length > 0) await c.subscribeAsync(topics);
  return { c, got };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("automations", () => {
  it("door after sunset: turns the hall light on, and off 5 minutes later, even across a restart", async () => {
    const clock = new ManualClock(EVENING);
    let t = await hubAt(clock);
    const created = await t.hub.api.automations.create({ source: DOOR_RULE, format: "yaml", by: null });
    expect(created).toMatchObject({ id: "door_after_sunset", alias: "Door after sunset", enabled: true, revision: 1, errors: [] });
    // The YAML is kept as typed, comments and all.
    expect(t.hub.api.automations.get("door_after_sunset").source).toBe(DOOR_RULE);

    let light = await client(t, ["hall/light/set"]);
    const door = await client(t);
    await door.c.publishAsync("zigbee2mqtt/front_door/contact", "false");
    await until(() => light.got.length === 1, "the light to go on");
    expect(light.got).toEqual([["hall/light/set", "ON"]]);

    await clock.advance(2 * MINUTE);
    expect(light.got).toHaveLength(1);
    const running = t.hub.api.automations.traces("door_after_sunset")[0]!;
    expect(running.outcome).toBe("running");
    expect(running.steps.map((s) => s.path)).toEqual(["actions/0", "actions/1"]);

    // The hub stops mid-delay and comes back a minute later.
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    await clock.advance(MINUTE);
    t = await hubAt(clock, dir);
    light = await client(t, ["hall/light/set"]);
    await clock.advance(MINUTE + 59_000);
    expect(light.got).toEqual([]);
    await clock.advance(1000);
    await until(() => light.got.length === 1, "the light to go off");
    expect(light.got).toEqual([["hall/light/set", "OFF"]]);

    const [trace] = t.hub.api.automations.traces("door_after_sunset");
    expect(trace).toMatchObject({ outcome: "success", trigger: { platform: "mqtt", topic: "zigbee2mqtt/front_door/contact", payload: "false" } });
    expect(trace!.steps.map((s) => s.path)).toEqual(["actions/0", "actions/1", "actions/2"]);
    expect(trace!.conditions).toMatchObject({ ok: true });
  });

  it("keeps a near miss that says why it did not run", async () => {
    const clock = new ManualClock(NOON);
    const t = await hubAt(clock);
    await t.hub.api.automations.create({ source: DOOR_RULE, format: "yaml", by: null });
    const light = await client(t, ["hall/light/set"]);
    const door = await client(t);
    await door.c.publishAsync("zigbee2mqtt/back_door/contact", "false");
    await door.c.publishAsync("zigbee2mqtt/back_door/contact", "true"); // closing: not the payload asked for
    await until(() => t.hub.api.automations.traces("door_after_sunset").length === 1, "a trace");
    const [miss] = t.hub.api.automations.traces("door_after_sunset");
    expect(miss).toMatchObject({ outcome: "near_miss", conditions: { ok: false } });
    expect(miss!.summary).toMatch(/condition failed/);
    expect(light.got).toEqual([]);
  });

  it("refuses an invalid rule with the path and reason of every error", async () => {
    const t = await hubAt(new ManualClock(NOON));
    const bad = { alias: "Broken", mode: "sometimes", triggers: [{ trigger: "mqtt" }], actions: [{ delay: "soon" }] };
    const err = await t.hub.api.automations.create({ source: JSON.stringify(bad), format: "json", by: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unprocessable" });
    const issues = (err as { details: { issues: Array<{ path: string }> } }).details.issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(["mode", "triggers[0].topic", "actions[0].delay"]));
    expect(t.hub.api.automations.list()).toEqual([]);
  });

  it("keeps every save as a revision and restores an old one", async () => {
    const t = await hubAt(new ManualClock(NOON));
    await t.hub.api.automations.create({ source: DOOR_RULE, format: "yaml", by: "1" });
    const edited = DOOR_RULE.replace("alias: Door after sunset", "alias: Doors at night # renamed");
    const v2 = await t.hub.api.automations.update("door_after_sunset", { source: edited, format: "yaml", by: "1" });
    expect(v2).toMatchObject({ alias: "Doors at night", revision: 2 });
    const restored = await t.hub.api.automations.restore("door_after_sunset", 1, "1");
    expect(restored).toMatchObject({ alias: "Door after sunset", revision: 3, source: DOOR_RULE });
    expect(t.hub.api.automations.revisions("door_after_sunset").map((r) => [r.revision, r.action])).toEqual([
      [3, "restore"],
      [2, "update"],
      [1, "create"],
    ]);
  });

  it("runs by mode: single ignores a second trigger while running, queued runs them one after another", async () => {
    const clock = new ManualClock(NOON);
    const t = await hubAt(clock);
    const rule = (id: string, mode: string) => ({
      id,
      mode,
      triggers: [{ trigger: "mqtt", topic: `modes/${id}` }],
      actions: [{ action: "mqtt.publish", data: { topic: `out/${id}`, payload: "{{ trigger.payload }}" } }, { delay: 60 }],
    });
    await t.hub.api.automations.create({ source: JSON.stringify(rule("single_one", "single")), format: "json", by: null });
    await t.hub.api.automations.create({ source: JSON.stringify(rule("queued_one", "queued")), format: "json", by: null });
    const out = await client(t, ["out/#"]);
    const src = await client(t);
    for (const id of ["single_one", "queued_one"]) {
      await src.c.publishAsync(`modes/${id}`, "a");
      await src.c.publishAsync(`modes/${id}`, "b");
    }
    await until(() => out.got.length === 2, "two first runs");
    expect(out.got.sort()).toEqual([
      ["out/queued_one", "a"],
      ["out/single_one", "a"],
    ]);
    await clock.advance(60_000);
    await until(() => out.got.length === 3, "the queued second run");
    expect(out.got.at(-1)).toEqual(["out/queued_one", "b"]);
    const single = t.hub.api.automations.traces("single_one");
    expect(single.map((s) => s.outcome).sort()).toEqual(["near_miss", "success"]);
  });
});

describe("automations on devices", () => {
  async function door(t: TestHub, lwt = false): Promise<MqttClient> {
    const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0, clientId: "front-door", ...(lwt ? { will: { topic: "doors/front/availability", payload: Buffer.from("offline"), qos: 1, retain: true } } : {}) });
    clients.push(c);
    const config = {
      name: "Door",
      unique_id: "front_door_contact",
      device_class: "door",
      state_topic: "doors/front/state",
      availability_topic: "doors/front/availability",
      device: { identifiers: ["front_door"], name: "Front door" },
    };
    await c.publishAsync("homeassistant/binary_sensor/front_door/config", JSON.stringify(config), { retain: true, qos: 1 });
    await c.publishAsync("doors/front/availability", "online", { retain: true, qos: 1 });
    await c.publishAsync("doors/front/state", "OFF", { retain: true, qos: 1 });
    await until(() => t.hub.api.states.find("binary_sensor.front_door_door")?.state === "off", "the door's state");
    return c;
  }

  it("a `for: 5 minutes` hold survives a restart and fires at the right time", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    const d = await door(t);
    await t.hub.api.automations.create({
      source: `id: door_left_open
alias: Door left open
triggers:
  - trigger: state
    entity_id: binary_sensor.front_door_door
    to: "on"
    for: { minutes: 5 }
actions:
  - action: mqtt.publish
    data: { topic: alerts/door, payload: "{{ trigger.to_state.name }} open for {{ trigger.for.seconds | int }} s" }
`,
      format: "yaml",
      by: null,
    });
    await d.publishAsync("doors/front/state", "ON", { retain: true, qos: 1 });
    await until(() => t.hub.api.states.find("binary_sensor.front_door_door")?.state === "on", "the door to open");
    await clock.advance(2 * MINUTE);
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    t = await hubAt(clock, dir);
    const alerts = await client(t, ["alerts/#"]);
    await until(() => t.hub.api.states.find("binary_sensor.front_door_door")?.state === "on", "the door's state after the restart");
    await clock.advance(3 * MINUTE - 1000);
    expect(alerts.got).toEqual([]);
    await clock.advance(1000);
    await until(() => alerts.got.length === 1, "the alert");
    expect(alerts.got[0]![1]).toMatch(/open for 300 s$/);
  });

  it("an interrupted `for:` is a near miss that says how long it held", async () => {
    const clock = new ManualClock(NOON);
    const t = await hubAt(clock);
    const d = await door(t);
    await t.hub.api.automations.create({
      source: JSON.stringify({ id: "left_open", triggers: [{ trigger: "state", entity_id: "binary_sensor.front_door_door", to: "on", for: "00:05:00" }], actions: [{ action: "mqtt.publish", data: { topic: "alerts/door", payload: "open" } }] }),
      format: "json",
      by: null,
    });
    await d.publishAsync("doors/front/state", "ON", { retain: true, qos: 1 });
    await until(() => t.hub.api.states.find("binary_sensor.front_door_door")?.state === "on", "the door to open");
    await clock.advance(2 * MINUTE);
    await d.publishAsync("doors/front/state", "OFF", { retain: true, qos: 1 });
    await until(() => t.hub.api.automations.traces("left_open").length === 1, "the near miss");
    const [miss] = t.hub.api.automations.traces("left_open");
    expect(miss).toMatchObject({ outcome: "near_miss" });
    expect(miss!.summary).toBe("binary_sensor.front_door_door became on, but for: was interrupted after 2 min of 5 min");
  });

  it("a device killed without DISCONNECT fires the offline rule through its will", async () => {
    const clock = new ManualClock(NOON);
    const t = await hubAt(clock);
    const d = await door(t, true);
    const deviceId = t.hub.api.devices.list().find((x) => x.name === "Front door")!.id;
    await t.hub.api.automations.create({
      source: JSON.stringify({
        id: "door_offline",
        triggers: [{ trigger: "availability", device_id: deviceId, to: "offline" }],
        actions: [{ action: "mqtt.publish", data: { topic: "alerts/offline", payload: "{{ trigger.device_id }} went {{ trigger.to }}" } }],
      }),
      format: "json",
      by: null,
    });
    const alerts = await client(t, ["alerts/#"]);
    // The socket drops without a DISCONNECT packet: the broker publishes the will.
    d.stream.destroy();
    await until(() => alerts.got.length === 1, "the offline alert");
    expect(alerts.got[0]).toEqual(["alerts/offline", `${deviceId} went offline`]);
    const [trace] = t.hub.api.automations.traces("door_offline");
    expect(trace).toMatchObject({ outcome: "success", trigger: { platform: "availability", to: "offline" } });
  });

  it("throttles a rule that keeps triggering itself, and says so", async () => {
    const clock = new ManualClock(NOON);
    const t = await hubAt(clock);
    await t.hub.api.automations.create({
      source: JSON.stringify({ id: "echo", mode: "parallel", max: 100, triggers: [{ trigger: "mqtt", topic: "loop/x" }], actions: [{ action: "mqtt.publish", data: { topic: "loop/x", payload: "again" } }] }),
      format: "json",
      by: null,
    });
    const src = await client(t, ["loop/x"]);
    await src.c.publishAsync("loop/x", "start");
    await until(() => t.hub.api.automations.traces("echo").some((x) => x.summary.startsWith("throttled")), "the throttle", 30_000);
    // What was in flight when it stopped still arrives; then nothing more.
    await new Promise((r) => setTimeout(r, 300));
    const count = src.got.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(src.got.length).toBe(count);
    expect(count).toBeLessThanOrEqual(510);
  });
});

describe("automations across downtime", () => {
  it("catch_up: a time trigger that fell while the hub was down fires once at start; without it, none", async () => {
    const clock = new ManualClock(NOON); // 12:00 in Berlin
    let t = await hubAt(clock);
    const rule = (id: string, catchUp: boolean) =>
      JSON.stringify({ id, catch_up: catchUp, triggers: [{ trigger: "time", at: "12:30:00" }], actions: [{ action: "mqtt.publish", data: { topic: `caught/${id}`, payload: "{{ trigger.caught_up | default(false) }}" } }] });
    await t.hub.api.automations.create({ source: rule("with_catch_up", true), format: "json", by: null });
    await t.hub.api.automations.create({ source: rule("without", false), format: "json", by: null });
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    await clock.advance(60 * MINUTE); // down from 12:00 to 13:00 local: 12:30 is missed
    t = await hubAt(clock, dir);
    const seen = await client(t, ["caught/#"]);
    await until(() => t.hub.api.automations.traces("with_catch_up").some((x) => x.outcome === "success"), "the caught-up run");
    expect(t.hub.api.automations.traces("with_catch_up")[0]!.trigger).toMatchObject({ platform: "time", caught_up: true });
    expect(t.hub.api.automations.traces("without")).toEqual([]);
    expect(seen.got).toEqual([]); // it ran before this client subscribed: the trace says it did
  });
});
