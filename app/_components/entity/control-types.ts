import type { ReactNode } from "react";
import type { LiveState } from "../../_lib/live-store";
import type { Command } from "./use-command";

/** What every control gets: the live state, the friendly name for accessible names, and the command runner. */
export interface ControlProps {
  entityId: string;
  domain: string;
  state: LiveState;
  /** The friendly name: every control's accessible name contains it (CONTRACT.md, Web UI). */
  name: string;
  /** Unavailable (or no state yet): nothing may be commanded. */
  disabled: boolean;
  cmd: Command;
  now: number;
  timeZone: string;
  /** "°C" or "°F", from the home's unit system (climate entities carry no unit of their own). */
  temperatureUnit: string;
}

/** A control split into the card's slots: the state in words, a control beside the name, and the body. */
export interface ControlParts {
  stateText: string;
  head?: ReactNode;
  body?: ReactNode;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The value the card shows: the requested one while a command is pending, else the entity's. */
export function shown<T>(props: ControlProps, key: string, actual: T): T {
  return key in props.cmd.target ? (props.cmd.target[key] as T) : actual;
}
