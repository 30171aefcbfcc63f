import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { lanHosts, preferHost } from "./lan-hosts";

let t: TestHub;
const clients: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestHub();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  await t?.stop();
});

async function connect(username: string, password: string, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(t.mqttUrl, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000 });
  clients.push(client);
  return client;
}

/** Polls until `check` passes or the time is up (bounded). */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

describe("pairing", () => {
  it("gives working credentials, then sees the client connect and the device it announces", async () => {
    const api = t.hub.api;
    const started = await api.pairing.start({ kind: "esphome", name: "Porch sensor" });
    expect(started.username).toMatch(/^pair-esphome-[0-9a-f]{6}$/);
    expect(started.port).toBe(t.mqttPort);
    expect(started.hosts[0]).toMatchObject({ address: "127.0.0.1" });
    expect(started.snippet.text).toContain(`password: "${started.password}"`);
    expect(api.mqttUsers.list().some((u) => u.username === started.username)).toBe(true);

    const waiting = await api.pairing.status(started.session_id);
    expect(waiting).toMatchObject({ state: "waiting", online: false, devices: [] });

    // Long polling: a request with the current version waits, and answers as soon as the client connects.
    const unchanged = await api.pairing.status(started.session_id, { since: waiting.version, timeoutMs: 100 });
    expect(unchanged.version).toBe(waiting.version);
    const waited = api.pairing.status(started.session_id, { since: waiting.version, timeoutMs: 20_000 });
    const askedAt = Date.now();
    const device = await connect(started.username, started.password, "porch-esp");
    const connected = await waited;
    expect(Date.now() - askedAt).toBeLessThan(10_000);
    expect(connected).toMatchObject({ state: "connected", online: true });
    expect(connected.version).not.toBe(waiting.version);
    // A stale version answers at once.
    expect((await api.pairing.status(started.session_id, { since: waiting.version, timeoutMs: 20_000 })).online).toBe(true);

    const config = {
      name: "Temperature",
      unique_id: "porch_esp_temp",
      state_topic: "porch-esp/sensor/temperature/state",
      device_class: "temperature",
      unit_of_measurement: "°C",
      device: { identifiers: ["porch-esp"], name: "Porch ESP", manufacturer: "Espressif", model: "ESP32" },
    };
    await device.publishAsync("homeassistant/sensor/porch-esp/temperature/config", JSON.stringify(config), { retain: true, qos: 1 });
    const found = await eventually(() => api.pairing.status(started.session_id), (s) => s.devices.length > 0);
    expect(found.state).toBe("found");
    expect(found.devices).toEqual([expect.objectContaining({ name: "Porch ESP", manufacturer: "Espressif", entity_count: 1, match: "publisher", room_id: null })]);

    // Name it and put it in a new room, as the wizard's last step does.
    const room = api.rooms.create({ name: "Porch" });
    const id = found.devices[0]?.id ?? "";
    api.devices.update(id, { name: "Front porch", room_id: room.room_id });
    expect(api.devices.get(id)).toMatchObject({ name: "Front porch", room_id: "porch" });

    // Another client's device is not claimed by this session.
    const other = await api.mqttUsers.add({ username: "someone-else" });
    const stranger = await connect("someone-else", other.password, "stranger");
    await stranger.publishAsync(
      "homeassistant/switch/stranger/plug/config",
      JSON.stringify({ name: "Plug", unique_id: "stranger_plug", command_topic: "stranger/set", device: { identifiers: ["stranger"], name: "Stranger" } }),
      { retain: true, qos: 1 },
    );
    await eventually(() => Promise.resolve(api.devices.list()), (list) => list.some((d) => d.name === "Stranger"));
    const after = await api.pairing.status(started.session_id);
    expect(after.devices.map((d) => d.name)).toEqual(["Front porch"]);
  });

  it("unknown and expired sessions are not_found; bad kinds of input are refused", async () => {
    await expect(t.hub.api.pairing.status("nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(t.hub.api.pairing.start({ kind: "zigbee2mqtt", base_topic: "z2m/#" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(t.hub.api.pairing.permitJoin({ base_topic: "+", seconds: 10 })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("Zigbee2MQTT: permit join publishes the exact request, and bridge events are collected", async () => {
    const api = t.hub.api;
    const started = await api.pairing.start({ kind: "zigbee2mqtt", base_topic: "zb" });
    expect(started.base_topic).toBe("zb");
    expect(started.snippet.text).toContain('base_topic: "zb"');
    const bridge = await connect(started.username, started.password, "z2m-bridge");
    const requests: string[] = [];
    bridge.on("message", (topic, payload) => {
      if (topic === "zb/bridge/request/permit_join") requests.push(payload.toString());
    });
    await bridge.subscribeAsync("zb/bridge/request/permit_join", { qos: 1 });

    const opened = await api.pairing.permitJoin({ base_topic: "zb", seconds: 120 });
    expect(opened.permit_join_until).toBeGreaterThan(Date.now() + 100_000);
    await eventually(() => Promise.resolve(requests.length), (n) => n > 0);
    expect(requests).toEqual(['{"value":true,"time":120}']);

    const events = [
      { type: "device_joined", data: { friendly_name: "0xabc", ieee_address: "0xabc" } },
      { type: "device_interview", data: { friendly_name: "0xabc", ieee_address: "0xabc", status: "started" } },
      { type: "device_interview", data: { friendly_name: "0xabc", ieee_address: "0xabc", status: "successful", supported: true, definition: { vendor: "IKEA", model: "LED1624G9", description: "bulb" } } },
    ];
    for (const e of events) await bridge.publishAsync("zb/bridge/event", JSON.stringify(e), { qos: 1 });
    await bridge.publishAsync("zb/bridge/event", "garbage", { qos: 1 });
    const seen = await eventually(() => api.pairing.bridgeEvents("zb"), (v) => v.events.length >= 3);
    expect(seen.events.map((e) => [e.type, e.status])).toEqual([
      ["device_joined", null],
      ["device_interview", "started"],
      ["device_interview", "successful"],
    ]);
    expect(seen.events[2]).toMatchObject({ vendor: "IKEA", model: "LED1624G9" });

    const closed = await api.pairing.permitJoin({ base_topic: "zb", seconds: 0 });
    expect(closed.permit_join_until).toBeNull();
    await eventually(() => Promise.resolve(requests.length), (n) => n > 1);
    expect(requests[1]).toBe('{"value":false,"time":0}');
  });
});

describe("lanHosts", () => {
  const interfaces = {
    lo: [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true, cidr: "127.0.0.1/8" }],
    eth0: [
      { address: "192.168.1.20", netmask: "255.255.255.0", family: "IPv4", mac: "aa:bb:cc:dd:ee:ff", internal: false, cidr: "192.168.1.20/24" },
      { address: "fe80::1", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "aa:bb:cc:dd:ee:ff", internal: false, cidr: "fe80::1/64", scopeid: 2 },
      { address: "fd00::20", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "aa:bb:cc:dd:ee:ff", internal: false, cidr: "fd00::20/64", scopeid: 0 },
    ],
  } as const;

  it("lists LAN IPv4, the mDNS name, then routable IPv6; never loopback or link-local", () => {
    const hosts = lanHosts({ bindHost: "0.0.0.0", mdnsName: "hearth.local", interfaces: structuredClone(interfaces) as never });
    expect(hosts.map((h) => h.address)).toEqual(["192.168.1.20", "hearth.local", "fd00::20"]);
    expect(lanHosts({ bindHost: "0.0.0.0", mdnsName: undefined, interfaces: structuredClone(interfaces) as never }).map((h) => h.address)).toEqual(["192.168.1.20", "fd00::20"]);
  });

  it("a bound address is the only one; the browser's host goes first", () => {
    expect(lanHosts({ bindHost: "10.0.0.5", mdnsName: "hearth.local" })).toEqual([{ address: "10.0.0.5", label: "Hub address", family: "ipv4" }]);
    const hosts = lanHosts({ bindHost: "::", mdnsName: "hearth.local", interfaces: structuredClone(interfaces) as never });
    expect(preferHost(hosts, "hearth.local")[0]?.address).toBe("hearth.local");
    expect(preferHost(hosts, "[fd00::20]")[0]?.address).toBe("fd00::20");
    expect(preferHost(hosts, "example.com")).toEqual(hosts);
  });
});
