import { z } from "zod";
import { haBoolean, haPositiveInt, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { ignore, parsePythonFloat, reject, renderValue, requiredKey, update, UNKNOWN } from "./mqtt-payload";
import type { DecodeResult, EntityValue, PlatformDefinition } from "./platform";

const STATE_CLASSES = ["measurement", "measurement_angle", "total", "total_increasing"] as const;
/** Device classes whose state is not a number (HA's NON_NUMERIC_DEVICE_CLASSES). */
const NON_NUMERIC_DEVICE_CLASSES = new Set(["date", "enum", "timestamp"]);
/** HA refuses longer state strings (MAX_LENGTH_STATE_STATE). */
const MAX_STATE_LENGTH = 255;

export const sensorSchema = z
  .looseObject({
    state_topic: requiredKey("state_topic", haSubscribeTopic),
    value_template: haTemplate.optional(),
    device_class: haString.nullable().optional(),
    state_class: z.enum(STATE_CLASSES, { error: `state_class must be one of ${STATE_CLASSES.join(", ")}` }).nullable().optional(),
    unit_of_measurement: haString.nullable().optional(),
    suggested_display_precision: haPositiveInt.optional(),
    force_update: haBoolean.default(false),
    last_reset_value_template: haTemplate.optional(),
    options: haStringList.optional(),
  })
  .superRefine((c, ctx) => {
    // validate_sensor_state_and_device_class_config
    if (c.last_reset_value_template !== undefined && c.state_class !== "total") {
      ctx.addIssue({
        code: "custom",
        message: `The option \`last_reset_value_template\` cannot be used together with state class \`${String(c.state_class ?? "None")}\``,
      });
    }
    if (c.options !== undefined) {
      if (c.options.length === 0) ctx.addIssue({ code: "custom", message: "An empty options list is not allowed" });
      else if (c.state_class || c.unit_of_measurement) {
        ctx.addIssue({ code: "custom", message: "Specifying `options` is not allowed together with the `state_class` or `unit_of_measurement` option" });
      } else if (c.device_class !== "enum") {
        ctx.addIssue({
          code: "custom",
          message: `The option \`options\` must be used together with device class \`enum\`, got \`device_class\` '${String(c.device_class ?? "None")}'`,
        });
      }
    }
  });

export type SensorConfig = z.output<typeof sensorSchema>;

/** SensorEntity._numeric_state_expected. */
export function isNumericSensor(config: SensorConfig): boolean {
  const deviceClass = config.device_class ?? null;
  if (deviceClass !== null && NON_NUMERIC_DEVICE_CLASSES.has(deviceClass)) return false;
  if ((config.state_class ?? null) !== null || (config.unit_of_measurement ?? null) !== null || config.suggested_display_precision !== undefined) {
    return true;
  }
  return deviceClass !== null;
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface ParsedDateTime {
  /** Epoch ms of the instant; for values without an offset, of the wall time read as UTC. */
  epochMs: number;
  date: string;
  hasOffset: boolean;
  /** Python's datetime.isoformat() of the parsed value (offset kept as given). */
  isoformat: string;
}

/** dt_util.parse_datetime: ISO 8601 date or date-time, optional offset; undefined when invalid. */
function parseDateTime(text: string): ParsedDateTime | undefined {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh = "0", mi = "0", ss = "0", frac = "", zone] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const micro = frac === "" || Number(frac) === 0 ? "" : `.${frac.padEnd(6, "0")}`;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mi), Number(ss), ms);
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) {
    return undefined;
  }
  let offsetMin = 0;
  let offsetText = "";
  if (zone !== undefined) {
    offsetText = "+00:00";
    if (zone.toUpperCase() !== "Z") {
      const digits = zone.slice(1).replace(":", "");
      const hours = digits.slice(0, 2);
      const minutes = digits.slice(2, 4) || "00";
      offsetMin = (zone.startsWith("-") ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
      offsetText = `${zone[0] ?? "+"}${hours}:${minutes}`;
    }
  }
  const time = `${hh.padStart(2, "0")}:${mi.padStart(2, "0")}:${ss.padStart(2, "0")}${micro}`;
  return {
    epochMs: wall - offsetMin * 60_000,
    date: `${y}-${mo}-${d}`,
    hasOffset: zone !== undefined,
    isoformat: `${y}-${mo}-${d}T${time}${offsetText}`,
  };
}

/** HA's state string of a UTC datetime: isoformat(timespec="seconds") with "+00:00". */
function utcIsoSeconds(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}

/** The value with a new state; values are never mutated, so the attributes are shared (and an unchanged value is returned as is). */
function withState(current: EntityValue, state: string | null): EntityValue {
  if (current.state === state) return current;
  return current.memory === undefined ? { state, attributes: current.attributes } : { state, attributes: current.attributes, memory: current.memory };
}

function decodeState(config: SensorConfig, payload: string, current: EntityValue): DecodeResult {
  if (payload === "None") return update(withState(current, null));
  if (payload === "") return ignore("empty state");

  if (isNumericSensor(config)) {
    // SensorEntity.state: a numeric sensor's value must parse as a finite float; the string is kept.
    if (parsePythonFloat(payload) === undefined) {
      return reject(`sensor has a unit, state class or device class, thus a numeric value; got the non-numeric value '${payload}'`);
    }
    return update(withState(current, payload));
  }

  const options = config.options;
  if (options !== undefined && !options.includes(payload)) {
    return reject(`invalid option '${payload}', allowed: ${options.join(", ")}`);
  }

  const deviceClass = config.device_class ?? null;
  if ((deviceClass === null || deviceClass === "enum") && payload.length <= MAX_STATE_LENGTH) {
    return update(withState(current, payload));
  }

  const parsed = parseDateTime(payload);
  // HA: an unparsable value for a date/timestamp (or an over-long text) resets the sensor.
  if (parsed === undefined) return update(withState(current, null));
  if (deviceClass === "date") return update(withState(current, parsed.date));
  if (!parsed.hasOffset) return reject(`timestamp '${payload}' is missing timezone information`);
  return update(withState(current, utcIsoSeconds(parsed.epochMs)));
}

/** _update_last_reset: a valid datetime becomes the `last_reset` attribute (isoformat, offset as sent). */
function decodeLastReset(payload: string, current: EntityValue, stateResult: DecodeResult): DecodeResult {
  // A refused state fails HA's whole state write, last_reset included.
  if (stateResult.kind === "reject" || payload === "") return stateResult;
  const parsed = parseDateTime(payload);
  if (parsed === undefined) return stateResult;
  const base = stateResult.kind === "update" ? stateResult.value : current;
  return update({ state: base.state, attributes: { ...base.attributes, last_reset: parsed.isoformat } });
}

export const sensorPlatform: PlatformDefinition<SensorConfig> = {
  component: "sensor",
  isEntity: true,
  schema: sensorSchema,
  stateTopics: (config) => [{ role: "state", topic: config.state_topic }],
  initialValue: () => UNKNOWN,
  staticAttributes(config) {
    const attributes: Record<string, unknown> = {};
    if (config.state_class) attributes.state_class = config.state_class;
    if (config.device_class === "enum" && config.options !== undefined) attributes.options = config.options;
    if (config.unit_of_measurement) attributes.unit_of_measurement = config.unit_of_measurement;
    return attributes;
  },
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    let result: DecodeResult = rendered.ok ? decodeState(config, rendered.value, current) : rendered.result;
    if (config.last_reset_value_template !== undefined) {
      // _update_last_reset runs after the state, whatever the state did.
      const lastReset = renderValue(ctx, "last_reset_value_template", message);
      if (lastReset.ok) result = decodeLastReset(lastReset.value, current, result);
    }
    return result;
  },
  services: {},
  isOptimistic: () => false,
};
