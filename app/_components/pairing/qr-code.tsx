import { encode } from "uqr";
import "./pairing.css";

/** The most a QR code here carries; longer text would make modules too small for a phone camera. */
export const MAX_QR_BYTES = 900;

/**
 * A QR code as inline SVG, drawn from uqr's module matrix (no canvas, no innerHTML), so it renders on the
 * server and in the browser alike. Dark modules on a white quiet zone in both colour schemes: scanners
 * need the contrast.
 */
export function QrCode({ value, label, size = 200 }: { value: string; label: string; size?: number }) {
  if (new TextEncoder().encode(value).length > MAX_QR_BYTES) return null;
  let modules: boolean[][];
  try {
    modules = encode(value, { ecc: "M", border: 2 }).data;
  } catch {
    return null;
  }
  const n = modules.length;
  let path = "";
  modules.forEach((row, y) => {
    let x = 0;
    while (x < n) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && row[x]) x++;
      path += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return (
    <svg className="qr" role="img" aria-label={label} viewBox={`0 0 ${n} ${n}`} width={size} height={size} shapeRendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
