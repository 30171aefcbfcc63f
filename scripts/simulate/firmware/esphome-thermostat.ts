import { Random, clamp, seedFor } from "../noise";
import type { DeviceContext, Outbox } from "../simulated-device";
import { type EsphomeApp, type EsphomeEntity, EsphomeNode, componentTopic, esphomeIdentity } from "./esphome-node";

const MODES = ["auto", "off", "cool", "heat"] as const;
type Mode = (typeof MODES)[number];
type Action = "off" | "idle" | "heating" | "cooling";
const MIN_TEMP = 5;
const MAX_TEMP = 30;
const AMBIENT = 17;
/** °C per second while heating or cooling, and the fraction of the gap to ambient lost per second. */
const HVAC_RATE = 0.03;
const LOSS = 0.0005;

const isMode = (value: string): value is Mode => (MODES as readonly string[]).includes(value);

/** ESPHome's thermostat decision with hysteresis: start past ±0.3 °C, stop once 0.2 °C beyond the target. */
function nextAction(mode: Mode, action: Action, current: number, target: number): Action {
  const heat = mode === "heat" || mode === "auto";
  const cool = mode === "cool" || mode === "auto";
  if (mode === "off") return "off";
  if (heat && (current < target - 0.3 || (action === "heating" && current < target + 0.2))) return "heating";
  if (cool && (current > target + 0.3 || (action === "cooling" && current > target - 0.2))) return "cooling";
  return "idle";
}

/** A hallway ESP32 thermostat: one climate entity whose current temperature follows the heating or cooling. */
export function createEsphomeThermostat(ctx: DeviceContext): EsphomeNode {
  const id = esphomeIdentity(ctx, "hallway-thermostat", "Hallway Thermostat");
  const rng = new Random(seedFor(`esphome/${id.nodeName}`, ctx.seed));
  const topic = (suffix: string) => componentTopic(id, "climate", "Thermostat", suffix);
  const topics = {
    current: topic("current_temperature/state"),
    modeCommand: topic("mode/command"),
    modeState: topic("mode/state"),
    targetCommand: topic("target_temperature/command"),
    targetState: topic("target_temperature/state"),
    action: topic("action/state"),
  };
  const entity: EsphomeEntity = {
    component: "climate",
    name: "Thermostat",
    keys: {
      curr_temp_t: topics.current,
      mode_cmd_t: topics.modeCommand,
      mode_stat_t: topics.modeState,
      modes: [...MODES],
      temp_cmd_t: topics.targetCommand,
      temp_stat_t: topics.targetState,
      min_temp: MIN_TEMP,
      max_temp: MAX_TEMP,
      temp_step: 0.5,
      temp_unit: "C",
      min_hum: 30,
      max_hum: 99,
      act_t: topics.action,
    },
    hasStateTopic: false,
    hasCommandTopic: false,
  };
  let mode: Mode = "heat";
  let target = 21;
  let current = rng.between(18.5, 20);
  let action: Action = nextAction(mode, "idle", current, target);

  // MQTTClimateComponent::publish_state_: every topic on every state change (accuracy: 1 decimal).
  const publishState = (out: Outbox): number => {
    out.publish(topics.modeState, mode, true);
    out.publish(topics.current, current.toFixed(1), true);
    out.publish(topics.targetState, target.toFixed(1), true);
    out.publish(topics.action, action, true);
    return 4;
  };
  const settle = (out: Outbox): boolean => {
    action = nextAction(mode, action, current, target);
    publishState(out);
    return true;
  };

  const app: EsphomeApp = {
    entities: [entity],
    commands: new Map([
      [
        topics.modeCommand,
        (payload: string, out: Outbox) => {
          const requested = payload.trim().toLowerCase();
          if (!isMode(requested)) return false;
          mode = requested;
          return settle(out);
        },
      ],
      [
        topics.targetCommand,
        (payload: string, out: Outbox) => {
          const value = Number(payload.trim());
          if (payload.trim() === "" || !Number.isFinite(value)) return false;
          target = clamp(value, MIN_TEMP, MAX_TEMP);
          return settle(out);
        },
      ],
    ]),
    publishState: (out) => void publishState(out),
    // The temperature sensor's updates re-publish the whole climate state.
    reporters: [publishState],
    advance: (dtMs, out) => {
      const dtS = dtMs / 1000;
      const hvac = action === "heating" ? HVAC_RATE : action === "cooling" ? -HVAC_RATE : 0;
      current += (hvac + (AMBIENT - current) * LOSS) * dtS + 0.005 * Math.sqrt(dtS) * rng.gaussian();
      const next = nextAction(mode, action, current, target);
      if (next !== action) {
        action = next;
        publishState(out);
      }
    },
  };
  return new EsphomeNode("esphome-thermostat", ctx.home, id, app);
}
