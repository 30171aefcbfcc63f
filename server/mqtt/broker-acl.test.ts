import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AclRule } from "@/devices/mqtt-acl/acl-rules";
import { startTestHub, type TestHub } from "../testing/test-hub";

let t: TestHub;
const clients: MqttClient[] = [];
let spyMessages: string[] = [];

beforeAll(async () => {
  t = await startTestHub();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  spyMessages = [];
});

afterAll(async () => {
  await t?.stop();
});

async function user(username: string, acl?: AclRule[]): Promise<string> {
  const { password } = await t.hub.api.mqttUsers.add({ username, acl });
  return password;
}

async function connect(username: string, password: string, opts: IClientOptions = {}, url = t.mqttUrl): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  clients.push(c);
  return c;
}

/** A user without rules (full access) that records everything on `#`: who sees what was delivered. */
async function spy(name: string): Promise<MqttClient> {
  const c = await connect(name, await user(name), { clientId: `${name}-c` });
  c.on("message", (topic, payload) => {
    const line = `${topic}=${payload.toString()}`;
    // The hub's own birth message goes out once discovery settles, whenever that is on a loaded machine.
    if (line !== "homeassistant/status=online") spyMessages.push(line);
  });
  await c.subscribeAsync("#", { qos: 1 });
  return c;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Granted QoS per filter, 128 (0x80) = refused [MQTT-3.9.3]. */
async function granted(c: MqttClient, filters: string[]): Promise<number[]> {
  const out: number[] = [];
  // One SUBSCRIBE per filter: MQTT.js fails a whole SUBSCRIBE when any filter is refused (the SUBACK rides on the error).
  for (const f of filters) out.push(await c.subscribeAsync(f, { qos: 1 }).then((g) => g[0]?.qos ?? -1, (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0] ?? -1));
  return out;
}

describe("MQTT ACLs in the embedded broker", () => {
  it("delivers allowed publishes, drops denied ones without disconnecting, and deny wins", async () => {
    await spy("spy-a");
    const plug = await connect("plug-a", await user("plug-a", [
      { access: "write", pattern: "tele/%c/#" },
      { access: "readwrite", pattern: "shared/#" },
      { access: "deny", pattern: "shared/secret/#" },
    ]), { clientId: "p1" });
    for (const topic of ["tele/p1/STATE", "tele/p2/STATE", "shared/ok", "shared/secret/x", "elsewhere", "tele/p1/END"]) {
      await plug.publishAsync(topic, "v", { qos: 1 });
    }
    await until(() => spyMessages.includes("tele/p1/END=v"));
    expect(spyMessages).toEqual(["tele/p1/STATE=v", "shared/ok=v", "tele/p1/END=v"]);
    expect(plug.connected).toBe(true);
    // A retained denied publish is not stored either.
    await plug.publishAsync("elsewhere/retained", "x", { qos: 1, retain: true });
    expect(await t.broker.readRetained("elsewhere/#")).toEqual([]);
  });

  it("refuses subscriptions outside the read rules in the SUBACK and filters per message", async () => {
    const s = await spy("spy-b");
    const dev = await connect("dev-b", await user("dev-b", [
      { access: "read", pattern: "cmnd/%c/#" },
      { access: "readwrite", pattern: "users/%u/#" },
      { access: "read", pattern: "shared/#" },
      { access: "deny", pattern: "shared/secret/#" },
    ]), { clientId: "devb" });
    expect(await granted(dev, ["cmnd/devb/#", "cmnd/#", "users/dev-b/+", "users/other/x", "shared/#", "shared/secret/#", "#"])).toEqual([1, 128, 1, 128, 1, 128, 128]);
    const got: string[] = [];
    dev.on("message", (topic) => got.push(topic));
    for (const topic of ["cmnd/devb/POWER", "shared/secret/a", "shared/b", "users/dev-b/x", "users/dev-b/END"]) await s.publishAsync(topic, "1", { qos: 1 });
    await until(() => got.includes("users/dev-b/END"));
    expect(got).toEqual(["cmnd/devb/POWER", "shared/b", "users/dev-b/x", "users/dev-b/END"]);
  });

  it("a user without rules keeps full access, but nobody may write the hub's status topic", async () => {
    await spy("spy-c");
    const old = await connect("legacy-c", await user("legacy-c"), { clientId: "legacy" });
    expect(await granted(old, ["#", "$hearth/denied"])).toEqual([1, 128]);
    await old.publishAsync("homeassistant/status", "offline", { qos: 1 });
    await old.publishAsync("anything/goes", "1", { qos: 1 });
    await until(() => spyMessages.includes("anything/goes=1"));
    expect(spyMessages).toEqual(["anything/goes=1"]);
    // Only a rule naming the topic itself lets a client (a second controller) write it; a wildcard does not.
    const controller = await connect("ctl-c", await user("ctl-c", [{ access: "readwrite", pattern: "#" }, { access: "write", pattern: "homeassistant/status" }]));
    const wildcard = await connect("wild-c", await user("wild-c", [{ access: "readwrite", pattern: "homeassistant/#" }]));
    await wildcard.publishAsync("homeassistant/status", "by-wildcard", { qos: 1 });
    await controller.publishAsync("homeassistant/status", "by-controller", { qos: 1 });
    await until(() => spyMessages.includes("homeassistant/status=by-controller"));
    expect(spyMessages).not.toContain("homeassistant/status=by-wildcard");
    // The hub itself still publishes its birth message there.
    await t.broker.publish("homeassistant/status", "online-by-hub");
    await until(() => spyMessages.includes("homeassistant/status=online-by-hub"));
  });

  it("applies changed rules to connected clients without a reconnect", async () => {
    const s = await spy("spy-d");
    const dev = await connect("dev-d", await user("dev-d", [{ access: "readwrite", pattern: "a/#" }]), { clientId: "devd" });
    const got: string[] = [];
    dev.on("message", (topic) => got.push(topic));
    await dev.subscribeAsync("a/#", { qos: 1 });
    await s.publishAsync("a/before", "x", { qos: 1 });
    await until(() => got.includes("a/before"));
    got.length = 0;
    await dev.publishAsync("b/1", "x", { qos: 1 });
    t.hub.api.mqttUsers.setAcl("dev-d", [{ access: "write", pattern: "b/#" }]);
    // The change reaches the broker thread by message: retry until it applies (bounded).
    let n = 0;
    await until(() => {
      void dev.publishAsync(`b/retry${++n}`, "x", { qos: 1 }).catch(() => undefined); // the client may end with this in flight
      return spyMessages.some((m) => m.startsWith("b/"));
    });
    expect(spyMessages).not.toContain("b/1=x");
    // The a/# subscription granted earlier no longer delivers: read access is gone.
    await s.publishAsync("a/after", "x", { qos: 1 });
    await t.broker.publish("b/end", "x", { qos: 1 });
    await until(() => spyMessages.includes("b/end=x"));
    expect(got).toEqual([]);
    expect(dev.connected).toBe(true);
  });

  it("enforces rules over WebSocket MQTT too", async () => {
    const dev = await connect("ws-e", await user("ws-e", [{ access: "read", pattern: "ws/%u/#" }]), { clientId: "wse" }, t.wsUrl);
    expect(await granted(dev, ["ws/ws-e/#", "ws/#"])).toEqual([1, 128]);
  });

  it("validates rules: a bad pattern or unknown access is a 422 naming the field", () => {
    void user("val-f");
    expect(() => t.hub.api.mqttUsers.setAcl("val-f", [{ access: "read", pattern: "a/#/b" }])).toThrow(expect.objectContaining({ code: "unprocessable", details: { issues: [{ path: "rules.0.pattern", message: expect.stringContaining("#") as string }] } }) as Error);
    expect(() => t.hub.api.mqttUsers.setAcl("val-f", [{ access: "read", pattern: "ok" }, { access: "all", pattern: "x" }])).toThrow(expect.objectContaining({ code: "unprocessable", details: { issues: [{ path: "rules.1.access", message: expect.any(String) as string }] } }) as Error);
    expect(() => t.hub.api.mqttUsers.setAcl("nobody-f", [])).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
  });
});

describe("pairing defaults", () => {
  it("a Zigbee2MQTT bridge gets its base topic and discovery", async () => {
    await spy("spy-g");
    const started = await t.hub.api.pairing.start({ kind: "zigbee2mqtt", base_topic: "zb" });
    expect(t.hub.api.mqttUsers.acl(started.username).rules).toEqual([
      { access: "readwrite", pattern: "zb/#" },
      { access: "readwrite", pattern: "homeassistant/#" },
    ]);
    const bridge = await connect(started.username, started.password, { clientId: "z2m-1" });
    expect(await granted(bridge, ["zb/#", "homeassistant/status", "tele/#"])).toEqual([1, 1, 128]);
    for (const topic of ["zb/bridge/state", "homeassistant/status", "tele/x/STATE", "homeassistant/sensor/zb_1/config"]) await bridge.publishAsync(topic, "1", { qos: 1 });
    await until(() => spyMessages.includes("homeassistant/sensor/zb_1/config=1"));
    expect(spyMessages).toEqual(["zb/bridge/state=1", "homeassistant/sensor/zb_1/config=1"]);
  });

  it("Tasmota gets tele/stat/cmnd under its Topic, its group and fallback topics, and discovery", async () => {
    await spy("spy-h");
    const started = await t.hub.api.pairing.start({ kind: "tasmota", name: "Kitchen plug" });
    expect(t.hub.api.mqttUsers.acl(started.username).rules).toContainEqual({ access: "readwrite", pattern: "tele/kitchen_plug/#" });
    const plug = await connect(started.username, started.password, { clientId: "DVES_1A2B3C" });
    expect(await granted(plug, ["cmnd/kitchen_plug/#", "cmnd/tasmotas/#", "cmnd/DVES_1A2B3C_fb/#", "homeassistant/status", "cmnd/other/#"])).toEqual([1, 1, 1, 1, 128]);
    for (const topic of ["tele/kitchen_plug/STATE", "stat/other/POWER", "cmnd/tasmotas/POWER", "stat/kitchen_plug/POWER"]) await plug.publishAsync(topic, "1", { qos: 1 });
    await until(() => spyMessages.includes("stat/kitchen_plug/POWER=1"));
    expect(spyMessages).toEqual(["tele/kitchen_plug/STATE=1", "stat/kitchen_plug/POWER=1"]);
  });
});
