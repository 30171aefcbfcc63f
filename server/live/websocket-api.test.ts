import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestHub, type TestHub } from "../testing/test-hub";

let t: TestHub | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** Opens the socket and collects every message as parsed JSON. */
function open(url: string): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(url);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  // Text frames from our server arrive as one Buffer (no fragmentation, no arraybuffer binaryType).
  ws.on("message", (data: Buffer) => {
    const msg = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(msg);
    else queue.push(msg);
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const queued = queue.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error("no message in 5 s")), 5000);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, next }));
    ws.once("error", reject);
  });
}

describe("/api/websocket (HA protocol)", () => {
  it("asks for auth, accepts a long-lived token and answers commands by id", async () => {
    t = await startTestHub();
    const { user } = await t.hub.api.auth.onboard(
      { name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" },
      null,
    );
    const { token } = t.hub.api.tokens.create(user.id, "ws");
    const { ws, next } = await open(`ws://127.0.0.1:${t.httpPort}/api/websocket`);
    expect(await next()).toMatchObject({ type: "auth_required" });
    ws.send(JSON.stringify({ type: "auth", access_token: token }));
    expect(await next()).toMatchObject({ type: "auth_ok" });
    ws.send(JSON.stringify({ id: 1, type: "ping" }));
    expect(await next()).toEqual({ id: 1, type: "pong" });
    ws.send(JSON.stringify({ id: 2, type: "get_config" }));
    expect(await next()).toMatchObject({ id: 2, type: "result", success: true, result: { location_name: "Home", time_zone: "UTC" } });
    ws.send(JSON.stringify({ id: 3, type: "no_such_thing" }));
    expect(await next()).toMatchObject({ id: 3, success: false, error: { code: "unknown_command" } });
    ws.send("not json");
    expect(await next()).toMatchObject({ success: false, error: { code: "invalid_format" } });
    ws.close();
  });

  it("refuses a bad token and closes the socket", async () => {
    t = await startTestHub();
    const { ws, next } = await open(`ws://127.0.0.1:${t.httpPort}/api/websocket`);
    await next();
    const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    ws.send(JSON.stringify({ type: "auth", access_token: "hth_forged" }));
    expect(await next()).toMatchObject({ type: "auth_invalid" });
    await closed;
  });

  it("answers an unknown upgrade path with 404", async () => {
    t = await startTestHub();
    const ws = new WebSocket(`ws://127.0.0.1:${t.httpPort}/somewhere`);
    const err = await new Promise<Error>((resolve) => ws.once("error", resolve));
    expect(err.message).toContain("404");
  });
});
