import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { AccountService } from "../auth/account-service";
import { dataPaths, migrationsFolder } from "../paths";

function hearth(dataDir: string, args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    input: stdin ?? "",
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("admin CLI", () => {
  it("adds people, prints a token and MQTT passwords alone on stdout, and fails with one line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-"));
    const add = hearth(dir, ["user", "add", "ada", "--name", "Ada Lovelace", "--password-stdin"], "a long password\n");
    expect(add).toMatchObject({ code: 0, stdout: "" });

    const token = hearth(dir, ["token", "create", "--user", "ada", "--name", "scripts"]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^hth_[A-Za-z0-9_-]{43}\n$/);

    const mqttUser = hearth(dir, ["mqtt-user", "add", "tasmota-plug", "--description", "Kitchen plug"]);
    expect(mqttUser.code).toBe(0);
    expect(mqttUser.stdout).toMatch(/^[A-Za-z0-9]{24}\n$/);

    const dup = hearth(dir, ["user", "add", "ada", "--password-stdin"], "another password");
    expect(dup.code).not.toBe(0);
    expect(dup.stderr.trim().split("\n")).toHaveLength(1);
    expect(dup.stderr).toContain('user "ada" already exists');

    const noStdin = hearth(dir, ["user", "add", "bob"]);
    expect(noStdin.code).not.toBe(0);
    expect(noStdin.stderr).toContain("--password-stdin");

    const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
    const accounts = new AccountService({ db });
    try {
      expect(accounts.authenticate({ bearerToken: token.stdout.trim() })?.user).toMatchObject({ username: "ada", role: "owner" });
      expect(await accounts.checkMqttCredentials("tasmota-plug", Buffer.from(mqttUser.stdout.trim()), false)).toBe("ok");
      await expect(accounts.login("ada", "a long password", null)).resolves.toBeDefined();
    } finally {
      db.$client.close();
    }
  });
});
