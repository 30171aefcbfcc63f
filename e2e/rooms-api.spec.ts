import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceView, EntityView, RoomView } from "../server/hub-api";
import { MQTT_URL, OWNER } from "./fixtures/hub";

// Rooms over REST on the shipped server: CRUD, order, status codes, devices and entities placed in rooms.
// Both browser projects run this file against one hub, so every name carries the project's name.

test.describe.configure({ mode: "serial" });

let request: APIRequestContext;
let client: MqttClient | undefined;
let project = "";

test.beforeAll(async ({ playwright }, testInfo) => {
  project = testInfo.project.name;
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
});

test.afterAll(async () => {
  await client?.endAsync();
  await request?.dispose();
});

async function json<T>(res: { status(): number; json(): Promise<unknown>; text(): Promise<string> }, status: number): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

async function errorCode(res: { status(): number; json(): Promise<unknown> }): Promise<[number, string]> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return [res.status(), body.error.code];
}

test("rooms: create, read, rename, reorder and delete, with clear errors", async ({ playwright }, testInfo) => {
  const anonymous = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await anonymous.get("/api/rooms")).status()).toBe(401);
  await anonymous.dispose();

  const name = `Study ${project}`;
  const created = await json<RoomView>(await request.post("/api/rooms", { data: { name: `  ${name} `, icon: "mdi:desk" } }), 201);
  expect(created).toMatchObject({ room_id: `study_${project}`, name, icon: "mdi:desk", device_count: 0, entity_count: 0 });
  const id = created.room_id;

  expect(await errorCode(await request.post("/api/rooms", { data: { name: name.toUpperCase() } }))).toEqual([409, "conflict"]);
  expect(await errorCode(await request.post("/api/rooms", { data: { name: "   " } }))).toEqual([422, "unprocessable"]);
  expect(await errorCode(await request.post("/api/rooms", { data: { name: "x".repeat(65) } }))).toEqual([422, "unprocessable"]);
  expect(await errorCode(await request.post("/api/rooms", { data: { name: 5 } }))).toEqual([400, "invalid_input"]);
  expect(await errorCode(await request.post("/api/rooms", { data: { name: "Ok", colour: "red" } }))).toEqual([400, "invalid_input"]);
  expect(await errorCode(await request.post("/api/rooms", { data: "{not json", headers: { "Content-Type": "application/json" } }))).toEqual([400, "invalid_input"]);

  expect(await json<RoomView>(await request.get(`/api/rooms/${id}`), 200)).toEqual(created);
  expect(await errorCode(await request.get("/api/rooms/no_such_room"))).toEqual([404, "not_found"]);
  const renamed = await json<RoomView>(await request.patch(`/api/rooms/${id}`, { data: { name: `Office ${project}`, icon: null } }), 200);
  expect(renamed).toMatchObject({ room_id: id, name: `Office ${project}`, icon: null });

  const second = await json<RoomView>(await request.post("/api/rooms", { data: { name: `Attic ${project}` } }), 201);
  const list = await json<RoomView[]>(await request.get("/api/rooms"), 200);
  expect(list.map((r) => r.position)).toEqual(list.map((_, i) => i));
  const reversed = list.map((r) => r.room_id).reverse();
  const reordered = await json<RoomView[]>(await request.put("/api/rooms/order", { data: { room_ids: reversed } }), 200);
  expect(reordered.map((r) => r.room_id)).toEqual(reversed);
  expect((await json<RoomView[]>(await request.get("/api/rooms"), 200)).map((r) => r.room_id)).toEqual(reversed);
  expect(await errorCode(await request.put("/api/rooms/order", { data: { room_ids: reversed.slice(1) } }))).toEqual([422, "unprocessable"]);
  expect(await errorCode(await request.put("/api/rooms/order", { data: { room_ids: [...reversed, "nope"] } }))).toEqual([422, "unprocessable"]);
  expect(await errorCode(await request.put("/api/rooms/order", { data: { ids: reversed } }))).toEqual([400, "invalid_input"]);
  await json(await request.put("/api/rooms/order", { data: { room_ids: list.map((r) => r.room_id) } }), 200);

  for (const room of [id, second.room_id]) expect((await request.delete(`/api/rooms/${room}`)).status()).toBe(204);
  expect(await errorCode(await request.get(`/api/rooms/${id}`))).toEqual([404, "not_found"]);
  expect(await errorCode(await request.delete(`/api/rooms/${id}`))).toEqual([404, "not_found"]);
});

test("devices land in their suggested_area, move between rooms and the inbox; entities can have a room of their own", async () => {
  const username = `rooms-${project}-${Date.now()}`;
  const user = await json<{ password: string }>(await request.post("/api/mqtt-users", { data: { username, description: "rooms e2e" } }), 201);
  client = await mqtt.connectAsync(MQTT_URL, { username, password: user.password, clientId: username, reconnectPeriod: 0 });
  const node = `rooms_${project}`;
  const topic = `homeassistant/sensor/${node}/temperature/config`;
  const config = { name: "Temperature", stat_t: `e2e/${node}/t`, uniq_id: `${node}_t`, dev: { ids: [node], name: `Rooms ${project}`, sa: `Porch ${project}` } };
  await client.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });

  const findDevice = async () => (await json<DeviceView[]>(await request.get("/api/devices"), 200)).find((d) => d.identifiers.includes(node));
  await expect.poll(async () => (await findDevice())?.room_id, { timeout: 8000 }).toBe(`porch_${project}`);
  const device = (await findDevice())!;
  const entityId = device.entities[0]!.entity_id;
  const porch = await json<RoomView>(await request.get(`/api/rooms/porch_${project}`), 200);
  expect(porch).toMatchObject({ name: `Porch ${project}`, device_count: 1, entity_count: 1 });

  const unknown = await request.patch(`/api/devices/${device.id}`, { data: { room_id: "no_such_room" } });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toEqual({ error: { code: "not_found", message: "no room no_such_room" } });
  const inbox = await json<DeviceView>(await request.patch(`/api/devices/${device.id}`, { data: { room_id: null } }), 200);
  expect(inbox.room_id).toBeNull();
  expect(inbox.entities[0]).toMatchObject({ room_id: null, own_room_id: null });

  const shed = await json<RoomView>(await request.post("/api/rooms", { data: { name: `Shed ${project}` } }), 201);
  const entity = await json<EntityView>(
    await request.patch(`/api/entities/${encodeURIComponent(entityId)}`, { data: { room_id: shed.room_id, hidden: true, pinned: true, position: 1 } }),
    200,
  );
  expect(entity).toMatchObject({ entity_id: entityId, room_id: shed.room_id, own_room_id: shed.room_id, hidden: true, pinned: true, position: 1 });
  expect((await json<EntityView[]>(await request.get("/api/entities"), 200)).find((e) => e.entity_id === entityId)).toMatchObject({ room_id: shed.room_id });
  expect(await errorCode(await request.patch(`/api/entities/${encodeURIComponent(entityId)}`, { data: { hidden: "yes" } }))).toEqual([400, "invalid_input"]);
  expect(await errorCode(await request.patch(`/api/entities/${encodeURIComponent(entityId)}`, { data: { room_id: "no_such_room" } }))).toEqual([404, "not_found"]);
  expect(await errorCode(await request.patch("/api/entities/sensor.no_such_entity", { data: { hidden: true } }))).toEqual([404, "not_found"]);

  // Deleting the room sends the entity back to its device (in the inbox).
  expect((await request.delete(`/api/rooms/${shed.room_id}`)).status()).toBe(204);
  const back = (await json<EntityView[]>(await request.get("/api/entities"), 200)).find((e) => e.entity_id === entityId);
  expect(back).toMatchObject({ room_id: null, own_room_id: null, hidden: true });

  expect((await request.delete(`/api/devices/${device.id}`)).status()).toBe(204);
  expect((await request.delete(`/api/rooms/${porch.room_id}`)).status()).toBe(204);
  expect((await request.delete(`/api/mqtt-users/${username}`)).status()).toBe(204);
});
