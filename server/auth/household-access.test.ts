// Household roles on the real hub: a guest limited to the living room, through the service layer and the
// WebSocket API; home-network-only sign-in; the rules for who changes whom; a deleted room leaves every list.
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { isHubError } from "../errors";
import type { UserView } from "../hub-api";
import { authed, device, until } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const sockets: Array<{ ws: { terminate(): void } }> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

const PASSWORD = "guest password 1";
const plug = (id: string) => ({ name: null, uniq_id: id, stat_t: `${id}/state`, cmd_t: `${id}/set`, dev: { ids: [id], name: id } });

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHubError(err)) throw new Error(`expected a HubError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

/** A hub with an owner, a living room and a kitchen, one plug in each, and a device client that records commands. */
async function home() {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  hubs.push(t);
  const api = t.hub.api;
  const { user: owner } = await api.auth.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
  const dev = await device(t, "plugs");
  clients.push(dev);
  const commands: string[] = [];
  dev.on("message", (topic) => commands.push(topic));
  await dev.subscribeAsync("+/set");
  for (const id of ["living_plug", "kitchen_plug"]) {
    await dev.publishAsync(`homeassistant/switch/${id}/config`, JSON.stringify(plug(id)), { retain: true, qos: 1 });
    await dev.publishAsync(`${id}/state`, "OFF", { retain: true, qos: 1 });
  }
  await until(() => api.states.find("switch.kitchen_plug"), "both plugs");
  const living = api.rooms.create({ name: "Living room" });
  const kitchen = api.rooms.create({ name: "Kitchen" });
  api.devices.update(api.devices.list().find((d) => d.name === "living_plug")!.id, { room_id: living.room_id });
  api.devices.update(api.devices.list().find((d) => d.name === "kitchen_plug")!.id, { room_id: kitchen.room_id });
  const guest = await api.people.add(owner, { username: "guest", password: PASSWORD, rooms: [living.room_id] });
  return { t, api, owner, guest, living: living.room_id, kitchen: kitchen.room_id, commands, dev };
}

describe("household roles", () => {
  it("a guest's services reach only the living room; `all` means all of theirs; hub-wide services are refused", async () => {
    const { api, guest, kitchen, living, commands } = await home();
    const scope = api.access(guest);
    expect(scope.limited).toBe(true);
    expect(scope.seesEntity("switch.living_plug")).toBe(true);
    expect(scope.seesEntity("switch.kitchen_plug")).toBe(false);
    const call = (domain: string, service: string, data: Record<string, unknown>) => api.services.call({ domain, service, data, userId: String(guest.id), scope });

    await call("switch", "turn_on", { entity_id: "switch.living_plug" });
    expect(await errorOf(call("switch", "turn_on", { entity_id: "switch.kitchen_plug" }))).toEqual({ code: "forbidden", message: expect.stringContaining("switch.kitchen_plug") as string });
    expect((await errorOf(call("switch", "turn_on", { area_id: kitchen }))).code).toBe("forbidden");
    expect((await errorOf(call("homeassistant", "turn_off", { entity_id: ["switch.living_plug", "switch.kitchen_plug"] }))).code).toBe("forbidden");
    expect((await errorOf(call("mqtt", "publish", { topic: "kitchen_plug/set", payload: "ON" }))).code).toBe("forbidden");
    expect((await errorOf(call("notify", "notify", { message: "hi" }))).code).toBe("forbidden");
    // Another room's device and a device that does not exist get the same answer: nothing tells what else is home.
    const kitchenDevice = api.devices.list().find((d) => d.name === "kitchen_plug")!.id;
    expect(await errorOf(call("switch", "turn_on", { device_id: kitchenDevice }))).toEqual({ code: "forbidden", message: `${kitchenDevice}: your account sees only its own rooms; ask an admin` });
    expect(await errorOf(call("switch", "turn_on", { device_id: "no-such-device" }))).toEqual({ code: "forbidden", message: "no-such-device: your account sees only its own rooms; ask an admin" });
    expect((await errorOf(call("switch", "turn_on", { target: { area_id: "no_such_room" } }))).code).toBe("forbidden");
    // The service list shows a guest only what it may call: no MQTT publishing, none of the hub's own notify
    // services (they name the household's phones); notify entities' own service stays.
    const servicesOf = (list: ReturnType<typeof api.services.list>, domain: string) => Object.keys(list.find((d) => d.domain === domain)?.services ?? {});
    const guestList = api.services.list(scope);
    expect(guestList.map((d) => d.domain)).toEqual(expect.arrayContaining(["switch", "light", "homeassistant"]));
    expect(guestList.map((d) => d.domain)).not.toContain("mqtt");
    expect(servicesOf(guestList, "notify")).not.toContain("notify");
    expect(servicesOf(api.services.list(), "notify")).toContain("notify");
    expect(api.services.list().map((d) => d.domain)).toContain("mqtt");
    await call("switch", "turn_off", { entity_id: "all" });
    // A whole room of theirs works: the room's other entities (of other domains) are left alone, as for an admin.
    await call("switch", "turn_on", { area_id: living });
    await until(() => (commands.filter((c) => c === "living_plug/set").length === 3 ? true : undefined), "three living-room commands");
    expect(commands.filter((c) => c === "kitchen_plug/set")).toEqual([]);

    // The owner moves the kitchen plug into the living room: the guest reaches it at once.
    api.devices.update(api.devices.list().find((d) => d.name === "kitchen_plug")!.id, { room_id: guest.rooms![0]! });
    expect(api.access(guest).seesEntity("switch.kitchen_plug")).toBe(true);
  });

  it("over the WebSocket a guest gets their states, controls only them, and is refused the other commands", async () => {
    const { t, api, owner, guest, dev } = await home();
    const ws = await authed(t, api.tokens.create(guest.id, "ws").token);
    sockets.push(ws);
    ws.send({ id: 1, type: "get_states" });
    const states = (await ws.message()) as { success: boolean; result: Array<{ entity_id: string }> };
    expect(states.result.map((s) => s.entity_id)).toEqual(["switch.living_plug"]);

    ws.send({ id: 2, type: "subscribe_entities" });
    expect(await ws.message()).toMatchObject({ id: 2, success: true });
    const snapshot = (await ws.message()) as { event: { a: Record<string, unknown> } };
    expect(Object.keys(snapshot.event.a)).toEqual(["switch.living_plug"]);

    ws.send({ id: 3, type: "call_service", domain: "switch", service: "turn_on", service_data: { entity_id: "switch.kitchen_plug" } });
    expect(await ws.message()).toMatchObject({ id: 3, success: false, error: { code: "unauthorized" } });
    ws.send({ id: 4, type: "logbook/get_events", start_time: new Date().toISOString() });
    expect(await ws.message()).toMatchObject({ id: 4, success: false, error: { code: "unauthorized" } });
    // state_changed would carry every room's changes; registry updates (ids) are what their pages need.
    ws.send({ id: 5, type: "subscribe_events", event_type: "state_changed" });
    expect(await ws.message()).toMatchObject({ id: 5, success: false, error: { code: "unauthorized" } });
    ws.send({ id: 6, type: "subscribe_events", event_type: "entity_registry_updated" });
    expect(await ws.message()).toMatchObject({ id: 6, success: true });
    // Only the living room's changes arrive on subscribe_entities.
    await dev.publishAsync("kitchen_plug/state", "ON", { qos: 1 });
    await dev.publishAsync("living_plug/state", "ON", { qos: 1 });
    const change = (await ws.message()) as { id: number; event: { c?: Record<string, unknown> } };
    expect(change.id).toBe(2);
    expect(Object.keys(change.event.c ?? {})).toEqual(["switch.living_plug"]);

    // Rights change: the socket closes, so the client reconnects under the new ones.
    await api.people.update(owner, guest.id, { rooms: null });
    expect(await ws.closed).toBe(1008);
  });

  it("home network only: the password is not enough from outside, and a session taken outside does nothing", async () => {
    const { api, owner } = await home();
    await api.people.add(owner, { username: "lan", password: PASSWORD, localOnly: true });
    expect(await errorOf(api.auth.login("lan", PASSWORD, null, "203.0.113.5"))).toEqual({ code: "forbidden", message: "this account signs in only from the home network" });
    // A wrong password says nothing about the flag.
    expect((await errorOf(api.auth.login("lan", "wrong password!", null, "203.0.113.5"))).code).toBe("unauthorized");
    const grant = await api.auth.login("lan", PASSWORD, null, "192.168.1.20");
    expect(api.auth.authenticate({ sessionToken: grant.sessionToken, clientAddress: "192.168.1.20" })?.user.username).toBe("lan");
    expect(api.auth.authenticate({ sessionToken: grant.sessionToken, clientAddress: "8.8.8.8" })).toBeUndefined();
    expect(api.auth.authenticate({ sessionToken: grant.sessionToken, clientAddress: null })).toBeUndefined();
  });

  it("the owner stays the owner, only the owner makes admins, nobody changes their own rights, a deleted room leaves every list", async () => {
    const { api, owner, guest, living } = await home();
    const admin: UserView = await api.people.add(owner, { username: "bob", password: PASSWORD, role: "admin", rooms: [living] });
    expect(admin.rooms).toBeNull();
    expect((await errorOf(api.people.update(admin, owner.id, { role: "user" }))).code).toBe("forbidden");
    expect((await errorOf(api.people.update(admin, guest.id, { role: "admin" }))).code).toBe("forbidden");
    expect((await errorOf(api.people.add(admin, { username: "eve", password: PASSWORD, role: "admin" }))).code).toBe("forbidden");
    expect((await errorOf(api.people.update(admin, admin.id, { rooms: null }))).code).toBe("forbidden");
    expect((await errorOf(api.people.update(guest, guest.id, { rooms: null }))).code).toBe("forbidden");
    expect((await errorOf(Promise.resolve().then(() => api.people.remove(admin, owner.id)))).code).toBe("forbidden");
    expect((await errorOf(api.people.update(owner, guest.id, { rooms: ["no_such_room"] }))).message).toBe("rooms: no room no_such_room");
    // Nobody but the owner touches the owner's account: not the password, not the flag, not the name.
    for (const patch of [{ password: "taken over!!" }, { localOnly: true }, { name: "Mallory" }]) {
      expect((await errorOf(api.people.update(admin, owner.id, patch))).code).toBe("forbidden");
    }
    await api.auth.login("ada", "password-123", null, "192.168.1.2");
    // An admin's password reset ends every session and token of the person.
    const grant = await api.auth.login("guest", PASSWORD, null, "192.168.1.2");
    const token = api.tokens.create(guest.id, "script").token;
    await api.people.update(admin, guest.id, { password: "a new password" });
    expect(api.auth.authenticate({ sessionToken: grant.sessionToken })).toBeUndefined();
    expect(api.auth.authenticate({ bearerToken: token })).toBeUndefined();
    const tablet = await api.people.update(admin, guest.id, { role: "kiosk" });
    expect(tablet).toMatchObject({ role: "kiosk", rooms: [living] });

    api.rooms.remove(living);
    expect(api.people.list().find((u) => u.id === guest.id)?.rooms).toEqual([]);
    expect(api.access(api.people.list().find((u) => u.id === guest.id)!).seesEntity("switch.living_plug")).toBe(false);
  });
});
