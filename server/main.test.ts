import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

function startMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, HEARTH_HOST: "127.0.0.1", HEARTH_LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("start-up failures are one clear line", () => {
  it("reports an MQTT port already in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = startMain({ HEARTH_MQTT_PORT: String(port), HEARTH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "hearth-port-")) });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`hearth: MQTT (HEARTH_MQTT_PORT): port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("reports a data dir that cannot be written", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-file-")), "a-file");
    fs.writeFileSync(file, "");
    const r = startMain({ HEARTH_DATA_DIR: path.join(file, "data") });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^hearth: HEARTH_DATA_DIR: cannot write to .*a-file\/data \(ENOTDIR\)$/);
  });
});

describe("a second hub on the same data dir", () => {
  it("is refused with a clear line instead of corrupting the broker store", async () => {
    const { startTestHub } = await import("./testing/test-hub");
    const first = await startTestHub();
    try {
      const r = startMain({ HEARTH_DATA_DIR: first.dataDir, HEARTH_MQTT_PORT: "0", HEARTH_HTTP_PORT: "0" });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(/^hearth: the data directory's broker store .* is in use by another Hearth process$/);
    } finally {
      await first.stop();
    }
  });
});

describe("HTTP port in use", () => {
  it("fails before the broker starts", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = startMain({ HEARTH_HTTP_PORT: String(port), HEARTH_MQTT_PORT: "0", HEARTH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "hearth-http-")) });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`hearth: HTTP (HEARTH_HTTP_PORT): port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
