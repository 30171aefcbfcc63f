import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { migrationsFolder } from "../paths";
import { AccountService } from "./account-service";
import { SessionAdmin } from "./session-admin";

const owner = { name: "Ada", username: "ada", password: "correct horse battery", locationName: "Home", timeZone: "UTC", unitSystem: "metric" as const };

async function setup() {
  let now = 1_000_000;
  const db = openDatabase({ file: ":memory:", migrationsFolder: migrationsFolder() });
  const accounts = new AccountService({ db, now: () => now });
  const admin = new SessionAdmin({ db, now: () => now });
  const phone = await accounts.onboard(owner, "Phone");
  now += 1000;
  const laptop = await accounts.login("ada", owner.password, "Laptop");
  const principalOf = (token: string) => {
    const p = accounts.authenticate({ sessionToken: token });
    if (!p) throw new Error("not signed in");
    return p;
  };
  return { accounts, admin, phone, laptop, principalOf, tick: (ms: number) => (now += ms) };
}

describe("SessionAdmin", () => {
  it("lists the person's sessions newest first, marks this device and when each was last used", async () => {
    const { admin, phone, laptop, principalOf, tick } = await setup();
    const me = principalOf(laptop.sessionToken);
    tick(5000);
    admin.touch(me.credential);
    const list = admin.list(me.user.id, me.credential);
    expect(list.map((s) => [s.user_agent, s.current])).toEqual([
      ["Laptop", true],
      ["Phone", false],
    ]);
    expect(list[0]?.last_used_at).toBe(1_006_000);
    expect(list[1]?.last_used_at).toBeNull();
    expect(principalOf(phone.sessionToken).user.id).toBe(me.user.id);
  });

  it("revokes one session: its cookie no longer signs in, the others still do", async () => {
    const { accounts, admin, phone, laptop, principalOf } = await setup();
    const me = principalOf(laptop.sessionToken);
    const phoneId = admin.list(me.user.id, me.credential).find((s) => !s.current)?.id ?? -1;
    expect(admin.revoke(me.user.id, phoneId)).toMatch(/^session:/);
    expect(accounts.authenticate({ sessionToken: phone.sessionToken })).toBeUndefined();
    expect(accounts.authenticate({ sessionToken: laptop.sessionToken })).toBeDefined();
    expect(() => admin.revoke(me.user.id, phoneId)).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
  });

  it("does not let one person revoke another's session", async () => {
    const { accounts, admin, laptop, principalOf } = await setup();
    await accounts.addUser({ username: "bob", password: "bobs password", role: "user" });
    const bob = await accounts.login("bob", "bobs password", "Bob");
    const bobSession = admin.list(principalOf(bob.sessionToken).user.id, undefined)[0]?.id ?? -1;
    expect(() => admin.revoke(principalOf(laptop.sessionToken).user.id, bobSession)).toThrow(expect.objectContaining({ code: "not_found" }) as Error);
    expect(accounts.authenticate({ sessionToken: bob.sessionToken })).toBeDefined();
  });

  it("signs out everywhere else, keeping the caller's session", async () => {
    const { accounts, admin, phone, laptop, principalOf } = await setup();
    const me = principalOf(laptop.sessionToken);
    expect(admin.revokeOthers(me.user.id, me.credential)).toHaveLength(1);
    expect(accounts.authenticate({ sessionToken: phone.sessionToken })).toBeUndefined();
    expect(accounts.authenticate({ sessionToken: laptop.sessionToken })).toBeDefined();
  });

  it("changes the password only with the current one; the old one fails afterwards and other sessions end", async () => {
    const { accounts, admin, phone, laptop, principalOf } = await setup();
    const me = principalOf(laptop.sessionToken);
    await expect(admin.changePassword(me.user.id, "wrong password", "a new password", me.credential)).rejects.toMatchObject({ code: "forbidden" });
    await expect(admin.changePassword(me.user.id, owner.password, "short", me.credential)).rejects.toMatchObject({ code: "invalid_input" });
    expect(accounts.authenticate({ sessionToken: phone.sessionToken })).toBeDefined();

    const ended = await admin.changePassword(me.user.id, owner.password, "a new password", me.credential);
    expect(ended).toHaveLength(1);
    expect(accounts.authenticate({ sessionToken: phone.sessionToken })).toBeUndefined();
    expect(accounts.authenticate({ sessionToken: laptop.sessionToken })).toBeDefined();
    await expect(accounts.login("ada", owner.password, null)).rejects.toMatchObject({ code: "unauthorized" });
    await expect(accounts.login("ada", "a new password", null)).resolves.toMatchObject({ user: { username: "ada" } });
  });
});

describe("AccountService.lockouts", () => {
  it("lists a username after ten failed logins until the window passes", async () => {
    const { accounts, tick } = await setup();
    for (let i = 0; i < 9; i++) await expect(accounts.login("ada", `guess-${i}`, null)).rejects.toMatchObject({ code: "unauthorized" });
    expect(accounts.lockouts()).toEqual([]);
    await expect(accounts.login("ada", "guess-9", null)).rejects.toMatchObject({ code: "unauthorized" });
    expect(accounts.lockouts()).toEqual([{ username: "ada", failures: 10, until: expect.any(Number) as number }]);
    tick(10 * 60 * 1000 + 1);
    expect(accounts.lockouts()).toEqual([]);
  });
});
