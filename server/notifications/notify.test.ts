// notify.* and persistent_notification.* on a real hub (broker, SQLite in a temp dir): service calls as HA
// has them, an automation whose action is notify.notify, the WebSocket subscription, and malformed input.
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { authed, ownerToken, until } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});

async function hub(): Promise<TestHub> {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  hubs.push(t);
  return t;
}

const call = (t: TestHub, domain: string, service: string, data: Record<string, unknown>) => t.hub.api.services.call({ domain, service, data, userId: "7" });

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  if (!err) throw new Error("expected the call to fail");
  return { code: err.code, message: err.message };
}

describe("notify and persistent_notification", () => {
  it("creates, replaces, dismisses and lists, as HA's services do", async () => {
    const t = await hub();
    const services = t.hub.api.services.list();
    expect(services.find((d) => d.domain === "persistent_notification")?.services).toHaveProperty("dismiss_all");
    expect(Object.keys(services.find((d) => d.domain === "notify")?.services ?? {})).toEqual(expect.arrayContaining(["notify", "persistent_notification", "send_message"]));

    expect(await call(t, "persistent_notification", "create", { message: "Filter needs cleaning", title: "Dryer", notification_id: "dryer" })).toEqual([]);
    await call(t, "persistent_notification", "create", { message: "Filter still needs cleaning", notification_id: "dryer" });
    await call(t, "notify", "persistent_notification", { message: "Hello", data: { notification_id: "hello" } });
    await call(t, "notify", "notify", { message: 42, title: "Answer" });
    const list = t.hub.api.notifications.list();
    expect(list.map((n) => [n.notification_id, n.message, n.source])).toEqual([
      [expect.any(String), "42", "user:7"],
      ["hello", "Hello", "user:7"],
      ["dryer", "Filter still needs cleaning", "user:7"],
    ]);
    // Replacing keeps nothing of the old one: no title given, none kept (HA replaces the whole notification).
    expect(list[2]?.title).toBeNull();

    await call(t, "persistent_notification", "dismiss", { notification_id: "dryer" });
    await call(t, "persistent_notification", "dismiss", { notification_id: "no-such-one" });
    expect(t.hub.api.notifications.activeCount()).toBe(2);
    await call(t, "persistent_notification", "dismiss_all", {});
    expect(t.hub.api.notifications.activeCount()).toBe(0);
  });

  it("answers malformed calls with clear errors and changes nothing", async () => {
    const t = await hub();
    expect(await failure(call(t, "notify", "notify", { title: "No message" }))).toEqual({ code: "invalid_input", message: "notify.notify: message is required (the text to show)" });
    expect(await failure(call(t, "persistent_notification", "create", { message: { nested: true } }))).toEqual({ code: "invalid_input", message: "persistent_notification.create: message: must be text" });
    expect(await failure(call(t, "notify", "notify", { message: "x", data: "not an object" }))).toEqual({ code: "invalid_input", message: "notify.notify: data: must be an object" });
    expect(await failure(call(t, "notify", "notify", { message: "m".repeat(5000) }))).toMatchObject({ code: "unprocessable", message: expect.stringContaining("at most 4000") });
    expect(await failure(call(t, "persistent_notification", "dismiss", {}))).toEqual({ code: "invalid_input", message: "persistent_notification.dismiss: notification_id is required" });
    expect(await failure(call(t, "persistent_notification", "shout", { message: "x" }))).toEqual({ code: "invalid_input", message: "service persistent_notification.shout not found" });
    expect(await failure(call(t, "notify", "mobile_app_nobody", { message: "x" }))).toEqual({ code: "invalid_input", message: "service notify.mobile_app_nobody not found" });
    expect(t.hub.api.notifications.list()).toEqual([]);
  });

  it("an automation's notify.notify lands in the inbox with the automation as its source", async () => {
    const t = await hub();
    await t.hub.automations.ready;
    await t.hub.api.automations.create({
      format: "yaml",
      by: null,
      source: `id: washer_done
alias: Washer done
triggers:
  - trigger: mqtt
    topic: laundry/washer
actions:
  - action: notify.notify
    data:
      title: Laundry
      message: "Washer says {{ trigger.payload }}"
      data:
        url: /rooms/laundry
`,
    });
    const washer = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
    try {
      await washer.publishAsync("laundry/washer", "done", { qos: 1 });
      const note = await until(() => t.hub.api.notifications.list()[0], "the automation's notification");
      expect(note).toMatchObject({ title: "Laundry", message: "Washer says done", data: { url: "/rooms/laundry" }, source: "automation:washer_done", dismissed_at: null });
      const trace = await until(() => t.hub.api.automations.traces("washer_done").find((tr) => tr.outcome !== "running"), "the run's end");
      expect(trace.error).toBeNull();
    } finally {
      await washer.endAsync();
    }
  });

  it("notify.send_message aimed at an MQTT notify entity publishes to it instead of the inbox", async () => {
    const t = await hub();
    const lcd = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
    try {
      await lcd.subscribeAsync("lcd/text");
      const got: string[] = [];
      lcd.on("message", (topic, payload) => {
        if (topic === "lcd/text") got.push(payload.toString());
      });
      await lcd.publishAsync("homeassistant/notify/lcd/config", JSON.stringify({ name: null, unique_id: "lcd1", command_topic: "lcd/text", device: { identifiers: ["lcd1"], name: "LCD" } }), { retain: true, qos: 1 });
      const entityId = await until(() => t.hub.api.entities.list().find((e) => e.unique_id === "lcd1")?.entity_id, "the LCD's notify entity");
      await call(t, "notify", "send_message", { entity_id: entityId, message: "Hello LCD" });
      await until(() => (got.includes("Hello LCD") ? true : undefined), "the LCD's message");
      expect(t.hub.api.notifications.list()).toEqual([]);
    } finally {
      await lcd.endAsync();
    }
  });

  it("follows changes over the WebSocket API (persistent_notification/subscribe)", async () => {
    const t = await hub();
    const { token } = await ownerToken(t);
    await call(t, "persistent_notification", "create", { message: "Before", notification_id: "before" });
    const ws = await authed(t, token);
    try {
      ws.send({ id: 1, type: "persistent_notification/subscribe" });
      expect(await ws.message()).toMatchObject({ id: 1, type: "result", success: true });
      const current = await ws.message();
      expect(current).toMatchObject({ id: 1, type: "event", event: { type: "current", notifications: { before: { notification_id: "before", message: "Before", title: null } } } });
      expect((current.event as { notifications: { before: { created_at: string } } }).notifications.before.created_at).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/);

      await call(t, "persistent_notification", "create", { message: "After", notification_id: "after" });
      expect(await ws.message()).toMatchObject({ event: { type: "added", notifications: { after: { message: "After" } } } });
      await call(t, "persistent_notification", "create", { message: "After, again", notification_id: "after" });
      expect(await ws.message()).toMatchObject({ event: { type: "updated", notifications: { after: { message: "After, again" } } } });
      t.hub.api.notifications.dismissAll();
      const removed = await ws.message();
      expect(removed).toMatchObject({ event: { type: "removed" } });
      expect(Object.keys((removed.event as { notifications: object }).notifications).sort()).toEqual(["after", "before"]);
    } finally {
      ws.ws.close();
    }
  });
});
