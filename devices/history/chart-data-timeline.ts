// Timelines: discrete states (on/off, open/closed, modes) as coloured segments with their words.

import { stateWording } from "../presentation/state-wording";
import type { ChartEntity, TimeRange } from "./chart-data";
import type { HistoryStateWire } from "./chart-data-wire";

const timeOf = (s: HistoryStateWire): number => Date.parse(s.last_changed);

export interface TimelineSegment {
  start: number;
  end: number;
  state: string;
  label: string;
  /** A colour: "on", "off", "unavailable", "mixed" (merged short states) or "c0" … "c5" for other states. */
  tone: string;
}

export interface TimelineSeries {
  kind: "timeline";
  entityId: string;
  name: string;
  segments: TimelineSegment[];
}

const ACTIVE_STATES = new Set(["on", "open", "opening", "closing", "unlocked", "unlocking", "home", "heat", "cool", "heat_cool", "auto", "dry", "fan_only", "cleaning", "mowing", "playing", "triggered", "armed_away", "armed_home", "armed_night"]);
const INACTIVE_STATES = new Set(["off", "closed", "locked", "not_home", "away", "idle", "docked", "standby", "paused", "stopped", "disarmed"]);

/** The colour class of a state on a timeline. */
export function toneOf(state: string): string {
  if (state === "unavailable" || state === "unknown") return "unavailable";
  if (ACTIVE_STATES.has(state)) return "on";
  if (INACTIVE_STATES.has(state)) return "off";
  let hash = 0;
  for (let i = 0; i < state.length; i++) hash = (hash * 31 + state.charCodeAt(i)) >>> 0;
  return `c${hash % 6}`;
}

/** Raw states as coloured segments over the window; equal neighbours merge. */
export function historyToTimeline(e: ChartEntity, states: readonly HistoryStateWire[], w: TimeRange): TimelineSeries {
  const segments: TimelineSegment[] = [];
  for (const s of states) {
    const at = Math.max(timeOf(s), w.start);
    if (Number.isNaN(at) || at >= w.end) continue;
    const previous = segments[segments.length - 1];
    if (previous?.state === s.state) continue;
    if (previous) {
      previous.end = at;
      // A state that held for no time (two states at the window's start) leaves no segment.
      if (previous.end <= previous.start) {
        segments.pop();
        const before = segments[segments.length - 1];
        if (before?.state === s.state) {
          before.end = w.end;
          continue;
        }
      }
    }
    segments.push({ start: at, end: w.end, state: s.state, label: stateWording(e.entityId, s.state, e.attributes), tone: toneOf(s.state) });
  }
  return { kind: "timeline", entityId: e.entityId, name: e.name, segments };
}

/**
 * The segments inside the window, clipped to it; runs of segments shorter than `minMs` (a flapping sensor)
 * become one "Several states" segment, so a timeline stays at most about 2 × span / minMs bars.
 */
export function coalesceSegments(segments: readonly TimelineSegment[], w: TimeRange, minMs: number): TimelineSegment[] {
  const out: TimelineSegment[] = [];
  let run: TimelineSegment[] = [];
  const flushRun = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) out.push(run.length === 1 ? first : { start: first.start, end: last.end, state: "", label: "Several states", tone: "mixed" });
    run = [];
  };
  for (const seg of segments) {
    const start = Math.max(seg.start, w.start);
    const end = Math.min(seg.end, w.end);
    if (end <= start) continue;
    const clipped = start === seg.start && end === seg.end ? seg : { ...seg, start, end };
    if (end - start < minMs) {
      run.push(clipped);
      continue;
    }
    flushRun();
    out.push(clipped);
  }
  flushRun();
  return out;
}
