import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "../config";
import type { MqttLiveMessageView } from "../hub-api";
import { Hub } from "../hub";
import { createLogger } from "../logger";
import { dataPaths, migrationsFolder } from "../paths";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { ExternalExplorer } from "./external-explorer";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreamWithDevice(): Promise<{ upstream: TestHub; dev: MqttClient }> {
  const upstream = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  cleanups.push(() => upstream.stop());
  const dev = await mqtt.connectAsync(upstream.mqttUrl, { clientId: "ext-dev", reconnectPeriod: 0 });
  cleanups.push(() => dev.endAsync());
  return { upstream, dev };
}

async function externalHub(url: string): Promise<Hub> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-ext-explorer-"));
  const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_MQTT_URL: url, HEARTH_LOG_LEVEL: "silent" });
  const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
  const hub = new Hub({ config, log: createLogger("silent"), db, dbFile: dataPaths(dir).database, version: "test" });
  cleanups.push(async () => {
    await hub.stop();
    db.$client.close();
  });
  await hub.start();
  return hub;
}

async function retainedFor(url: string, filter: string): Promise<string[]> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const got: string[] = [];
  c.on("message", (topic, _payload, packet) => packet.retain && got.push(topic));
  await c.subscribeAsync(filter, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await c.endAsync();
  return got.sort();
}

describe("MQTT explorer in external-broker mode", () => {
  it("indexes the broker's retained messages and live traffic from a # subscription, and clears a branch", async () => {
    const { upstream, dev } = await upstreamWithDevice();
    await dev.publishAsync("zigbee2mqtt/lamp", '{"state":"ON"}', { qos: 1, retain: true });
    await dev.publishAsync("zigbee2mqtt/bridge/state", "online", { qos: 1, retain: true });
    const hub = await externalHub(upstream.mqttUrl);

    // The first query opens the subscription and waits for the retained replay.
    const nodes = await hub.api.mqtt.topics("zigbee2mqtt/");
    expect(nodes.map((n) => [n.name, n.retained, n.children])).toEqual([
      ["bridge", false, 1],
      ["lamp", true, 0],
    ]);
    expect(await hub.api.mqtt.message("zigbee2mqtt/lamp")).toMatchObject({ payload: '{"state":"ON"}', retained_stored: true, client_id: null });

    await dev.publishAsync("zigbee2mqtt/lamp/availability", "online", { qos: 1 });
    await expect.poll(async () => (await hub.api.mqtt.message("zigbee2mqtt/lamp/availability").catch(() => undefined))?.payload).toBe("online");

    const live: MqttLiveMessageView[] = [];
    const close = await hub.explorer.watch("zigbee2mqtt/+", { message: (m) => live.push(m), skipped: () => undefined });
    await dev.publishAsync("zigbee2mqtt/plug", "x", { qos: 1 });
    await dev.publishAsync("other/topic", "y", { qos: 1 });
    await expect.poll(() => live.map((m) => m.topic)).toEqual(["zigbee2mqtt/plug"]);
    await close();

    expect(await hub.api.mqtt.clear({ prefix: "zigbee2mqtt" })).toEqual({ cleared: 2 });
    expect(await retainedFor(upstream.mqttUrl, "zigbee2mqtt/#")).toEqual([]);
    // Our own empty publish comes back without the retain flag (and, as every message here, without a client id).
    expect(await hub.api.mqtt.message("zigbee2mqtt/lamp")).toMatchObject({ retained_stored: false, size: 0 });
    expect((await hub.api.mqtt.topics("zigbee2mqtt/")).find((n) => n.name === "lamp")?.retained).toBe(false);
  });

  it("drops the # subscription when the explorer has been idle", async () => {
    const { upstream, dev } = await upstreamWithDevice();
    await dev.publishAsync("idle/x", "1", { qos: 1, retain: true });
    const hub = await externalHub(upstream.mqttUrl);
    const explorer = new ExternalExplorer({ mqtt: hub.mqtt, log: createLogger("silent"), idleMs: 300 });
    cleanups.push(() => explorer.stop());
    expect(explorer.isOpen).toBe(false);
    expect((await explorer.topics("idle"))[0]).toMatchObject({ name: "x", stored: true });
    expect(explorer.isOpen).toBe(true);
    // An open live log keeps it open past the idle time.
    const close = await explorer.tap("#", { event: () => undefined, skipped: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(explorer.isOpen).toBe(true);
    await close();
    await expect.poll(() => explorer.isOpen, { timeout: 3000 }).toBe(false);
  });
});
