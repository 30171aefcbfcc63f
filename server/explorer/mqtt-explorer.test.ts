import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  for (const h of hubs.splice(0)) await h.stop();
});

async function hub(dataDir?: string): Promise<TestHub> {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir);
  hubs.push(t);
  return t;
}

async function client(t: TestHub, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

/** What a brand-new subscriber to `filter` receives in its first `ms`: the retained messages the broker holds. */
async function retainedFor(t: TestHub, filter: string, ms = 300): Promise<string[]> {
  const c = await client(t);
  const got: string[] = [];
  c.on("message", (topic, payload, packet) => {
    if (packet.retain) got.push(`${topic}=${payload.toString()}`);
  });
  await c.subscribeAsync(filter, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await c.endAsync();
  return got.sort();
}

describe("MQTT explorer (embedded broker)", () => {
  it("shows a retained topic with its publisher, payload and retained flag, and a plain topic", async () => {
    const t = await hub();
    const { password } = await t.hub.api.mqttUsers.add({ username: "plug-user" });
    const plug = await client(t, { clientId: "tasmota-plug-7", username: "plug-user", password });
    await plug.publishAsync("tele/plug7/LWT", "Online", { qos: 1, retain: true });
    await plug.publishAsync("tele/plug7/SENSOR", '{"ENERGY":{"Power":12}}', { qos: 0 });

    await expect.poll(() => t.hub.api.mqtt.topics("tele/plug7/")).toHaveLength(2);
    const [lwt, sensor] = await t.hub.api.mqtt.topics("tele/plug7");
    expect(lwt).toMatchObject({ name: "LWT", topic: "tele/plug7/LWT", has_message: true, retained: true, children: 0, retained_below: 1, messages: 1 });
    expect(sensor).toMatchObject({ name: "SENSOR", has_message: true, retained: false, retained_below: 0, messages: 1 });
    // Each row carries its one-line preview and publisher, so the tree needs no request per topic.
    expect(lwt).toMatchObject({ preview: "Online", payload_size: 6, client_id: "tasmota-plug-7" });
    expect(sensor).toMatchObject({ preview: '{"ENERGY":{"Power":12}}', payload_size: 23, client_id: "tasmota-plug-7" });
    expect(sensor?.last_at).toBeGreaterThan(Date.now() - 10_000);
    const top = (await t.hub.api.mqtt.topics("")).find((n) => n.name === "tele");
    expect(top).toMatchObject({ topic: "tele", has_message: false, children: 2, retained_below: 1, messages: 2, preview: null, payload_size: null, client_id: null });

    expect(await t.hub.api.mqtt.message("tele/plug7/LWT")).toMatchObject({
      topic: "tele/plug7/LWT",
      payload: "Online",
      payload_base64: null,
      size: 6,
      truncated: false,
      retained: true,
      retained_stored: true,
      qos: 1,
      client_id: "tasmota-plug-7",
      username: "plug-user",
      messages: 1,
    });
    expect(await t.hub.api.mqtt.message("tele/plug7/SENSOR")).toMatchObject({
      payload: '{"ENERGY":{"Power":12}}',
      retained: false,
      retained_stored: false,
      qos: 0,
      client_id: "tasmota-plug-7",
    });
    await expect(t.hub.api.mqtt.message("tele/plug7/none")).rejects.toMatchObject({ code: "not_found" });
  });

  it("clears one retained topic, then a whole branch: a new subscriber gets nothing", async () => {
    const t = await hub();
    const dev = await client(t, { clientId: "announcer" });
    const configs = ["homeassistant/sensor/foo/temp/config", "homeassistant/sensor/foo/hum/config", "homeassistant/sensor/foobar/x/config"];
    for (const topic of configs) await dev.publishAsync(topic, '{"state_topic":"foo/state"}', { qos: 1, retain: true });
    await dev.publishAsync("keep/me", "1", { qos: 1, retain: true });
    expect(await retainedFor(t, "homeassistant/sensor/#")).toHaveLength(3);

    expect(await t.hub.api.mqtt.clear({ topic: "homeassistant/sensor/foobar/x/config" })).toEqual({ cleared: 1 });
    expect(await t.hub.api.mqtt.clear({ topic: "homeassistant/sensor/foobar/x/config" })).toEqual({ cleared: 0 });
    expect(await retainedFor(t, "homeassistant/sensor/foobar/#")).toEqual([]);
    expect(await t.hub.api.mqtt.message("homeassistant/sensor/foobar/x/config")).toMatchObject({
      retained: true,
      retained_stored: false,
      size: 0,
      client_id: "$hub",
    });

    // "foo" is a branch: "foobar" is not in it.
    await dev.publishAsync("homeassistant/sensor/foobar/x/config", "{}", { qos: 1, retain: true });
    expect(await t.hub.api.mqtt.clear({ prefix: "homeassistant/sensor/foo/" })).toEqual({ cleared: 2 });
    expect(await retainedFor(t, "homeassistant/sensor/foo/#")).toEqual([]);
    expect(await retainedFor(t, "homeassistant/sensor/foobar/#")).toEqual(["homeassistant/sensor/foobar/x/config={}"]);
    const foo = (await t.hub.api.mqtt.topics("homeassistant/sensor/")).find((n) => n.name === "foo");
    expect(foo?.retained_below).toBe(0);

    // Everything only with confirm.
    await expect(t.hub.api.mqtt.clear({ prefix: "" })).rejects.toMatchObject({ code: "unprocessable" });
    await expect(t.hub.api.mqtt.clear({ prefix: "#" })).rejects.toMatchObject({ code: "unprocessable" });
    expect(await retainedFor(t, "keep/#")).toEqual(["keep/me=1"]);
    const { cleared } = await t.hub.api.mqtt.clear({ prefix: "#", confirm: true });
    expect(cleared).toBeGreaterThanOrEqual(2);
    expect(await retainedFor(t, "#")).toEqual([]);
  });

  it("publishes as the hub ($hub), retained or not", async () => {
    const t = await hub();
    const watcher = await client(t);
    const got: string[] = [];
    watcher.on("message", (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await watcher.subscribeAsync("cmnd/#", { qos: 1 });
    await t.hub.api.mqtt.publish({ topic: "cmnd/plug/POWER", payload: "TOGGLE", qos: 1 });
    await t.hub.api.mqtt.publish({ topic: "cmnd/plug/retained", payload: "kept", retain: true });
    await expect.poll(() => got).toEqual(["cmnd/plug/POWER=TOGGLE", "cmnd/plug/retained=kept"]);
    expect(await t.hub.api.mqtt.message("cmnd/plug/POWER")).toMatchObject({ client_id: "$hub", username: null, qos: 1, retained: false });
    expect(await t.hub.api.mqtt.message("cmnd/plug/retained")).toMatchObject({ client_id: "$hub", retained: true, retained_stored: true });
    expect(await retainedFor(t, "cmnd/plug/retained")).toEqual(["cmnd/plug/retained=kept"]);
  });

  it("refuses bad topics, prefixes and payloads", async () => {
    const t = await hub();
    for (const topic of ["", "a/+/b", "a/#", "$SYS/x", "a\u0000b"]) {
      await expect(t.hub.api.mqtt.publish({ topic, payload: "x" }), topic).rejects.toMatchObject({ code: "unprocessable" });
    }
    await expect(t.hub.api.mqtt.publish({ topic: "a", payload: "x".repeat(64 * 1024 + 1) })).rejects.toMatchObject({ code: "unprocessable" });
    await expect(t.hub.api.mqtt.publish({ topic: "a", payload: "x", payload_base64: "eA==" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(t.hub.api.mqtt.publish({ topic: "a", payload: "x".repeat(64 * 1024) })).resolves.toBeUndefined();
    await expect(t.hub.api.mqtt.topics("a/+")).rejects.toMatchObject({ code: "unprocessable" });
    await expect(t.hub.api.mqtt.clear({ prefix: "a/#" })).rejects.toMatchObject({ code: "unprocessable" });
    await expect(t.hub.api.mqtt.clear({ topic: "a/+" })).rejects.toMatchObject({ code: "unprocessable" });
    await expect(t.hub.api.mqtt.message("")).rejects.toMatchObject({ code: "not_found" });
  });

  it("returns binary payloads as base64, text as text, and big payloads cut at 16 KiB", async () => {
    const t = await hub();
    const dev = await client(t);
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    await dev.publishAsync("bin/raw", binary, { qos: 1, retain: true });
    // 16 KiB of 3-byte characters: the cut falls inside one, which must not make it "binary".
    const big = "€".repeat(6000);
    await dev.publishAsync("bin/big", big, { qos: 1 });
    await t.hub.api.mqtt.publish({ topic: "bin/hub", payload_base64: binary.toString("base64") });

    // The PUBACK can overtake the broker thread's index update: wait for the topics to be seen.
    await expect.poll(async () => (await t.hub.api.mqtt.message("bin/big").catch(() => undefined))?.size).toBe(Buffer.byteLength(big));
    expect(await t.hub.api.mqtt.message("bin/raw")).toMatchObject({ payload: null, payload_base64: binary.toString("base64"), size: 5 });
    const cut = await t.hub.api.mqtt.message("bin/big");
    expect(cut).toMatchObject({ size: Buffer.byteLength(big), truncated: true, payload_base64: null });
    expect(cut.payload).toBe("€".repeat(Math.floor((16 * 1024) / 3)));
    await expect.poll(async () => (await t.hub.api.mqtt.message("bin/hub").catch(() => undefined))?.payload_base64).toBe(binary.toString("base64"));
  });

  it("remembers at most 20,000 topics without a retained message, dropping the least recently updated", async () => {
    const t = await hub();
    const dev = await client(t, { clientId: "flood" });
    await dev.publishAsync("flood-retained/x", "r", { qos: 1, retain: true });
    for (let i = 0; i < 20_100; i++) dev.publish(`flood/${i}`, "x", { qos: 0 });
    await dev.publishAsync("flood/last", "x", { qos: 1 });
    await expect.poll(async () => (await t.hub.api.mqtt.message("flood/last").catch(() => undefined))?.topic).toBe("flood/last");
    const nodes = await t.hub.api.mqtt.topics("flood/");
    expect(nodes.length).toBeLessThanOrEqual(20_000);
    expect(nodes.length).toBeGreaterThan(19_900);
    const names = new Set(nodes.map((n) => n.name));
    expect(names.has("0")).toBe(false);
    expect(names.has("20099")).toBe(true);
    expect(await t.hub.api.mqtt.message("flood-retained/x")).toMatchObject({ retained_stored: true, client_id: "flood" });
  });

  it("after a restart, shows the stored retained messages with their publisher unknown", async () => {
    const first = await hub();
    const dev = await client(first, { clientId: "before-restart" });
    await dev.publishAsync("persist/me", "still here", { qos: 1, retain: true });
    await dev.endAsync();
    const dir = first.dataDir;
    hubs.splice(hubs.indexOf(first), 1);
    await first.stop();

    const second = await hub(dir);
    expect(await second.hub.api.mqtt.message("persist/me")).toMatchObject({
      payload: "still here",
      retained_stored: true,
      at: null,
      client_id: null,
      messages: 0,
    });
    expect((await second.hub.api.mqtt.topics("persist")).map((n) => [n.name, n.retained, n.last_at])).toEqual([["me", true, null]]);
  });
});
