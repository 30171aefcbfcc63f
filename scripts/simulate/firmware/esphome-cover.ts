import { clamp } from "../noise";
import type { DeviceContext, Outbox } from "../simulated-device";
import { type EsphomeApp, type EsphomeEntity, EsphomeNode, componentTopic, esphomeIdentity } from "./esphome-node";

type Operation = "idle" | "opening" | "closing";

/**
 * Bedroom blinds on an ESP32 time-based cover: position 0-100, OPEN/CLOSE/STOP/TOGGLE, moving at a fixed speed
 * and publishing position and state (`opening`/`closing`/`open`/`closed`) while it moves.
 */
export function createEsphomeCover(ctx: DeviceContext): EsphomeNode {
  const id = esphomeIdentity(ctx, "bedroom-blinds", "Bedroom Blinds");
  const topic = (suffix: string) => componentTopic(id, "cover", "Blinds", suffix);
  const topics = {
    state: topic("state"),
    command: topic("command"),
    position: topic("position/state"),
    setPosition: topic("position/command"),
  };
  const entity: EsphomeEntity = {
    component: "cover",
    name: "Blinds",
    keys: { dev_cla: "blind", pos_t: topics.position, set_pos_t: topics.setPosition },
    hasStateTopic: true,
    hasCommandTopic: true,
  };
  let position = 1;
  let target = 1;
  let operation: Operation = "idle";
  let lastDirection: Operation = "opening";

  // MQTTCoverComponent::publish_state: position (0-100, no decimals), then the state word.
  const publishState = (out: Outbox): void => {
    out.publish(topics.position, String(Math.round(position * 100)), true);
    const state = operation !== "idle" ? operation : position === 0 ? "closed" : "open";
    out.publish(topics.state, state, true);
  };
  const moveTo = (goal: number, out: Outbox): boolean => {
    target = clamp(goal, 0, 1);
    operation = target > position ? "opening" : target < position ? "closing" : "idle";
    if (operation !== "idle") lastDirection = operation;
    publishState(out);
    return true;
  };
  const stop = (out: Outbox): boolean => {
    operation = "idle";
    target = position;
    publishState(out);
    return true;
  };

  const app: EsphomeApp = {
    entities: [entity],
    commands: new Map([
      [
        topics.command,
        (payload: string, out: Outbox) => {
          switch (payload.trim().toUpperCase()) {
            case "OPEN":
              return moveTo(1, out);
            case "CLOSE":
              return moveTo(0, out);
            case "STOP":
              return stop(out);
            case "TOGGLE":
              if (operation !== "idle") return stop(out);
              if (position === 1 || position === 0) return moveTo(1 - position, out);
              return moveTo(lastDirection === "opening" ? 0 : 1, out);
            default:
              return false;
          }
        },
      ],
      [
        topics.setPosition,
        (payload: string, out: Outbox) => {
          const value = Number(payload.trim());
          if (payload.trim() === "" || !Number.isFinite(value)) return false;
          return moveTo(value / 100, out);
        },
      ],
    ]),
    publishState,
    reporters: [],
    advance: (dtMs, out) => {
      if (operation === "idle") return;
      const step = dtMs / ctx.coverTravelMs;
      position = operation === "opening" ? Math.min(target, position + step) : Math.max(target, position - step);
      if (position === target) operation = "idle";
      publishState(out);
    },
  };
  return new EsphomeNode("esphome-cover", ctx.home, id, app);
}
