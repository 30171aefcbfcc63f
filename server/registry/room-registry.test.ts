import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { dataPaths, migrationsFolder } from "../paths";
import type { HubEvents } from "../event-bus";
import type { HubApi } from "../hub-api";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// Rooms (HA areas) in a running hub: CRUD and order, suggested_area, device and entity placement,
// persistence across a restart and the registryUpdated facts.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

async function start(dataDir?: string) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir);
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `rooms-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  const facts: Array<HubEvents["registryUpdated"]> = [];
  t.hub.bus.on("registryUpdated", (f) => facts.push(f));
  return { t, api: t.hub.api, device, facts };
}

async function restart(t: TestHub) {
  for (const c of clients.splice(0)) await c.endAsync();
  await t.stop();
  hubs.splice(hubs.indexOf(t), 1);
  const next = await start(t.dataDir);
  await next.t.hub.discovery.settled;
  return next;
}

/** A sensor on device `node`; `dev` extends the device block (e.g. `{ sa: "Kitchen" }`). */
function announce(client: MqttClient, node: string, entity: string, dev: Record<string, unknown> = {}) {
  const config = { name: entity, stat_t: `diy/${node}/${entity}`, uniq_id: `${node}_${entity}`, dev: { ids: [node], name: `Node ${node}`, ...dev } };
  return client.publishAsync(`homeassistant/sensor/${node}/${entity}/config`, JSON.stringify(config), { retain: true, qos: 1 });
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 4000): Promise<T> {
  let value: T | undefined;
  const left = await eventually(() => {
    value = read();
    return Promise.resolve(value === undefined ? [what] : []);
  }, timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
  return value!;
}

const deviceOf = (api: HubApi, node: string) => api.devices.list().find((d) => d.identifiers.includes(node));
const entityOf = (api: HubApi, uid: string) => api.entities.list().find((e) => e.unique_id === uid);

describe("rooms", () => {
  it("creates, renames, reorders and deletes rooms with HA-style ids and clear errors", async () => {
    const { api } = await start();
    expect(api.rooms.create({ name: "  Kitchen ", icon: "mdi:stove" })).toEqual({
      room_id: "kitchen",
      name: "Kitchen",
      icon: "mdi:stove",
      position: 0,
      device_count: 0,
      entity_count: 0,
    });
    expect(api.rooms.create({ name: "Living Room" })).toMatchObject({ room_id: "living_room", icon: null, position: 1 });
    expect(api.rooms.create({ name: "Kitchen!" }).room_id).toBe("kitchen_2");
    expect(api.rooms.create({ name: "Order" }).room_id).toBe("order_2");
    expect(api.rooms.create({ name: "Küche" }).room_id).toBe("kuche");

    expect(() => api.rooms.create({ name: "KITCHEN" })).toThrow(expect.objectContaining({ code: "conflict" }) as Error);
    for (const name of ["", "   ", "x".repeat(65), "bad\u0007name"]) {
      expect(() => api.rooms.create({ name }), JSON.stringify(name)).toThrow(expect.objectContaining({ code: "unprocessable" }) as Error);
    }
    expect(api.rooms.create({ name: "y".repeat(64) }).name).toHaveLength(64);

    // Renaming keeps the id; a clash with another room is refused, a change of case of its own name is not.
    expect(api.rooms.update("kitchen", { name: "Cuisine", icon: null })).toMatchObject({ room_id: "kitchen", name: "Cuisine", icon: null });
    expect(() => api.rooms.update("kitchen", { name: "living room" })).toThrow(expect.objectContaining({ code: "conflict" }) as Error);
    expect(api.rooms.update("kitchen", { name: "CUISINE" }).name).toBe("CUISINE");
    expect(() => api.rooms.update("nope", { name: "X" })).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
    expect(() => api.rooms.get("nope")).toThrow(/no room nope/);

    const ids = api.rooms.list().map((r) => r.room_id);
    expect(ids).toEqual(["kitchen", "living_room", "kitchen_2", "order_2", "kuche", "y".repeat(64)]);
    const reversed = [...ids].reverse();
    expect(api.rooms.reorder(reversed).map((r) => [r.room_id, r.position])).toEqual(reversed.map((id, i) => [id, i]));
    for (const bad of [reversed.slice(1), [...reversed, "kitchen"], [...reversed.slice(1), "nope"], [...reversed.slice(1), reversed[2]!]]) {
      expect(() => api.rooms.reorder(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: "unprocessable" }) as Error);
    }
    expect(api.rooms.list().map((r) => r.room_id)).toEqual(reversed);

    api.rooms.remove("kitchen_2");
    expect(api.rooms.list().map((r) => [r.room_id, r.position])).toEqual(reversed.filter((id) => id !== "kitchen_2").map((id, i) => [id, i]));
    expect(() => api.rooms.remove("kitchen_2")).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
  });

  it("suggested_area creates or picks a room, and a person's placement is never undone by discovery", async () => {
    const { api, device } = await start();
    await announce(device, "n1", "temperature", { suggested_area: "Kitchen" });
    await until(() => deviceOf(api, "n1")?.room_id ?? undefined, "n1 placed");
    await announce(device, "n2", "temperature", { sa: "  KITCHEN " });
    await announce(device, "n3", "temperature");
    await until(() => (api.devices.list().length === 3 && api.devices.list().filter((d) => d.room_id).length === 2 ? true : undefined), "two placed");
    expect(api.rooms.list()).toEqual([expect.objectContaining({ room_id: "kitchen", name: "Kitchen", device_count: 2, entity_count: 2 })]);
    expect(deviceOf(api, "n3")!.room_id).toBeNull();

    // A device that gets a suggested_area later is placed then.
    await announce(device, "n3", "temperature", { sa: "Garage" });
    await until(() => (deviceOf(api, "n3")?.room_id === "garage" ? true : undefined), "n3 placed in a new garage");

    // A person moves n1 to another room and n2 back to the inbox.
    const hall = api.rooms.create({ name: "Hall" });
    expect(api.devices.update(deviceOf(api, "n1")!.id, { room_id: hall.room_id }).room_id).toBe("hall");
    expect(api.devices.update(deviceOf(api, "n2")!.id, { room_id: null }).room_id).toBeNull();
    // Discovery updates (new firmware, another suggested_area) do not move them back.
    await announce(device, "n1", "temperature", { sa: "Attic", sw: "2.0" });
    await announce(device, "n2", "temperature", { sa: "Attic", sw: "2.0" });
    await until(() => (["n1", "n2"].every((n) => deviceOf(api, n)?.sw_version === "2.0") ? true : undefined), "updates applied");
    expect([deviceOf(api, "n1")!.room_id, deviceOf(api, "n2")!.room_id]).toEqual(["hall", null]);
    expect(api.rooms.list().map((r) => r.room_id)).toEqual(["kitchen", "garage", "hall"]);

    const unknown = () => api.devices.update(deviceOf(api, "n1")!.id, { room_id: "nowhere", name: "Renamed" });
    expect(unknown).toThrow(expect.objectContaining({ code: "not_found", message: "no room nowhere" }) as Error);
    expect(deviceOf(api, "n1")!.name).toBe("Node n1");
    expect(() => api.devices.update("no-such-device", { room_id: null })).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
  });

  it("moves a single entity to another room; null makes it follow its device again", async () => {
    const { api, device } = await start();
    await announce(device, "m1", "temperature", { sa: "Kitchen" });
    await announce(device, "m1", "humidity", { sa: "Kitchen" });
    await until(() => (api.entities.list().length === 2 && api.entities.list().every((e) => e.room_id === "kitchen") ? true : undefined), "both in kitchen");
    const office = api.rooms.create({ name: "Office" });

    const moved = api.entities.update("sensor.node_m1_temperature", { room_id: office.room_id, pinned: true, position: 2.5 });
    expect(moved).toMatchObject({ room_id: "office", own_room_id: "office", pinned: true, hidden: false, position: 2.5 });
    expect(entityOf(api, "m1_humidity")).toMatchObject({ room_id: "kitchen", own_room_id: null, pinned: false, position: null });
    const counts = () => Object.fromEntries(api.rooms.list().map((r) => [r.room_id, [r.device_count, r.entity_count]]));
    expect(counts()).toEqual({ kitchen: [1, 1], office: [0, 1] });

    // Moving the device moves the entities that follow it, not the one with its own room.
    const garage = api.rooms.create({ name: "Garage" });
    const dev = api.devices.update(deviceOf(api, "m1")!.id, { room_id: garage.room_id });
    expect(dev.entities.map((e) => [e.unique_id, e.room_id])).toEqual([
      ["m1_temperature", "office"],
      ["m1_humidity", "garage"],
    ]);
    expect(api.entities.update("sensor.node_m1_temperature", { room_id: null, hidden: true })).toMatchObject({ room_id: "garage", own_room_id: null, hidden: true, pinned: true });
    expect(counts()).toEqual({ kitchen: [0, 0], office: [0, 0], garage: [1, 2] });

    expect(() => api.entities.update("sensor.nope", { hidden: true })).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
    expect(() => api.entities.update("sensor.node_m1_humidity", { room_id: "nowhere" })).toThrow(/no room nowhere/);
    expect(() => api.entities.update("sensor.node_m1_humidity", { position: Number.NaN })).toThrow(expect.objectContaining({ code: "unprocessable" }) as Error);
    expect(entityOf(api, "m1_humidity")).toMatchObject({ room_id: "garage", own_room_id: null, position: null });
  });

  it("deleting a room sends its devices to the inbox and its entities back to their devices, for good", async () => {
    const { api, device } = await start();
    await announce(device, "d1", "temperature", { sa: "Kitchen" });
    await announce(device, "d2", "temperature", { sa: "Cellar" });
    await until(() => (api.devices.list().filter((d) => d.room_id).length === 2 ? true : undefined), "placed");
    api.entities.update("sensor.node_d2_temperature", { room_id: "kitchen" });
    api.rooms.remove("kitchen");
    expect(deviceOf(api, "d1")!.room_id).toBeNull();
    expect(entityOf(api, "d2_temperature")).toMatchObject({ room_id: "cellar", own_room_id: null });
    expect(api.devices.list().filter((d) => d.room_id === null).map((d) => d.identifiers[0])).toEqual(["d1"]);
    // The person's deletion stands: the next discovery update does not recreate the room.
    await announce(device, "d1", "temperature", { sa: "Kitchen", sw: "3" });
    await until(() => (deviceOf(api, "d1")?.sw_version === "3" ? true : undefined), "update applied");
    expect(deviceOf(api, "d1")!.room_id).toBeNull();
    expect(api.rooms.list().map((r) => r.room_id)).toEqual(["cellar"]);
  });

  it("keeps rooms, their order, placements and entity settings across a restart", async () => {
    const first = await start();
    await announce(first.device, "r1", "temperature", { sa: "Kitchen" });
    await announce(first.device, "r2", "temperature");
    await until(() => (deviceOf(first.api, "r1")?.room_id === "kitchen" && deviceOf(first.api, "r2") ? true : undefined), "devices");
    first.api.rooms.create({ name: "Bedroom", icon: "mdi:bed" });
    first.api.rooms.reorder(["bedroom", "kitchen"]);
    first.api.devices.update(deviceOf(first.api, "r1")!.id, { room_id: null });
    first.api.devices.update(deviceOf(first.api, "r2")!.id, { room_id: "bedroom", name: "Bedside" });
    first.api.entities.update("sensor.node_r1_temperature", { room_id: "kitchen", hidden: true, pinned: true, position: 3 });
    const rooms = first.api.rooms.list();
    const entities = first.api.entities.list();

    const second = await restart(first.t);
    expect(second.api.rooms.list()).toEqual(rooms);
    expect(second.api.entities.list()).toEqual(entities);
    expect(deviceOf(second.api, "r2")).toMatchObject({ room_id: "bedroom", name: "Bedside" });
    // The "placed by a person" flag survives too: a new announcement with a suggested_area changes nothing.
    await announce(second.device, "r1", "temperature", { sa: "Kitchen", sw: "9" });
    await until(() => (deviceOf(second.api, "r1")?.sw_version === "9" ? true : undefined), "update applied");
    expect(deviceOf(second.api, "r1")!.room_id).toBeNull();
  });

  it("emits registryUpdated for rooms, devices and entities", async () => {
    const { api, device, facts } = await start();
    await announce(device, "e1", "temperature", { sa: "Kitchen" });
    const entityId = (await until(() => entityOf(api, "e1_temperature"), "entity")).entity_id;
    const deviceId = deviceOf(api, "e1")!.id;
    const seen = () => facts.splice(0).map((f) => `${f.registry} ${f.action} ${f.id}`);
    expect(seen()).toEqual([`device create ${deviceId}`, `entity create ${entityId}`, "area create kitchen", `device update ${deviceId}`]);

    api.rooms.create({ name: "Hall" });
    api.rooms.update("hall", { name: "Hallway" });
    api.rooms.update("hall", { name: "Hallway" });
    api.rooms.reorder(["hall", "kitchen"]);
    expect(seen()).toEqual(["area create hall", "area update hall", "area update hall", "area update kitchen"]);

    api.devices.update(deviceId, { room_id: "hall", name: "Thermo" });
    api.entities.update(entityId, { pinned: true });
    api.entities.update(entityId, { pinned: true });
    expect(seen()).toEqual([`device update ${deviceId}`, `device update ${deviceId}`, `entity update ${entityId}`]);

    api.entities.update(entityId, { room_id: "kitchen" });
    api.rooms.remove("kitchen");
    expect(seen()).toEqual([`entity update ${entityId}`, `entity update ${entityId}`, "area remove kitchen"]);

    await announce(device, "e1", "temperature", { sw: "2" });
    await until(() => (facts.length >= 2 ? true : undefined), "discovery update facts");
    expect(seen()).toEqual([`device update ${deviceId}`, `entity update ${entityId}`]);

    await api.devices.remove(deviceId);
    expect(seen()).toEqual([`entity remove ${entityId}`, `device remove ${deviceId}`]);
  });

  it("upgrades a data dir from before rooms: devices keep their data and an unplaced suggested_area is applied at start", async () => {
    // The migrations as they were before 0002_rooms.
    const oldMigrations = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-migrations-"));
    fs.cpSync(migrationsFolder(), oldMigrations, { recursive: true });
    const journalFile = path.join(oldMigrations, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.filter((e) => e.tag < "0002");
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-test-"));
    const old = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: oldMigrations });
    expect(old.$client.prepare("select name from sqlite_master where name = 'rooms'").all()).toEqual([]);
    old.$client
      .prepare("insert into devices (id, identifiers, connections, name, suggested_area, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)")
      .run("olddevice", '["legacy"]', "[]", "Legacy", "Den", 1, 1);
    old.$client.close();
    fs.rmSync(oldMigrations, { recursive: true, force: true });

    const { api } = await start(dataDir);
    expect(api.devices.get("olddevice")).toMatchObject({ name: "Legacy", suggested_area: "Den", room_id: "den" });
    expect(api.rooms.list()).toEqual([expect.objectContaining({ room_id: "den", name: "Den", device_count: 1 })]);
  });

  it("a service call targeting an area reaches the room's entities, as Home Assistant resolves area_id", async () => {
    const { api, device } = await start();
    const sw = (node: string, area: string, extra: Record<string, unknown> = {}) =>
      device.publishAsync(
        `homeassistant/switch/${node}/relay/config`,
        JSON.stringify({ name: "Relay", cmd_t: `diy/${node}/set`, uniq_id: `${node}_relay`, dev: { ids: [node], name: `Node ${node}`, sa: area }, ...extra }),
        { retain: true, qos: 1 },
      );
    await sw("lamp", "Den");
    await sw("fan", "Den");
    await sw("heater", "Hall");
    await sw("debug", "Den", { ent_cat: "config" });
    const relay = (node: string) => until(() => entityOf(api, `${node}_relay`)?.entity_id, `${node}'s relay`);
    const [lamp, fan, heater, debug] = [await relay("lamp"), await relay("fan"), await relay("heater"), await relay("debug")];
    await until(() => (api.rooms.list().length === 2 ? true : undefined), "two rooms from suggested_area");
    // The fan's relay has a room of its own; the lamp's is left in the den.
    api.entities.update(fan, { room_id: "hall" });

    const commands: string[] = [];
    device.on("message", (topic) => commands.push(topic));
    await device.subscribeAsync("diy/+/set", { qos: 1 });
    const changed = await api.services.call({ domain: "homeassistant", service: "turn_on", data: { target: { area_id: "den" } }, userId: null });
    expect(changed.map((s) => s.entity_id)).toEqual([lamp]);
    const hall = await api.services.call({ domain: "switch", service: "turn_on", data: { area_id: ["hall"], entity_id: lamp }, userId: null });
    // The lamp was on already, so only the hall's two change; all three get the command.
    expect(hall.map((s) => s.entity_id).sort()).toEqual([fan, heater].sort());
    await until(() => (commands.length === 4 ? true : undefined), "four commands on MQTT");
    expect(commands.sort()).toEqual(["diy/fan/set", "diy/heater/set", "diy/lamp/set", "diy/lamp/set"]);
    expect(api.states.find(debug)?.state).not.toBe("on");

    await expect(api.services.call({ domain: "switch", service: "turn_off", data: { target: { area_id: "attic" } }, userId: null })).rejects.toMatchObject({ code: "not_found" });
  });
});
