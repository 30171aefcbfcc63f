// Home Assistant's supported_features bit flags, per domain (homeassistant/components/<domain>/const.py).

export const LightFeature = { EFFECT: 4, FLASH: 8, TRANSITION: 32 } as const;
export const CoverFeature = { OPEN: 1, CLOSE: 2, SET_POSITION: 4, STOP: 8, OPEN_TILT: 16, CLOSE_TILT: 32, STOP_TILT: 64, SET_TILT_POSITION: 128 } as const;
export const ClimateFeature = {
  TARGET_TEMPERATURE: 1,
  TARGET_TEMPERATURE_RANGE: 2,
  TARGET_HUMIDITY: 4,
  FAN_MODE: 8,
  PRESET_MODE: 16,
  SWING_MODE: 32,
  TURN_OFF: 128,
  TURN_ON: 256,
} as const;
export const FanFeature = { SET_SPEED: 1, OSCILLATE: 2, DIRECTION: 4, PRESET_MODE: 8, TURN_OFF: 16, TURN_ON: 32 } as const;
export const LockFeature = { OPEN: 1 } as const;
export const ValveFeature = { OPEN: 1, CLOSE: 2, SET_POSITION: 4, STOP: 8 } as const;
export const SirenFeature = { TURN_ON: 1, TURN_OFF: 2, TONES: 4, VOLUME_SET: 8, DURATION: 16 } as const;
export const VacuumFeature = { PAUSE: 4, STOP: 8, RETURN_HOME: 16, FAN_SPEED: 32, BATTERY: 64, LOCATE: 512, CLEAN_SPOT: 1024, START: 8192 } as const;
export const HumidifierFeature = { MODES: 1 } as const;
export const WaterHeaterFeature = { TARGET_TEMPERATURE: 1, OPERATION_MODE: 2, AWAY_MODE: 4, ON_OFF: 8 } as const;
export const AlarmFeature = { ARM_HOME: 1, ARM_AWAY: 2, ARM_NIGHT: 4, TRIGGER: 8, ARM_CUSTOM_BYPASS: 16, ARM_VACATION: 32 } as const;
export const UpdateFeature = { INSTALL: 1, SPECIFIC_VERSION: 2, PROGRESS: 4, BACKUP: 8, RELEASE_NOTES: 16 } as const;

/** True when the entity's supported_features has `flag` set. */
export function supports(attributes: Readonly<Record<string, unknown>>, flag: number): boolean {
  const features = attributes.supported_features;
  return typeof features === "number" && (features & flag) === flag;
}

const BRIGHTNESS_MODES = new Set(["brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"]);
const COLOR_MODES = new Set(["hs", "xy", "rgb", "rgbw", "rgbww"]);

function colorModes(attributes: Readonly<Record<string, unknown>>): string[] {
  const modes = attributes.supported_color_modes;
  return Array.isArray(modes) ? modes.filter((m): m is string => typeof m === "string") : [];
}

/** What a light offers, from supported_color_modes and effect_list (HA's light model). */
export function lightCapabilities(attributes: Readonly<Record<string, unknown>>): { brightness: boolean; colorTemp: boolean; color: boolean; effects: string[] } {
  const modes = colorModes(attributes);
  const effects = Array.isArray(attributes.effect_list) ? attributes.effect_list.filter((e): e is string => typeof e === "string") : [];
  return {
    brightness: modes.some((m) => BRIGHTNESS_MODES.has(m)),
    colorTemp: modes.includes("color_temp"),
    color: modes.some((m) => COLOR_MODES.has(m)),
    effects,
  };
}
