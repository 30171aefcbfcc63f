"use client";
import type { ReactNode } from "react";
import { controlFor, domainOf, shortName, type ControlKind } from "@/devices/presentation/entity-kind";
import { iconFor } from "@/devices/presentation/entity-icon";
import { offlineSince } from "@/devices/presentation/value-format";
import { useEntityState, useNowTick } from "../../_lib/use-live-states";
import { alarmParts, buttonParts, lockParts, sceneParts, updateParts, vacuumParts } from "./action-parts";
import { climateParts, waterHeaterParts } from "./climate-parts";
import { str, type ControlParts, type ControlProps } from "./control-types";
import { coverParts, valveParts } from "./cover-parts";
import { EntityIcon } from "./entity-icon";
import { fanParts, humidifierParts, lightParts, sirenParts, toggleParts } from "./toggle-parts";
import { useCommand } from "./use-command";
import { binarySensorParts, eventParts, numberParts, readonlyParts, selectParts, sensorParts, textParts } from "./value-parts";

const PARTS: Record<ControlKind, (p: ControlProps) => ControlParts> = {
  light: lightParts,
  toggle: toggleParts,
  cover: coverParts,
  climate: climateParts,
  fan: fanParts,
  lock: lockParts,
  valve: valveParts,
  siren: sirenParts,
  button: buttonParts,
  number: numberParts,
  select: selectParts,
  text: textParts,
  scene: sceneParts,
  vacuum: vacuumParts,
  humidifier: humidifierParts,
  water_heater: waterHeaterParts,
  alarm: alarmParts,
  update: updateParts,
  sensor: sensorParts,
  binary_sensor: binarySensorParts,
  event: eventParts,
  readonly: readonlyParts,
};

// States in which the icon is lit.
const ACTIVE = new Set(["on", "open", "opening", "closing", "unlocked", "heat", "cool", "heat_cool", "auto", "dry", "fan_only", "cleaning", "mowing", "triggered"]);

export interface EntityCardProps {
  entityId: string;
  /** The registry name, used until the state (with its friendly_name) arrives. */
  fallbackName: string;
  /** The device's name: the card drops it from the entity's name ("Kitchen Plug Power" → "Power"). */
  deviceName?: string | null | undefined;
  deviceClass?: string | null | undefined;
  timeZone: string;
  temperatureUnit: string;
  /** Rooms mix devices: name the device above a shortened entity name. */
  showDevice?: boolean;
  /** Just the name, state and the control beside the name (home view). */
  compact?: boolean;
  /** Edit-mode buttons (hide, move, pin). */
  toolbar?: ReactNode;
}

/** One entity: icon, name, state in words, its control, and what its last command is doing. */
export function EntityCard({ entityId, fallbackName, deviceName, deviceClass, timeZone, temperatureUnit, showDevice = false, compact = false, toolbar }: EntityCardProps) {
  const state = useEntityState(entityId);
  const now = useNowTick();
  const name = str(state?.attributes.friendly_name) ?? fallbackName;
  const cmd = useCommand(entityId, state, name);
  const kind = controlFor(entityId);
  const offline = !state || state.state === "unavailable";
  const label = shortName(name, deviceName);
  const parts: ControlParts = state
    ? PARTS[kind]({ entityId, domain: domainOf(entityId), state, name, disabled: offline, cmd, now, timeZone, temperatureUnit })
    : { stateText: "Unavailable" };
  const stateText = offline ? (state ? offlineSince(state.last_changed, now, timeZone) : "Unavailable") : parts.stateText;
  const icon = iconFor(entityId, deviceClass ?? str(state?.attributes.device_class), state?.state);
  const active = !offline && state !== undefined && ACTIVE.has(str(cmd.target.state) ?? state.state);
  const assumed = state?.attributes.assumed_state === true;
  return (
    <article className={`entity entity-${kind}${offline ? " entity-offline" : ""}${active ? " entity-active" : ""}`} aria-label={name} data-entity-id={entityId}>
      <div className="entity-head">
        <span className="entity-icon">
          <EntityIcon name={icon} />
        </span>
        <div className="entity-text">
          {showDevice && deviceName && label !== name && <p className="entity-device">{deviceName}</p>}
          <h3 className="entity-name">{label}</h3>
          <p className="entity-state">
            {stateText}
            {assumed && !offline ? <span className="visually-hidden"> (assumed)</span> : null}
          </p>
        </div>
        {parts.head && <div className="entity-aside">{parts.head}</div>}
      </div>
      {!compact && parts.body && <div className="entity-body">{parts.body}</div>}
      {offline && !compact && (parts.body || parts.head) && <p className="entity-note">It cannot be controlled until it is back online.</p>}
      {cmd.pending && (
        <p className="entity-status" role="status">
          <span className="spinner" aria-hidden="true" /> Waiting for {name} to confirm…
        </p>
      )}
      {cmd.error && (
        <div className="entity-error" role="alert">
          <span>{cmd.error}</span>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => cmd.dismiss()}>
            Dismiss
          </button>
        </div>
      )}
      {toolbar}
    </article>
  );
}
