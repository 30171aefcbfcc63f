import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { freePort } from "./testing/test-hub";

describe("the real process", () => {
  it("on SIGTERM publishes offline, closes MQTT clients and exits 0 within 5 s", async () => {
    const mqttPort = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: {
        ...process.env,
        HEARTH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "hearth-term-")),
        HEARTH_HOST: "127.0.0.1",
        HEARTH_HTTP_PORT: String(await freePort()),
        HEARTH_MQTT_PORT: String(mqttPort),
        HEARTH_MQTT_ANONYMOUS: "true",
        HEARTH_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const lines = readline.createInterface({ input: child.stdout });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("hub did not start in 60 s")), 60_000);
        lines.on("line", (line) => {
          if (line.includes('"hearth is running"')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
      });
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0 });
      const statuses: string[] = [];
      device.on("message", (_topic, payload) => statuses.push(payload.toString()));
      await device.subscribeAsync("homeassistant/status", { qos: 1 });
      const deviceClosed = new Promise<void>((resolve) => device.once("close", () => resolve()));

      const started = Date.now();
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      await deviceClosed;
      expect(statuses).toEqual(["offline"]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);
});
