import { z } from "zod";
import { clamp } from "../noise";
import { type BulbColor, colorFromRgb, colorFromXy, hueSaturationToRgb, parseHex } from "./zigbee2mqtt-color";

const MIN_MIREDS = 153;
const MAX_MIREDS = 500;
const COLOR_TEMP_PRESETS: Record<string, number> = { coolest: 153, cool: 250, neutral: 370, warm: 454, warmest: 500 };

const num = z.coerce.number().finite();
const colorSchema = z.object({
  x: num.optional(),
  y: num.optional(),
  r: num.optional(),
  g: num.optional(),
  b: num.optional(),
  hex: z.string().optional(),
  rgb: z.string().optional(),
  hue: num.optional(),
  saturation: num.optional(),
  h: num.optional(),
  s: num.optional(),
});
/** The keys of a Z2M light `/set` payload this bulb understands; others are ignored, as Z2M logs and skips them. */
const setSchema = z.object({
  state: z.string().optional(),
  brightness: num.optional(),
  color_temp: z.union([z.number().finite(), z.string()]).optional(),
  color: colorSchema.optional(),
  transition: num.optional(),
  effect: z.string().optional(),
});
type SetCommand = z.infer<typeof setSchema>;

/** Z2M accepts a bare "ON"/"OFF"/"TOGGLE" on `<device>/set` as `{"state": ...}`. */
function parseSet(payload: string): SetCommand | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    value = { state: payload };
  }
  if (typeof value === "string") value = { state: value };
  const parsed = setSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function colorFromCommand(c: z.infer<typeof colorSchema>): BulbColor | undefined {
  if (c.x !== undefined && c.y !== undefined) return colorFromXy(clamp(c.x, 0, 1), clamp(c.y, 0, 1));
  if (c.r !== undefined && c.g !== undefined && c.b !== undefined) {
    return colorFromRgb(clamp(c.r, 0, 255), clamp(c.g, 0, 255), clamp(c.b, 0, 255));
  }
  const fromList = c.rgb?.split(",").map(Number);
  if (fromList?.length === 3 && fromList.every(Number.isFinite)) {
    const [r = 0, g = 0, b = 0] = fromList;
    return colorFromRgb(clamp(r, 0, 255), clamp(g, 0, 255), clamp(b, 0, 255));
  }
  const hex = c.hex === undefined ? undefined : parseHex(c.hex);
  if (hex) return colorFromRgb(...hex);
  const hue = c.hue ?? c.h;
  const saturation = c.saturation ?? c.s;
  if (hue !== undefined && saturation !== undefined) return colorFromRgb(...hueSaturationToRgb(hue, clamp(saturation, 0, 100)));
  return undefined;
}

/** A Philips Hue White and Color Ambiance bulb behind Z2M: applies `/set` payloads and reports its state JSON. */
export class HueBulb {
  state: "ON" | "OFF" = "OFF";
  brightness = 180;
  colorMode: "xy" | "color_temp" = "color_temp";
  colorTemp = 370;
  color: BulbColor = colorFromXy(0.4599, 0.4106);
  linkquality = 255;

  /** Applies a `/set` payload the way Z2M's light converters do; false when nothing in it applies. */
  apply(payload: string): boolean {
    const cmd = parseSet(payload);
    if (!cmd) return false;
    let applied = false;
    const state = cmd.state?.toUpperCase();
    if (state === "ON" || state === "OFF") {
      this.state = state;
      applied = true;
    } else if (state === "TOGGLE") {
      this.state = this.state === "ON" ? "OFF" : "ON";
      applied = true;
    }
    if (cmd.brightness !== undefined) {
      const level = clamp(Math.round(cmd.brightness), 0, 254);
      // Z2M: brightness 0 switches the bulb off; any other level without a state switches it on.
      if (level === 0) this.state = "OFF";
      else {
        this.brightness = level;
        if (state === undefined) this.state = "ON";
      }
      applied = true;
    }
    if (cmd.color_temp !== undefined) {
      const mireds = typeof cmd.color_temp === "number" ? cmd.color_temp : COLOR_TEMP_PRESETS[cmd.color_temp.toLowerCase()];
      if (mireds !== undefined) {
        this.colorTemp = clamp(Math.round(mireds), MIN_MIREDS, MAX_MIREDS);
        this.colorMode = "color_temp";
        applied = true;
      }
    }
    const color = cmd.color === undefined ? undefined : colorFromCommand(cmd.color);
    if (color) {
      this.color = color;
      this.colorMode = "xy";
      applied = true;
    }
    if (cmd.effect !== undefined) applied = true;
    return applied;
  }

  /** The state JSON Z2M publishes on `zigbee2mqtt/<name>` (keys sorted, as Z2M's stable stringify emits them). */
  encode(): string {
    const c = this.color;
    return JSON.stringify({
      brightness: this.brightness,
      color: { h: c.hue, hue: c.hue, s: c.saturation, saturation: c.saturation, x: c.x, y: c.y },
      color_mode: this.colorMode,
      color_temp: this.colorTemp,
      linkquality: this.linkquality,
      power_on_behavior: "previous",
      state: this.state,
      update: { installed_version: 16786434, latest_version: 16786434, state: "idle" },
    });
  }
}
