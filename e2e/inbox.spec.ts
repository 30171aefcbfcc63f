import { expect, test } from "@playwright/test";
import mqtt from "mqtt";
import { MQTT_URL, signIn } from "./fixtures/hub";

// A new device without a suggested_area lands in "New devices"; when its name names a room, one tap places it.
// Both browser projects run this against one hub, so names carry the project's name.

test("a new device whose name names a room is placed there with one tap", async ({ page }, testInfo) => {
  const key = `${testInfo.project.name}-${Date.now().toString(36)}`;
  const roomName = `Loft ${key}`;
  const deviceName = `${roomName} heater`;
  await signIn(page);
  const created = await page.request.post("/api/mqtt-users", { data: { username: `inbox-${key}` } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  const room = await page.request.post("/api/rooms", { data: { name: roomName } });
  expect(room.status()).toBe(201);
  const { room_id } = (await room.json()) as { room_id: string };

  const client = await mqtt.connectAsync(MQTT_URL, { username: `inbox-${key}`, password, clientId: `inbox-${key}`, reconnectPeriod: 0 });
  const topic = `homeassistant/switch/inbox_${key.replace(/-/g, "_")}/heater/config`;
  try {
    const config = { name: "Power", unique_id: `inbox_${key}_heater`, command_topic: `inbox/${key}/set`, device: { identifiers: [`inbox-${key}`], name: deviceName } };
    await client.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });

    // The devices page is rendered on the server: open it once discovery has the device.
    await expect
      .poll(async () => ((await (await page.request.get("/api/devices")).json()) as Array<{ name: string }>).some((d) => d.name === deviceName), { timeout: 10_000 })
      .toBe(true);
    await page.goto("/devices");
    const inbox = page.getByRole("region", { name: /New devices/ });
    await expect(inbox).toContainText(deviceName, { timeout: 10_000 });
    await inbox.getByRole("button", { name: `Put ${deviceName} in ${roomName}` }).click();
    await expect(inbox.getByText(deviceName)).toHaveCount(0, { timeout: 10_000 });
    const devices = (await (await page.request.get("/api/devices")).json()) as Array<{ id: string; name: string; room_id: string | null }>;
    const placed = devices.find((d) => d.name === deviceName);
    expect(placed?.room_id).toBe(room_id);
    if (placed) await page.request.delete(`/api/devices/${encodeURIComponent(placed.id)}`);
  } finally {
    await client.publishAsync(topic, "", { retain: true, qos: 1 }).catch(() => undefined);
    await client.endAsync();
    await page.request.delete(`/api/rooms/${encodeURIComponent(room_id)}`);
    await page.request.delete(`/api/mqtt-users/${encodeURIComponent(`inbox-${key}`)}`);
  }
});
