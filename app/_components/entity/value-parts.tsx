"use client";
import { useState } from "react";
import { chartKindOf } from "@/devices/history/chart-data-wire";
import { humanize, stateWording } from "@/devices/presentation/state-wording";
import { formatAgo, formatNumber, formatSensorState, withUnit } from "@/devices/presentation/value-format";
import { HistoryButton, SensorTrend } from "../history/sparkline";
import { Choice, Slider } from "./primitives";
import { num, shown, str, strings, type ControlParts, type ControlProps } from "./control-types";

/** A box for number (mode "box") and text entities: edit, then Set. */
function EntryBox({ p, type, initial, onSubmit, caption, inputProps = {} }: { p: ControlProps; type: "number" | "text" | "password"; initial: string; onSubmit: (v: string) => void; caption: string; inputProps?: Record<string, string | number> }) {
  const [draft, setDraft] = useState<string | undefined>();
  const value = draft ?? initial;
  return (
    <form
      className="entry"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(value);
        setDraft(undefined);
      }}
    >
      <label className="entry-field">
        <span className="choice-label">{caption}</span>
        <input className="input" type={type} aria-label={`${p.name} ${caption.toLowerCase()}`} value={value} disabled={p.disabled} onChange={(e) => setDraft(e.target.value)} {...inputProps} />
      </label>
      <button type="submit" className="btn btn-secondary btn-action" aria-label={`Set ${p.name}`} disabled={p.disabled || draft === undefined}>
        Set
      </button>
    </form>
  );
}

/** number: a slider, or a box when the config says mode "box" (HA's NumberMode). */
export function numberParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const unit = str(a.unit_of_measurement);
  const min = num(a.min) ?? 0;
  const max = num(a.max) ?? 100;
  const step = num(a.step) ?? 1;
  const actual = Number(p.state.state);
  const value = num(shown(p, "value", Number.isFinite(actual) ? actual : undefined));
  const box = a.mode === "box" || (a.mode !== "slider" && (max - min) / step > 1000);
  const set = (v: number) => void p.cmd.run("number", "set_value", { value: v }, { value: v });
  return {
    stateText: value !== undefined ? withUnit(formatNumber(value), unit) : stateWording(p.entityId, p.state.state),
    body: box ? (
      <EntryBox p={p} type="number" caption="Value" initial={value !== undefined ? String(value) : ""} inputProps={{ min, max, step }} onSubmit={(v) => set(Number(v))} />
    ) : (
      <Slider label={`${p.name} value`} caption="Value" value={value ?? min} min={min} max={max} step={step} format={(v) => withUnit(formatNumber(v), unit)} disabled={p.disabled} onCommit={set} />
    ),
  };
}

/** select: one of its options. */
export function selectParts(p: ControlProps): ControlParts {
  const option = shown(p, "state", p.state.state);
  return {
    stateText: stateWording(p.entityId, option),
    body: <Choice label={`${p.name} option`} caption="Option" value={option} options={strings(p.state.attributes.options)} disabled={p.disabled} onChange={(o) => void p.cmd.run("select", "select_option", { option: o }, { state: o })} />,
  };
}

/** text: a box (password mode hides what is typed). */
export function textParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const secret = a.mode === "password";
  const inputProps: Record<string, string | number> = {};
  if (num(a.min) !== undefined) inputProps.minLength = num(a.min) ?? 0;
  if (num(a.max) !== undefined) inputProps.maxLength = num(a.max) ?? 255;
  if (str(a.pattern)) inputProps.pattern = str(a.pattern) ?? "";
  return {
    stateText: secret ? "••••" : p.state.state,
    body: <EntryBox p={p} type={secret ? "password" : "text"} caption="Text" initial={secret ? "" : p.state.state} inputProps={inputProps} onSubmit={(value) => void p.cmd.run("text", "set_value", { value }, { state: value })} />,
  };
}

const historyOf = (p: ControlProps) => ({ entityId: p.entityId, name: p.name, timeZone: p.timeZone, temperatureUnit: p.temperatureUnit });

/** sensor: the value with its unit and precision; numbers get a sparkline of their last day; both open their history. */
export function sensorParts(p: ControlProps): ControlParts {
  const stateText = formatSensorState(p.state.state, p.state.attributes);
  if (p.disabled) return { stateText };
  if (chartKindOf({ entityId: p.entityId, attributes: p.state.attributes }) === "line") return { stateText, body: <SensorTrend {...historyOf(p)} state={p.state} now={p.now} /> };
  return { stateText, head: <HistoryButton {...historyOf(p)} /> };
}

/** binary_sensor: HA's words by device class, and the way to its timeline. */
export function binarySensorParts(p: ControlProps): ControlParts {
  const stateText = stateWording(p.entityId, p.state.state, p.state.attributes);
  return p.disabled ? { stateText } : { stateText, head: <HistoryButton {...historyOf(p)} /> };
}

/** event: the last event type and when it happened (the state is its timestamp). */
export function eventParts(p: ControlProps): ControlParts {
  const at = Date.parse(p.state.state);
  const type = str(p.state.attributes.event_type);
  if (Number.isNaN(at)) return { stateText: "No events yet" };
  return { stateText: `${type ? humanize(type) : "Event"} · ${formatAgo(at, p.now)}` };
}

/** Domains without a control here: the state in words. */
export function readonlyParts(p: ControlProps): ControlParts {
  return { stateText: stateWording(p.entityId, p.state.state, p.state.attributes) };
}
