import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { AccountService } from "../auth/account-service";
import { dataPaths, migrationsFolder } from "../paths";
import { startHubProcess } from "../testing/hub-process-launcher";

const children: ChildProcess[] = [];
const clients: MqttClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.end(true);
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function connect(port: number, opts: mqtt.IClientOptions): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  clients.push(client);
  const connack = await new Promise<mqtt.IConnackPacket>((resolve, reject) => {
    client.once("connect", resolve);
    client.once("error", reject);
  });
  return { client, sessionPresent: connack.sessionPresent };
}

describe("broker persistence across kill -9", () => {
  it("keeps retained messages and a persistent session's queued QoS 1 message", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kill-"));
    const db = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: migrationsFolder() });
    const { password } = await new AccountService({ db }).addMqttUser({ username: "device", password: "device-password-1" });
    db.$client.close();
    const auth = { username: "device", password };

    const first = await startHubProcess(children, dataDir);
    // A persistent session subscribes at QoS 1 and goes away.
    const sleeper = await connect(first.mqttPort, { ...auth, clientId: "sleepy-sensor", clean: false });
    await sleeper.client.subscribeAsync("cmd/sleepy", { qos: 1 });
    await sleeper.client.endAsync();
    // While it sleeps: a retained config and a QoS 1 command for it.
    const pub = await connect(first.mqttPort, { ...auth, clientId: "publisher" });
    await pub.client.publishAsync("homeassistant/switch/plug/config", '{"command_topic":"cmd/plug"}', { qos: 1, retain: true });
    await pub.client.publishAsync("cmd/sleepy", "wake up", { qos: 1 });
    // aedes acknowledges before its store write finishes; give LevelDB a moment, as a real device would.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await killHard(first.child);
    pub.client.end(true);

    const second = await startHubProcess(children, dataDir);
    const reader = await connect(second.mqttPort, { ...auth, clientId: "reader" });
    const retained = new Promise<string>((resolve) =>
      reader.client.on("message", (topic, payload, packet) => {
        if (packet.retain) resolve(`${topic}=${payload.toString()}`);
      }),
    );
    await reader.client.subscribeAsync("homeassistant/#", { qos: 1 });
    expect(await retained).toBe('homeassistant/switch/plug/config={"command_topic":"cmd/plug"}');

    const queued = new Promise<string>((resolve) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${second.mqttPort}`, { ...auth, clientId: "sleepy-sensor", clean: false, reconnectPeriod: 0 });
      clients.push(client);
      client.on("message", (topic, payload) => resolve(`${topic}=${payload.toString()}`));
      client.once("connect", (connack) => expect(connack.sessionPresent).toBe(true));
    });
    expect(await queued).toBe("cmd/sleepy=wake up");
  });
});
