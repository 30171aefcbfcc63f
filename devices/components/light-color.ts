import { pyRoundTo } from "./mqtt-payload";

/**
 * Home Assistant's colour conversions (homeassistant/util/color.py and Python's colorsys), with
 * its rounding, so that converted service data and derived attributes match HA to the digit.
 */

export type RGB = [number, number, number];
export type RGBW = [number, number, number, number];
export type RGBWW = [number, number, number, number, number];
export type HS = [number, number];
export type XY = [number, number];

/** Python's % for floats: the result takes the divisor's sign. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** colorsys.rgb_to_hsv (components 0..1). */
function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  if (minc === maxc) return [0, 0, maxc];
  const rangec = maxc - minc;
  const s = rangec / maxc;
  const rc = (maxc - r) / rangec;
  const gc = (maxc - g) / rangec;
  const bc = (maxc - b) / rangec;
  let h: number;
  if (r === maxc) h = bc - gc;
  else if (g === maxc) h = 2.0 + rc - bc;
  else h = 4.0 + gc - rc;
  return [pyMod(h / 6.0, 1.0), s, maxc];
}

/** colorsys.hsv_to_rgb (components 0..1). */
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  let i = Math.trunc(h * 6.0);
  const f = h * 6.0 - i;
  const p = v * (1.0 - s);
  const q = v * (1.0 - s * f);
  const t = v * (1.0 - s * (1.0 - f));
  i = pyMod(i, 6);
  switch (i) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** color_RGB_to_hsv: hue 0-360, saturation and value 0-100, rounded to 3 places. */
export function colorRgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const [h, s, v] = rgbToHsv(r / 255, g / 255, b / 255);
  return [pyRoundTo(h * 360, 3), pyRoundTo(s * 100, 3), pyRoundTo(v * 100, 3)];
}

export function colorRgbToHs(r: number, g: number, b: number): HS {
  const [h, s] = colorRgbToHsv(r, g, b);
  return [h, s];
}

export function colorHsvToRgb(h: number, s: number, v: number): RGB {
  const [r, g, b] = hsvToRgb(h / 360, s / 100, v / 100);
  return [Math.trunc(r * 255), Math.trunc(g * 255), Math.trunc(b * 255)];
}

export function colorHsToRgb(h: number, s: number): RGB {
  return colorHsvToRgb(h, s, 100);
}

/** color_RGB_to_xy (Philips Hue's wide-gamut D65 formula), rounded to 3 places. */
export function colorRgbToXy(ir: number, ig: number, ib: number): XY {
  if (ir + ig + ib === 0) return [0, 0];
  const gamma = (c: number) => (c > 0.04045 ? ((c + 0.055) / (1.0 + 0.055)) ** 2.4 : c / 12.92);
  const r = gamma(ir / 255);
  const g = gamma(ig / 255);
  const b = gamma(ib / 255);
  const X = r * 0.664511 + g * 0.154324 + b * 0.162028;
  const Y = r * 0.283881 + g * 0.668433 + b * 0.047685;
  const Z = r * 0.000088 + g * 0.07231 + b * 0.986039;
  const x = X / (X + Y + Z);
  const y = Y / (X + Y + Z);
  return [pyRoundTo(x, 3), pyRoundTo(y, 3)];
}

/** color_xy_brightness_to_RGB with full brightness (color_xy_to_RGB). */
export function colorXyToRgb(vx: number, vy0: number): RGB {
  const Y = 1.0;
  const vy = vy0 === 0 ? vy0 + 0.00000000001 : vy0;
  const X = (Y / vy) * vx;
  const Z = (Y / vy) * (1 - vx - vy);
  let r = X * 1.656492 - Y * 0.354851 - Z * 0.255038;
  let g = -X * 0.707196 + Y * 1.655397 + Z * 0.036152;
  let b = X * 0.051713 - Y * 0.121364 + Z * 1.01153;
  const reverseGamma = (c: number) => (c <= 0.0031308 ? 12.92 * c : (1.0 + 0.055) * c ** (1.0 / 2.4) - 0.055);
  [r, g, b] = [reverseGamma(r), reverseGamma(g), reverseGamma(b)].map((c) => Math.max(0, c)) as RGB;
  const maxComponent = Math.max(r, g, b);
  if (maxComponent > 1) [r, g, b] = [r / maxComponent, g / maxComponent, b / maxComponent];
  return [Math.trunc(r * 255), Math.trunc(g * 255), Math.trunc(b * 255)];
}

export function colorXyToHs(x: number, y: number): HS {
  const [h, s] = colorRgbToHsv(...colorXyToRgb(x, y));
  return [h, s];
}

export function colorHsToXy(h: number, s: number): XY {
  return colorRgbToXy(...colorHsToRgb(h, s));
}

/** match_max_scale: scale `output` so its maximum equals the maximum of `input`. */
function matchMaxScale(input: readonly number[], output: readonly number[]): number[] {
  const maxIn = Math.max(...input);
  const maxOut = Math.max(...output);
  const factor = maxOut === 0 ? 0 : maxIn / maxOut;
  return output.map((v) => pyRoundTo(v * factor, 0));
}

export function colorRgbToRgbw(r: number, g: number, b: number): RGBW {
  const w = Math.min(r, g, b);
  return matchMaxScale([r, g, b], [r - w, g - w, b - w, w]) as RGBW;
}

export function colorRgbwToRgb(r: number, g: number, b: number, w: number): RGB {
  return matchMaxScale([r, g, b, w], [r + w, g + w, b + w]) as RGB;
}

export function colorRgbToRgbww(r: number, g: number, b: number, minKelvin: number, maxKelvin: number): RGBWW {
  const maxMireds = colorTemperatureKelvinToMired(minKelvin);
  const minMireds = colorTemperatureKelvinToMired(maxKelvin);
  const miredMidpoint = minMireds + (maxMireds - minMireds) / 2;
  const [wr, wg, wb] = colorTemperatureToRgb(colorTemperatureMiredToKelvin(miredMidpoint));
  const whiteLevel = Math.min(wr ? r / wr : 0, wg ? g / wg : 0, wb ? b / wb : 0);
  const rgb = [r - wr * whiteLevel, g - wg * whiteLevel, b - wb * whiteLevel];
  const white = pyRoundTo(whiteLevel * 255, 0);
  return matchMaxScale([r, g, b], [...rgb, white, white]) as RGBWW;
}

export function colorRgbwwToRgb(r: number, g: number, b: number, cw: number, ww: number, minKelvin: number, maxKelvin: number): RGB {
  const maxMireds = colorTemperatureKelvinToMired(minKelvin);
  const minMireds = colorTemperatureKelvinToMired(maxKelvin);
  const ctRatio = cw + ww === 0 ? 0.5 : ww / (cw + ww);
  const miredTemp = minMireds + ctRatio * (maxMireds - minMireds);
  const kelvin = miredTemp ? colorTemperatureMiredToKelvin(miredTemp) : 0;
  const [wr, wg, wb] = colorTemperatureToRgb(kelvin);
  const whiteLevel = Math.max(cw, ww) / 255;
  return matchMaxScale([r, g, b, cw, ww], [r + wr * whiteLevel, g + wg * whiteLevel, b + wb * whiteLevel]) as RGB;
}

function clamp(value: number, min = 0, max = 255): number {
  return Math.min(Math.max(value, min), max);
}

/** color_temperature_to_rgb (Tanner Helland's approximation). */
export function colorTemperatureToRgb(kelvin: number): RGB {
  const t = clamp(kelvin, 1000, 40000) / 100.0;
  const red = t <= 66 ? 255 : clamp(329.698727446 * (t - 60) ** -0.1332047592);
  const green = t <= 66 ? clamp(99.4708025861 * Math.log(t) - 161.1195681661) : clamp(288.1221695283 * (t - 60) ** -0.0755148492);
  const blue = t >= 66 ? 255 : t <= 19 ? 0 : clamp(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  return [red, green, blue];
}

export function colorTemperatureToHs(kelvin: number): HS {
  return colorRgbToHs(...colorTemperatureToRgb(kelvin));
}

/** color_temperature_to_rgbww: a white-only rgbww for a temperature at a brightness. */
export function colorTemperatureToRgbww(kelvin: number, brightness: number, minKelvin: number, maxKelvin: number): RGBWW {
  const maxMireds = colorTemperatureKelvinToMired(minKelvin);
  const minMireds = colorTemperatureKelvinToMired(maxKelvin);
  const mired = colorTemperatureKelvinToMired(kelvin);
  const cold = ((maxMireds - mired) / (maxMireds - minMireds)) * brightness;
  const warm = brightness - cold;
  return [0, 0, 0, pyRoundTo(cold, 0), pyRoundTo(warm, 0)];
}

/** McCamy's approximation (color_xy_to_temperature). */
export function colorXyToTemperature(x: number, y: number): number {
  const n = (x - 0.332) / (0.1858 - y);
  return Math.trunc(437 * n ** 3 + 3601 * n ** 2 + 6861 * n + 5517);
}

export function colorTemperatureMiredToKelvin(mired: number): number {
  return Math.floor(1000000 / mired);
}

export function colorTemperatureKelvinToMired(kelvin: number): number {
  return Math.floor(1000000 / kelvin);
}

/** CSS3 colour names (HA's COLORS table), looked up without spaces and case-insensitively. */
const COLOR_NAMES: Readonly<Record<string, string>> = {
  aliceblue: "f0f8ff", antiquewhite: "faebd7", aqua: "00ffff", aquamarine: "7fffd4", azure: "f0ffff", beige: "f5f5dc",
  bisque: "ffe4c4", black: "000000", blanchedalmond: "ffebcd", blue: "0000ff", blueviolet: "8a2be2", brown: "a52a2a",
  burlywood: "deb887", cadetblue: "5f9ea0", chartreuse: "7fff00", chocolate: "d2691e", coral: "ff7f50",
  cornflowerblue: "6495ed", cornsilk: "fff8dc", crimson: "dc143c", cyan: "00ffff", darkblue: "00008b", darkcyan: "008b8b",
  darkgoldenrod: "b8860b", darkgray: "a9a9a9", darkgreen: "006400", darkgrey: "a9a9a9", darkkhaki: "bdb76b",
  darkmagenta: "8b008b", darkolivegreen: "556b2f", darkorange: "ff8c00", darkorchid: "9932cc", darkred: "8b0000",
  darksalmon: "e9967a", darkseagreen: "8fbc8f", darkslateblue: "483d8b", darkslategray: "2f4f4f", darkslategrey: "2f4f4f",
  darkturquoise: "00ced1", darkviolet: "9400d3", deeppink: "ff1493", deepskyblue: "00bfff", dimgray: "696969",
  dimgrey: "696969", dodgerblue: "1e90ff", firebrick: "b22222", floralwhite: "fffaf0", forestgreen: "228b22",
  fuchsia: "ff00ff", gainsboro: "dcdcdc", ghostwhite: "f8f8ff", gold: "ffd700", goldenrod: "daa520", gray: "808080",
  green: "008000", greenyellow: "adff2f", grey: "808080", honeydew: "f0fff0", hotpink: "ff69b4", indianred: "cd5c5c",
  indigo: "4b0082", ivory: "fffff0", khaki: "f0e68c", lavender: "e6e6fa", lavenderblush: "fff0f5", lawngreen: "7cfc00",
  lemonchiffon: "fffacd", lightblue: "add8e6", lightcoral: "f08080", lightcyan: "e0ffff", lightgoldenrodyellow: "fafad2",
  lightgray: "d3d3d3", lightgreen: "90ee90", lightgrey: "d3d3d3", lightpink: "ffb6c1", lightsalmon: "ffa07a",
  lightseagreen: "20b2aa", lightskyblue: "87cefa", lightslategray: "778899", lightslategrey: "778899",
  lightsteelblue: "b0c4de", lightyellow: "ffffe0", lime: "00ff00", limegreen: "32cd32", linen: "faf0e6", magenta: "ff00ff",
  maroon: "800000", mediumaquamarine: "66cdaa", mediumblue: "0000cd", mediumorchid: "ba55d3", mediumpurple: "9370db",
  mediumseagreen: "3cb371", mediumslateblue: "7b68ee", mediumspringgreen: "00fa9a", mediumturquoise: "48d1cc",
  mediumvioletred: "c71585", midnightblue: "191970", mintcream: "f5fffa", mistyrose: "ffe4e1", moccasin: "ffe4b5",
  navajowhite: "ffdead", navy: "000080", navyblue: "000080", oldlace: "fdf5e6", olive: "808000", olivedrab: "6b8e23",
  orange: "ffa500", orangered: "ff4500", orchid: "da70d6", palegoldenrod: "eee8aa", palegreen: "98fb98",
  paleturquoise: "afeeee", palevioletred: "db7093", papayawhip: "ffefd5", peachpuff: "ffdab9", peru: "cd853f",
  pink: "ffc0cb", plum: "dda0dd", powderblue: "b0e0e6", purple: "800080", red: "ff0000", rosybrown: "bc8f8f",
  royalblue: "4169e1", saddlebrown: "8b4513", salmon: "fa8072", sandybrown: "f4a460", seagreen: "2e8b57",
  seashell: "fff5ee", sienna: "a0522d", silver: "c0c0c0", skyblue: "87ceeb", slateblue: "6a5acd", slategray: "708090",
  slategrey: "708090", snow: "fffafa", springgreen: "00ff7f", steelblue: "4682b4", tan: "d2b48c", teal: "008080",
  thistle: "d8bfd8", tomato: "ff6347", turquoise: "40e0d0", violet: "ee82ee", wheat: "f5deb3", white: "ffffff",
  whitesmoke: "f5f5f5", yellow: "ffff00", yellowgreen: "9acd32", homeassistant: "03a9f4",
};

/** color_name_to_rgb; undefined for an unknown name. */
export function colorNameToRgb(name: string): RGB | undefined {
  const hex = COLOR_NAMES[name.replace(/ /g, "").toLowerCase()];
  if (hex === undefined) return undefined;
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
}
