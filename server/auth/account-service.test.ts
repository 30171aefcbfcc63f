import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { migrationsFolder } from "../paths";
import { AccountService } from "./account-service";

function service(now = () => Date.now()) {
  return new AccountService({ db: openDatabase({ file: ":memory:", migrationsFolder: migrationsFolder() }), now });
}

const owner = {
  name: "Ada Lovelace",
  username: "ada",
  password: "correct horse battery",
  locationName: "Maple Street",
  timeZone: "Europe/London",
  unitSystem: "metric" as const,
};

describe("AccountService", () => {
  it("onboards the owner once, then refuses a second onboarding", async () => {
    const s = service();
    expect(s.needsOnboarding()).toBe(true);
    const grant = await s.onboard(owner, "test");
    expect(grant.user).toMatchObject({ username: "ada", role: "owner", name: "Ada Lovelace" });
    expect(grant.sessionToken).toMatch(/^hts_/);
    expect(s.needsOnboarding()).toBe(false);
    await expect(s.onboard({ ...owner, username: "eve" }, null)).rejects.toMatchObject({ code: "conflict" });
  });

  it("names each bad onboarding field", async () => {
    const s = service();
    await expect(s.onboard({ ...owner, password: "short", timeZone: "Mars/Olympus", username: "a b" }, null)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringMatching(/username:.*password:.*time_zone:/s) as string,
    });
    expect(s.needsOnboarding()).toBe(true);
  });

  it("logs in with the right password only; sessions end on logout and expiry", async () => {
    let now = 1_000_000;
    const s = service(() => now);
    await s.onboard(owner, null);
    await expect(s.login("ada", "wrong password", null)).rejects.toMatchObject({ code: "unauthorized" });
    await expect(s.login("nobody", owner.password, null)).rejects.toMatchObject({ code: "unauthorized" });
    const grant = await s.login("ada", owner.password, "phone");
    expect(s.authenticate({ sessionToken: grant.sessionToken })?.user.username).toBe("ada");
    s.logout(grant.sessionToken);
    expect(s.authenticate({ sessionToken: grant.sessionToken })).toBeUndefined();
    const second = await s.login("ada", owner.password, null);
    now += 31 * 24 * 3600 * 1000;
    expect(s.authenticate({ sessionToken: second.sessionToken })).toBeUndefined();
  });

  it("creates, lists and revokes long-lived tokens; a revoked token stops working", async () => {
    const s = service();
    const { user } = await s.onboard(owner, null);
    const { token, info } = s.createToken(user.id, "Grafana");
    expect(token).toMatch(/^hth_[A-Za-z0-9_-]{43}$/);
    expect(s.authenticate({ bearerToken: token })).toMatchObject({ via: "token", user: { username: "ada" } });
    expect(s.listTokens(user.id)).toEqual([expect.objectContaining({ name: "Grafana", lastUsedAt: expect.any(Number) as number })]);
    s.revokeToken(user.id, info.id);
    expect(s.authenticate({ bearerToken: token })).toBeUndefined();
    expect(() => s.revokeToken(user.id, info.id)).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
  });

  it("sweeps a one-use token a killed command left, and only that name and age", async () => {
    let now = 1_000_000;
    const s = service(() => now);
    const { user } = await s.onboard(owner, null);
    const old = s.createToken(user.id, "hearth backup (CLI, one use)");
    s.createToken(user.id, "Grafana");
    now += 2 * 60 * 60 * 1000;
    const fresh = s.createToken(user.id, "hearth backup (CLI, one use)");
    expect(s.revokeTokensNamed(user.id, "hearth backup (CLI, one use)", now - 60 * 60 * 1000)).toBe(1);
    expect(s.authenticate({ bearerToken: old.token })).toBeUndefined();
    expect(s.authenticate({ bearerToken: fresh.token })?.user.id).toBe(user.id);
    expect(s.listTokens(user.id).map((t) => t.name).sort()).toEqual(["Grafana", "hearth backup (CLI, one use)"]);
  });

  it("makes the first CLI-created user the owner, later ones what they ask for", async () => {
    const s = service();
    expect((await s.addUser({ username: "first", password: "password-1", role: "user" })).role).toBe("owner");
    expect((await s.addUser({ username: "second", password: "password-2", role: "admin" })).role).toBe("admin");
    await expect(s.addUser({ username: "second", password: "password-3" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("answers a conflict, not a crash, when the same name is added twice at once (people and MQTT users)", async () => {
    const s = service();
    await s.addUser({ username: "owner", password: "password-1" });
    const people = await Promise.allSettled([s.addUser({ username: "twin", password: "password-2" }), s.addUser({ username: "twin", password: "password-3" })]);
    expect(people.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(people.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict", message: 'user "twin" already exists' } });
    const devices = await Promise.allSettled([s.addMqttUser({ username: "plug" }), s.addMqttUser({ username: "plug" })]);
    expect(devices.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    expect(s.listUsers().filter((u) => u.username === "twin")).toHaveLength(1);
  });

  it("stores MQTT passwords hashed and checks them", async () => {
    const s = service();
    const { password } = await s.addMqttUser({ username: "shelly-1", description: "Porch light" });
    const row = s.listMqttUsers()[0];
    expect(row).toMatchObject({ username: "shelly-1", description: "Porch light" });
    expect(JSON.stringify(row)).not.toContain(password);
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from(password), false)).toBe("ok");
    // the cached path gives the same answers
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from(password), false)).toBe("ok");
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from("nope"), false)).toBe("bad_credentials");
    expect(await s.checkMqttCredentials(undefined, undefined, false)).toBe("not_authorized");
    expect(await s.checkMqttCredentials(undefined, undefined, true)).toBe("ok");
    const fresh = await s.regenerateMqttPassword("shelly-1");
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from(password), false)).toBe("bad_credentials");
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from(fresh), false)).toBe("ok");
    s.revokeMqttUser("shelly-1");
    expect(await s.checkMqttCredentials("shelly-1", Buffer.from(fresh), false)).toBe("bad_credentials");
  });

  it("answers a burst of identical MQTT logins (a reconnect storm) consistently", async () => {
    const s = service();
    const { password } = await s.addMqttUser({ username: "bridge" });
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => s.checkMqttCredentials("bridge", Buffer.from(password), false)),
      ...Array.from({ length: 5 }, () => s.checkMqttCredentials("bridge", Buffer.from("wrong-password"), false)),
    ]);
    expect(results.filter((r) => r === "ok")).toHaveLength(20);
    expect(results.slice(20)).toEqual(Array(5).fill("bad_credentials"));
  });

  it("makes a guessed password wait after ten failures for one username", async () => {
    let now = 5_000_000;
    const s = service(() => now);
    await s.onboard(owner, null);
    for (let i = 0; i < 10; i++) await expect(s.login("ada", `guess-${i}`, null)).rejects.toMatchObject({ code: "unauthorized" });
    await expect(s.login("ada", owner.password, null)).rejects.toMatchObject({ code: "rate_limited" });
    now += 10 * 60 * 1000 + 1;
    await expect(s.login("ada", owner.password, null)).resolves.toMatchObject({ user: { username: "ada" } });
  });
});
