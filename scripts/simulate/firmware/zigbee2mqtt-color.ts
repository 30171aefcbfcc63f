import { round } from "../noise";

/** CIE xy plus the hue/saturation a Hue bulb reports alongside it (Z2M state `color`). */
export interface BulbColor {
  x: number;
  y: number;
  hue: number;
  saturation: number;
}

const toLinear = (c: number): number => (c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92);
const toGamma = (c: number): number => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** sRGB 0-255 → CIE xy (sRGB/D65 matrix, as Z2M's converters use). */
export function rgbToXy(r: number, g: number, b: number): { x: number; y: number } {
  const [lr, lg, lb] = [toLinear(r / 255), toLinear(g / 255), toLinear(b / 255)];
  const X = lr * 0.4124 + lg * 0.3576 + lb * 0.1805;
  const Y = lr * 0.2126 + lg * 0.7152 + lb * 0.0722;
  const Z = lr * 0.0193 + lg * 0.1192 + lb * 0.9505;
  const sum = X + Y + Z;
  if (sum === 0) return { x: 0.3127, y: 0.329 };
  return { x: round(X / sum, 4), y: round(Y / sum, 4) };
}

/** CIE xy (full brightness) → hue in degrees and saturation in percent. */
export function xyToHueSaturation(x: number, y: number): { hue: number; saturation: number } {
  const Y = 1;
  const X = y === 0 ? 0 : (Y / y) * x;
  const Z = y === 0 ? 0 : (Y / y) * (1 - x - y);
  let r = X * 3.2406 - Y * 1.5372 - Z * 0.4986;
  let g = -X * 0.9689 + Y * 1.8758 + Z * 0.0415;
  let b = X * 0.0557 - Y * 0.204 + Z * 1.057;
  const max = Math.max(r, g, b, 1e-9);
  [r, g, b] = [Math.max(0, r / max), Math.max(0, g / max), Math.max(0, b / max)].map(toGamma) as [number, number, number];
  const hi = Math.max(r, g, b);
  const lo = Math.min(r, g, b);
  const delta = hi - lo;
  let hue = 0;
  if (delta > 0) {
    if (hi === r) hue = 60 * (((g - b) / delta) % 6);
    else if (hi === g) hue = 60 * ((b - r) / delta + 2);
    else hue = 60 * ((r - g) / delta + 4);
  }
  if (hue < 0) hue += 360;
  return { hue: Math.round(hue), saturation: Math.round(hi === 0 ? 0 : (delta / hi) * 100) };
}

/** HSV (value 1) → sRGB 0-255. */
export function hueSaturationToRgb(hue: number, saturation: number): [number, number, number] {
  const s = saturation / 100;
  const c = s;
  const h = (((hue % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = 1 - c;
  const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function colorFromXy(x: number, y: number): BulbColor {
  return { x: round(x, 4), y: round(y, 4), ...xyToHueSaturation(x, y) };
}

export function colorFromRgb(r: number, g: number, b: number): BulbColor {
  const { x, y } = rgbToXy(r, g, b);
  return colorFromXy(x, y);
}

/** "#ff8800" or "ff8800" → rgb; undefined when malformed. */
export function parseHex(hex: string): [number, number, number] | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return undefined;
  return [Number.parseInt(m[1] ?? "0", 16), Number.parseInt(m[2] ?? "0", 16), Number.parseInt(m[3] ?? "0", 16)];
}
