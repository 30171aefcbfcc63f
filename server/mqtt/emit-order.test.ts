// A retained message and the ones right behind it from the same client reach live subscribers: aedes emits a
// retained message only after storing it, and its dedupe took it for a duplicate once a later one went first.
import type net from "node:net";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, publishPacket, rawMqttClient, waitFor } from "../testing/mqtt-test-client";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop();
});

const publish = publishPacket;

/** A hub, a live subscriber to `#` recording topic=payload, and a raw device connection (CONNACKed). */
async function setup(): Promise<{ t: TestHub; got: string[]; device: net.Socket }> {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  hubs.push(t);
  const sub = await connectClient(clients, t.mqttUrl, { clientId: "node-red" });
  const got: string[] = [];
  sub.on("message", (topic, payload) => got.push(`${topic}=${payload.toString()}`));
  await sub.subscribeAsync("tasmota/#");
  const device = await rawMqttClient(sockets, t.mqttPort, "tasmota_plug");
  return { t, got, device };
}

describe("retained messages among a burst", () => {
  it("delivers a retained message live when others follow it in the same read", async () => {
    const { got, device } = await setup();
    // Tasmota on connect: its retained LWT, then its state and sensor messages, in one TCP segment.
    device.write(Buffer.concat([publish("tasmota/tele/plug/LWT", "Online", true), publish("tasmota/tele/plug/STATE", '{"POWER":"ON"}', false), publish("tasmota/tele/plug/SENSOR", '{"W":12}', false)]));
    await waitFor(() => got.length === 3, 5000, "three messages").catch(() => undefined);
    expect([...got].sort()).toEqual(["tasmota/tele/plug/LWT=Online", "tasmota/tele/plug/SENSOR={\"W\":12}", "tasmota/tele/plug/STATE={\"POWER\":\"ON\"}"]);
  });

  it("never leaves a subscriber with an older message on a topic than the newest one sent", async () => {
    const { got, device } = await setup();
    device.write(Buffer.concat([publish("tasmota/stat/plug/POWER", "OFF", true), publish("tasmota/stat/plug/POWER", "ON", false), publish("tasmota/tele/plug/LWT", "Online", true)]));
    await waitFor(() => got.includes("tasmota/tele/plug/LWT=Online"), 5000, "the LWT");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(got.filter((m) => m.startsWith("tasmota/stat/plug/POWER")).at(-1)).toBe("tasmota/stat/plug/POWER=ON");
  });

  it("leaves the hub's own state on the newest value too (its subscribers see every message aedes emits)", async () => {
    const { t, device } = await setup();
    const config = { name: null, uniq_id: "plug_power", stat_t: "tasmota/stat/plug/POWER", cmd_t: "tasmota/cmnd/plug/POWER", dev: { ids: ["plug"], name: "Plug" } };
    device.write(publish("homeassistant/switch/plug/config", JSON.stringify(config), true));
    const find = () => t.hub.api.states.list().find((x) => x.entity_id.startsWith("switch."));
    await waitFor(() => find() !== undefined, 5000, "the plug's entity");
    device.write(Buffer.concat([publish("tasmota/stat/plug/POWER", "OFF", true), publish("tasmota/stat/plug/POWER", "ON", false), publish("tasmota/tele/plug/LWT", "Online", true)]));
    await waitFor(() => find()?.state === "on", 5000, "the plug on").catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(find()?.state).toBe("on");
  });
});
