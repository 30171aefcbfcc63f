// The notifications table through its owner: create/replace/dismiss in HA's terms, the events live clients
// follow, the bounds (rows, dismissed age, field sizes) and the errors bad input gets. Real SQLite in memory.
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { EventBus, type HubEvents } from "../event-bus";
import { createLogger } from "../logger";
import { migrationsFolder } from "../paths";
import { NotificationService } from "./notification-service";

const DAY = 86_400_000;

function setup(opts: { maxRows?: number } = {}) {
  const log = createLogger("silent");
  const bus = new EventBus(log);
  const clock = { now: Date.UTC(2026, 0, 10, 12) };
  const db = openDatabase({ file: ":memory:", migrationsFolder: migrationsFolder() });
  const service = new NotificationService({ db, bus, log, now: () => clock.now, ...opts });
  const events: Array<HubEvents["notificationsChanged"]> = [];
  bus.on("notificationsChanged", (e) => events.push(e));
  service.start();
  return { service, events, clock, db };
}

const errorOf = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error("expected an error");
};

describe("NotificationService", () => {
  it("creates, replaces by id, lists newest first and dismisses, emitting HA's update types", () => {
    const { service, events, clock } = setup();
    const first = service.create({ message: "Washer done", title: "Laundry" }, { source: "api" });
    expect(first).toMatchObject({ title: "Laundry", message: "Washer done", data: null, dismissed_at: null, source: "api" });
    expect(first.notification_id).toMatch(/^[0-9A-Z]{26}$/);
    clock.now += 1000;
    service.create({ message: "Door open", notification_id: "door", data: { url: "/rooms/hall" } }, { source: "automation:door" });
    clock.now += 1000;
    const replaced = service.create({ message: "Door still open", notification_id: "door" }, { source: "automation:door" });
    expect(replaced).toMatchObject({ notification_id: "door", message: "Door still open", data: null });
    expect(service.list().map((n) => n.notification_id)).toEqual(["door", first.notification_id]);
    expect(service.activeCount()).toBe(2);
    expect(events.map((e) => e.type)).toEqual(["added", "added", "updated"]);

    expect(service.dismiss("door")).toBe(true);
    expect(service.dismiss("door")).toBe(true); // already dismissed: nothing changes, it still existed
    expect(service.dismiss("never")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "removed", notifications: [{ notification_id: "door", dismissed_at: clock.now }] });
    expect(events).toHaveLength(4);
    expect(service.activeCount()).toBe(1);
    // Recently dismissed ones are still listed, greyed by their dismissed_at.
    expect(service.list().find((n) => n.notification_id === "door")?.dismissed_at).toBe(clock.now);

    // Creating a dismissed id again brings it back as new.
    service.create({ message: "Door open again", notification_id: "door" }, { source: "api" });
    expect(events.at(-1)?.type).toBe("added");
    expect(service.dismissAll()).toBe(2);
    expect(service.activeCount()).toBe(0);
    expect(service.dismissAll()).toBe(0);
  });

  it("forgets dismissed ones after 30 days and keeps at most maxRows, dropping dismissed ones first", () => {
    const { service, clock, events } = setup({ maxRows: 3 });
    service.create({ message: "old", notification_id: "old" }, { source: "api" });
    service.dismiss("old");
    clock.now += 31 * DAY;
    expect(service.list()).toEqual([]);
    for (const id of ["a", "b", "c"]) {
      clock.now += 1000;
      service.create({ message: id, notification_id: id }, { source: "api" });
    }
    service.dismiss("b");
    clock.now += 1000;
    service.create({ message: "d", notification_id: "d" }, { source: "api" });
    expect(service.list().map((n) => n.notification_id)).toEqual(["d", "c", "a"]);
    clock.now += 1000;
    events.length = 0;
    service.create({ message: "e", notification_id: "e" }, { source: "api" });
    expect(service.list().map((n) => n.notification_id)).toEqual(["e", "d", "c"]);
    // The active one that had to go is announced as removed, so live inboxes drop it too.
    expect(events.map((e) => [e.type, e.notifications.map((n) => n.notification_id)])).toEqual([
      ["added", ["e"]],
      ["removed", ["a"]],
    ]);
  });

  it("answers bad input with clear 400/422 errors", () => {
    const { service } = setup();
    expect(errorOf(() => service.create({ message: "" }, { source: "api" }))).toMatchObject({ code: "invalid_input", message: "notification: message is required (the text to show)" });
    expect(errorOf(() => service.create({ message: "x".repeat(4001) }, { source: "api" }))).toMatchObject({
      code: "unprocessable",
      message: "notification: message is 4001 characters long; at most 4000 are kept",
    });
    expect(errorOf(() => service.create({ message: "hi", title: "t".repeat(201) }, { source: "api" })).code).toBe("unprocessable");
    expect(errorOf(() => service.create({ message: "hi", notification_id: "i".repeat(129) }, { source: "api" })).code).toBe("unprocessable");
    expect(errorOf(() => service.create({ message: "hi", data: { url: "javascript:alert(1)" } }, { source: "api" }))).toMatchObject({
      code: "invalid_input",
      message: "notification: data.url: must be a path on this hub (/rooms/hall) or an http(s) URL",
    });
    expect(errorOf(() => service.create({ message: "hi", data: { blob: "b".repeat(5000) } }, { source: "api" })).code).toBe("unprocessable");
    expect(service.list()).toEqual([]);
  });

  it("the façade's dismiss says not_found for an id that was never there", () => {
    const { service } = setup();
    expect(errorOf(() => service.api().dismiss("nope"))).toMatchObject({ code: "not_found" });
  });
});
