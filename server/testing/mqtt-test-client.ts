import mqtt, { type IClientOptions, type MqttClient } from "mqtt";

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
