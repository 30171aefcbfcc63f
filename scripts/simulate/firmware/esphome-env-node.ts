import { Random, clamp, drift, seedFor } from "../noise";
import type { DeviceContext, Outbox } from "../simulated-device";
import { type EsphomeApp, type EsphomeEntity, EsphomeNode, componentTopic, esphomeIdentity } from "./esphome-node";

/** ESPHome's parse_on_off: on, off or toggle, case-insensitive. */
function parseOnOff(payload: string): "ON" | "OFF" | "TOGGLE" | undefined {
  const p = payload.trim().toLowerCase();
  return p === "on" ? "ON" : p === "off" ? "OFF" : p === "toggle" ? "TOGGLE" : undefined;
}

/** A living-room ESP32: a temperature sensor, a relay, WiFi signal and the `status` binary sensor. */
export function createEsphomeEnvNode(ctx: DeviceContext): EsphomeNode {
  const id = esphomeIdentity(ctx, "living-room", "Living Room");
  const rng = new Random(seedFor(`esphome/${id.nodeName}`, ctx.seed));
  const entities: EsphomeEntity[] = [
    {
      component: "sensor",
      name: "Temperature",
      keys: { dev_cla: "temperature", unit_of_meas: "°C", stat_cla: "measurement" },
      hasStateTopic: true,
      hasCommandTopic: false,
    },
    {
      component: "sensor",
      name: "WiFi Signal",
      keys: { dev_cla: "signal_strength", unit_of_meas: "dBm", stat_cla: "measurement" },
      hasStateTopic: true,
      hasCommandTopic: false,
      entityCategory: "diagnostic",
    },
    { component: "switch", name: "Relay", keys: {}, hasStateTopic: true, hasCommandTopic: true },
    {
      component: "binary_sensor",
      name: "Status",
      keys: { dev_cla: "connectivity", pl_on: "online", pl_off: "offline" },
      hasStateTopic: true,
      hasCommandTopic: false,
      entityCategory: "diagnostic",
      stateTopic: `${id.nodeName}/status`,
    },
  ];
  const temperatureTopic = componentTopic(id, "sensor", "Temperature", "state");
  const wifiTopic = componentTopic(id, "sensor", "WiFi Signal", "state");
  const relayTopic = componentTopic(id, "switch", "Relay", "state");
  const meanTemperature = rng.between(20, 23);
  let temperature = meanTemperature;
  let signal = rng.between(-72, -55);
  let relay: "ON" | "OFF" = "OFF";
  let lastTemperatureAt = Date.now();

  // Sensors publish with accuracy_decimals: 1 for the temperature, 0 for the signal; states are retained.
  const publishTemperature = (out: Outbox): number => {
    const now = Date.now();
    temperature = drift(temperature, meanTemperature, 0.01, 0.04, clamp((now - lastTemperatureAt) / 1000, 0.1, 3600), rng);
    lastTemperatureAt = now;
    out.publish(temperatureTopic, temperature.toFixed(1), true);
    return 1;
  };
  const publishSignal = (out: Outbox): number => {
    signal = clamp(signal + rng.gaussian(), -95, -30);
    out.publish(wifiTopic, signal.toFixed(0), true);
    return 1;
  };

  const app: EsphomeApp = {
    entities,
    commands: new Map([
      [
        componentTopic(id, "switch", "Relay", "command"),
        (payload: string, out: Outbox) => {
          const action = parseOnOff(payload);
          if (!action) return false;
          relay = action === "TOGGLE" ? (relay === "ON" ? "OFF" : "ON") : action;
          out.publish(relayTopic, relay, true);
          return true;
        },
      ],
    ]),
    publishState: (out) => {
      out.publish(temperatureTopic, temperature.toFixed(1), true);
      out.publish(wifiTopic, signal.toFixed(0), true);
      out.publish(relayTopic, relay, true);
    },
    reporters: [publishTemperature, publishSignal],
    advance: () => undefined,
  };
  return new EsphomeNode("esphome-node", ctx.home, id, app);
}
