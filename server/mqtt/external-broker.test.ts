import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "../config";
import { Hub } from "../hub";
import { createLogger } from "../logger";
import { dataPaths, migrationsFolder } from "../paths";
import { startTestHub, type TestHub } from "../testing/test-hub";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hub in external-broker mode, pointed at another broker (here: a second hub's embedded aedes). */
function externalHub(url: string): Hub {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-ext-"));
  const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_MQTT_URL: url, HEARTH_LOG_LEVEL: "silent" });
  const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
  const hub = new Hub({ config, log: createLogger("silent"), db, dbFile: dataPaths(dir).database, version: "test" });
  cleanups.push(async () => {
    await hub.stop();
    db.$client.close();
  });
  return hub;
}

describe("external-broker mode (HEARTH_MQTT_URL)", () => {
  it("uses the external broker for birth, subscriptions with retained replay, publishing and the clean-stop offline", async () => {
    const upstream: TestHub = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    cleanups.push(() => upstream.stop());
    await upstream.hub.discovery.settled; // its own birth message is not the one under test
    const watcher = await mqtt.connectAsync(upstream.mqttUrl, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync());
    const statuses: string[] = [];
    watcher.on("message", (topic, payload) => {
      if (topic === "homeassistant/status") statuses.push(payload.toString());
    });
    await watcher.subscribeAsync("homeassistant/status", { qos: 1 });
    await watcher.publishAsync("homeassistant/sensor/t/config", '{"state_topic":"t"}', { qos: 1, retain: true });

    // Hearth's broker lets no client write its status topic unless a rule names that very topic (broker-acl.ts).
    const acl = [{ access: "readwrite" as const, pattern: "#" }, { access: "write" as const, pattern: "homeassistant/status" }];
    await upstream.hub.api.mqttUsers.add({ username: "controller", password: "controller-pass", acl });
    const hub = externalHub(upstream.mqttUrl.replace("mqtt://", "mqtt://controller:controller-pass@"));
    await hub.start();
    expect(hub.broker).toBeUndefined();
    expect(hub.mqtt.stats()).toMatchObject({ mode: "external", connected: true });

    const seen: string[] = [];
    await hub.mqtt.subscribe("homeassistant/+/+/config", (m) => seen.push(`${m.topic}|${m.retain}`), { retained: true });
    const live: string[] = [];
    await hub.mqtt.subscribe("homeassistant/#", (m) => live.push(m.topic));
    await watcher.publishAsync("homeassistant/light/l/config", "{}", { qos: 1 });
    const got = new Promise<string>((resolve) => watcher.on("message", (t, p) => t === "cmd/x" && resolve(p.toString())));
    await watcher.subscribeAsync("cmd/x", { qos: 1 });
    await hub.mqtt.publish("cmd/x", "ON", { qos: 1 });
    expect(await got).toBe("ON");
    await expect.poll(() => seen).toEqual(["homeassistant/sensor/t/config|true", "homeassistant/light/l/config|false"]);
    // the retained replay is only for the subscriber that asked for it
    expect(live.filter((t) => t === "homeassistant/sensor/t/config")).toEqual([]);

    // The birth message goes out once the retained replay of discovery configs is quiet.
    await hub.discovery.settled;
    await hub.stop();
    await expect.poll(() => statuses).toEqual(["online", "offline"]);
  });

  it("fails start-up with one line when the broker cannot be reached", async () => {
    const hub = externalHub("mqtt://127.0.0.1:1");
    await expect(hub.start()).rejects.toThrow(/^HEARTH_MQTT_URL: cannot connect to mqtt:\/\/127\.0\.0\.1:1/);
  });
});
