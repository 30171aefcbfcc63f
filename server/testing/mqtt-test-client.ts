import net from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";

/** Connects once (no reconnects), adds the client to `clients` for the test's cleanup, and resolves with it or rejects with the broker's refusal. */
export function connectClient(clients: MqttClient[], url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    clients.push(c);
    c.once("connect", () => resolve(c));
    c.once("error", (err) => reject(err));
  });
}

/** Polls `check` every 25 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A raw MQTT 3.1.1 connection on loopback, CONNACKed, added to `sockets` for the test's cleanup: for writing
 * many packets in one go, or as fast as TCP takes them, as a device's firmware does.
 */
export async function rawMqttClient(sockets: net.Socket[], port: number, clientId: string): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  sockets.push(socket);
  socket.on("error", () => undefined);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId, keepalive: 60 }));
  await new Promise<void>((resolve) => socket.once("data", () => resolve())); // CONNACK
  return socket;
}

/** A QoS 0 PUBLISH on the wire. */
export const publishPacket = (topic: string, payload: Buffer | string, retain = false): Buffer => mqttPacket.generate({ cmd: "publish", topic, payload, qos: 0, dup: false, retain });
