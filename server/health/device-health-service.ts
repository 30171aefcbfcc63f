import { classifyDevice, countProblems, type HealthState } from "@/devices/health/device-health";
import { HEALTH_THRESHOLDS } from "@/devices/health/thresholds";
import type { EventBus } from "../event-bus";
import type { DeviceHealthSummary, DeviceHealthView } from "../hub-api";
import type { DeviceRegistry, RegisteredEntity } from "../registry/device-registry";
import type { StateStore } from "../state/state-store";
import type { Logger } from "../logger";
import type { DeviceActivity } from "./device-activity";

/** How often last-seen times are written (also at stop). */
const SAVE_EVERY_MS = 60_000;

export interface DeviceHealthServiceDeps {
  bus: EventBus;
  registry: DeviceRegistry;
  states: StateStore;
  activity: DeviceActivity;
  now: () => number;
  log?: Logger;
}

/**
 * Per device: offline (availability), stale (silent for longer than its learned rhythm allows), low battery
 * and weak link. Computed on request from the registry, the state store and the learned intervals. Last-seen
 * times are saved (DeviceActivity) so a restart still shows them; silence is counted from the hub's start at
 * the earliest, and a retained replay is not the device speaking.
 */
export class DeviceHealthService {
  readonly #deps: DeviceHealthServiceDeps;
  #watchingSince: number;
  #disposers: Array<() => void> = [];
  #saveTimer: NodeJS.Timeout | undefined;

  constructor(deps: DeviceHealthServiceDeps) {
    this.#deps = deps;
    this.#watchingSince = deps.now();
  }

  start(): void {
    this.#watchingSince = this.#deps.now();
    this.#disposers.push(this.#deps.bus.on("deviceRemoved", ({ deviceId }) => this.#deps.activity.forget(deviceId)));
    this.#saveTimer = setInterval(() => this.#save(), SAVE_EVERY_MS);
    this.#saveTimer.unref();
  }

  /** Stops listening and saves the last-seen times (call after the registry's last flush). */
  stop(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
    clearInterval(this.#saveTimer);
    this.#save();
  }

  #save(): void {
    try {
      this.#deps.activity.save();
    } catch (err) {
      this.#deps.log?.warn({ err }, "saving last-seen times failed; they are kept in memory");
    }
  }

  /** Every device's health, devices with problems first, then by name. */
  list(): DeviceHealthView[] {
    const { registry } = this.#deps;
    const slotsByDevice = new Map<string, RegisteredEntity[]>();
    for (const slot of registry.slots()) {
      if (!slot.deviceId) continue;
      let list = slotsByDevice.get(slot.deviceId);
      if (!list) slotsByDevice.set(slot.deviceId, (list = []));
      list.push(slot);
    }
    const now = this.#deps.now();
    const views = registry.devices().map((device) => this.#view(device.id, device.nameByUser ?? device.name ?? device.identifiers[0] ?? device.id, device.roomId, slotsByDevice.get(device.id) ?? [], now));
    return views.sort((a, b) => Number(b.problems.length > 0) - Number(a.problems.length > 0) || a.name.localeCompare(b.name));
  }

  summary(): DeviceHealthSummary {
    return { ...countProblems(this.list()), checked_at: this.#deps.now() };
  }

  #view(deviceId: string, name: string, roomId: string | null, slots: readonly RegisteredEntity[], now: number): DeviceHealthView {
    const { states, activity } = this.#deps;
    let lastSeen = activity.lastSeen(deviceId);
    let offline = false;
    const healthStates: HealthState[] = [];
    for (const slot of slots) {
      const seen = states.lastSeen(slot.slotKey);
      if (seen !== null && (lastSeen === null || seen > lastSeen)) lastSeen = seen;
      if (!slot.entityId) continue;
      // Same rule as the device view: a device is offline when an entity with availability is unavailable.
      if (slot.common.availability && !states.isAvailable(slot.entityId)) offline = true;
      const state = states.find(slot.entityId);
      if (!state) continue;
      // An offline device's last battery and link readings still count: a flat battery is often why it went offline.
      const last = state.state === "unavailable" ? states.lastValue(slot.entityId) : null;
      healthStates.push(last === null ? state : { entity_id: state.entity_id, state: last, attributes: state.attributes });
    }
    const interval = activity.find(deviceId);
    const staleAfterMs = interval ? interval.staleAfterMs(now) : HEALTH_THRESHOLDS.unlearnedStaleMs;
    const health = classifyDevice({ now, offline, lastSeen, watchingSince: this.#watchingSince, staleAfterMs, states: healthStates });
    return {
      device_id: deviceId,
      name,
      room_id: roomId,
      problems: health.problems,
      last_seen: lastSeen,
      silent_for_ms: health.silentForMs,
      usual_interval_ms: interval?.usualIntervalMs() ?? null,
      stale_after_ms: staleAfterMs,
      battery: health.battery,
      link: health.link,
    };
  }
}
