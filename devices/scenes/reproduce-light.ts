import type { CurrentState, ReproduceCall, ReproduceOptions, SceneState } from "./scene-state";

/**
 * A light's part of HA's reproduce_state (homeassistant/components/light/reproduce_state.py): on with
 * brightness, effect and one colour (the one its colour mode names, else the first given), or off.
 */

/** HA's ATTR_GROUP: non-colour attributes passed to light.turn_on as they are. */
const ATTR_GROUP = ["brightness", "effect"] as const;

/** HA's COLOR_GROUP (the first given wins when no colour mode says which); `color_temp` (mireds) last, as legacy. */
const COLOR_GROUP = ["hs_color", "color_temp_kelvin", "rgb_color", "rgbw_color", "rgbww_color", "xy_color", "color_temp"] as const;

/** HA's COLOR_MODE_TO_ATTRIBUTE: the attribute holding a colour mode's colour. */
const COLOR_MODE_ATTRIBUTE: Readonly<Record<string, string>> = {
  color_temp: "color_temp_kelvin",
  hs: "hs_color",
  rgb: "rgb_color",
  rgbw: "rgbw_color",
  rgbww: "rgbww_color",
  xy: "xy_color",
};

const LIST_LENGTH: Readonly<Record<string, number>> = { hs_color: 2, rgb_color: 3, rgbw_color: 4, rgbww_color: 5, xy_color: 2 };

const given = (attributes: Readonly<Record<string, unknown>>, key: string): boolean => attributes[key] !== undefined && attributes[key] !== null;

/** The colour attribute a target sets, or undefined (none given, or a mode without colour: onoff, brightness, white). */
function colorAttribute(attributes: Readonly<Record<string, unknown>>): string | undefined {
  const mode = attributes.color_mode;
  if (typeof mode === "string" && Object.hasOwn(COLOR_MODE_ATTRIBUTE, mode)) return COLOR_MODE_ATTRIBUTE[mode];
  if (given(attributes, "color_mode")) return undefined;
  return COLOR_GROUP.find((key) => given(attributes, key));
}

export function invalidLight(target: SceneState): string | undefined {
  if (target.state !== "on" && target.state !== "off") return `a light is "on" or "off", not ${JSON.stringify(target.state)}`;
  const a = target.attributes;
  for (const key of ["brightness", "color_temp_kelvin", "color_temp"]) {
    if (given(a, key) && typeof a[key] !== "number") return `${key} must be a number`;
  }
  for (const key of ["effect", "color_mode"]) {
    if (given(a, key) && typeof a[key] !== "string") return `${key} must be a string`;
  }
  for (const [key, length] of Object.entries(LIST_LENGTH)) {
    const v = a[key];
    if (given(a, key) && !(Array.isArray(v) && v.length === length && v.every((n) => typeof n === "number"))) return `${key} must be a list of ${length} numbers`;
  }
  const mode = a.color_mode;
  if (target.state === "on" && typeof mode === "string" && Object.hasOwn(COLOR_MODE_ATTRIBUTE, mode) && !given(a, COLOR_MODE_ATTRIBUTE[mode]!)) {
    return `color_mode ${mode} needs ${COLOR_MODE_ATTRIBUTE[mode]}`;
  }
  return undefined;
}

/** What a snapshot keeps: brightness, effect, the colour mode and its colour (off: nothing). */
export function snapshotLight(current: CurrentState): Record<string, unknown> {
  if (current.state !== "on") return {};
  const a = current.attributes;
  const kept: Record<string, unknown> = {};
  for (const key of ATTR_GROUP) if (given(a, key)) kept[key] = a[key];
  const color = colorAttribute(a);
  if (given(a, "color_mode")) kept.color_mode = a.color_mode;
  if (color !== undefined && given(a, color)) kept[color] = a[color];
  else delete kept.color_mode;
  return kept;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function reproduceLight(target: SceneState, current: CurrentState, options: ReproduceOptions): ReproduceCall[] {
  const a = target.attributes;
  const color = target.state === "on" ? colorAttribute(a) : undefined;
  const named = target.state === "on" ? [...ATTR_GROUP.filter((k) => given(a, k)), ...(color !== undefined ? [color] : [])] : [];
  // Already there: the same state and every attribute the scene names.
  if (current.state === target.state && named.every((k) => same(current.attributes[k], a[k]))) return [];
  const data: Record<string, unknown> = {};
  if (options.transition !== undefined) data.transition = options.transition;
  if (target.state === "off") return [{ service: "turn_off", data }];
  for (const key of named) data[key] = a[key];
  return [{ service: "turn_on", data }];
}
