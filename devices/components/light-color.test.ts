import { describe, expect, it } from "vitest";
import {
  colorHsToRgb,
  colorHsToXy,
  colorNameToRgb,
  colorRgbToHs,
  colorRgbToRgbw,
  colorRgbToRgbww,
  colorRgbToXy,
  colorRgbwToRgb,
  colorRgbwwToRgb,
  colorTemperatureKelvinToMired,
  colorTemperatureMiredToKelvin,
  colorTemperatureToHs,
  colorTemperatureToRgb,
  colorTemperatureToRgbww,
  colorXyToHs,
  colorXyToRgb,
  colorXyToTemperature,
} from "./light-color";

/** Reference values from homeassistant/util/color.py run under CPython (and HA's own tests). */
describe("HA colour conversions", () => {
  it.each<[string, () => unknown, unknown]>([
    ["rgb → hs", () => colorRgbToHs(10, 200, 30), [126.316, 95]],
    ["rgb → hs (grey has no hue)", () => colorRgbToHs(128, 128, 128), [0, 0]],
    ["hs → rgb", () => colorHsToRgb(30, 100), [255, 127, 0]],
    ["hs → rgb (hue 360 wraps)", () => colorHsToRgb(360, 100), [255, 0, 0]],
    ["rgb → xy", () => colorRgbToXy(255, 0, 0), [0.701, 0.299]],
    ["rgb → xy (black)", () => colorRgbToXy(0, 0, 0), [0, 0]],
    ["hs → xy", () => colorHsToXy(30, 100), [0.612, 0.374]],
    ["xy → rgb", () => colorXyToRgb(0.3, 0.3), [225, 228, 255]],
    ["xy → rgb (blue)", () => colorXyToRgb(0.1355, 0.0399), [0, 0, 255]],
    ["xy → hs", () => colorXyToHs(0.3, 0.3), [234, 11.765]],
    ["rgb → rgbw", () => colorRgbToRgbw(255, 127, 127), [255, 0, 0, 253]],
    ["rgb → rgbw (grey is all white)", () => colorRgbToRgbw(127, 127, 127), [0, 0, 0, 127]],
    ["rgbw → rgb", () => colorRgbwToRgb(255, 0, 0, 253), [255, 127, 127]],
    ["rgb → rgbww", () => colorRgbToRgbww(255, 128, 0, 2000, 6535), [255, 128, 0, 0, 0]],
    ["rgb → rgbww (white)", () => colorRgbToRgbww(255, 255, 255, 2000, 6535), [0, 76, 141, 255, 255]],
    ["rgbww → rgb (cold white)", () => colorRgbwwToRgb(0, 0, 0, 255, 0, 2000, 6535), [255, 255, 251]],
    ["rgbww → rgb", () => colorRgbwwToRgb(255, 0, 0, 0, 128, 2000, 6535), [255, 46, 5]],
    ["temperature → rgbww", () => colorTemperatureToRgbww(4000, 255, 2000, 6535), [0, 0, 0, 184, 71]],
    ["temperature → rgbww at half brightness", () => colorTemperatureToRgbww(2700, 128, 2000, 6535), [0, 0, 0, 48, 80]],
    ["temperature → rgb (clamped low)", () => colorTemperatureToRgb(500).map(Math.round), [255, 68, 0]],
    ["temperature → rgb at 6600 K", () => colorTemperatureToRgb(6600), [255, 255, 255]],
    ["temperature → hs", () => colorTemperatureToHs(4000), [26.812, 34.87]],
    ["xy → temperature (HA test)", () => colorXyToTemperature(0.5119, 0.4147), 2136],
    ["xy → temperature (HA test)", () => colorXyToTemperature(0.368, 0.3686), 4302],
    ["xy → temperature (HA test)", () => colorXyToTemperature(0.1, 0.8), 8645],
    ["mireds → kelvin floors", () => colorTemperatureMiredToKelvin(370), 2702],
    ["kelvin → mireds floors", () => colorTemperatureKelvinToMired(4000), 250],
    ["colour names ignore spaces and case", () => colorNameToRgb("Dark Sea Green"), [143, 188, 143]],
    ["unknown colour names", () => colorNameToRgb("octarine"), undefined],
  ])("%s", (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
