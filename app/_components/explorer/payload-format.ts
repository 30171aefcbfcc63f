import { formatBytes } from "../format";

/** What the API says about a payload: text, or base64 when it is not UTF-8. */
export interface PayloadLike {
  payload: string | null;
  payload_base64: string | null;
  size: number;
  truncated: boolean;
}

export type PayloadKind = "json" | "text" | "empty" | "binary";

/** A payload ready to show: JSON pretty-printed, text as is, binary as a hex dump of what was kept. */
export function formatPayload(p: PayloadLike): { kind: PayloadKind; text: string } {
  if (p.payload === null) return { kind: "binary", text: hexDump(p.payload_base64 ?? "") };
  if (p.size === 0) return { kind: "empty", text: "" };
  // A truncated payload is never whole JSON; show the text that was kept.
  const json = p.truncated ? undefined : parseJsonContainer(p.payload);
  return json === undefined ? { kind: "text", text: p.payload } : { kind: "json", text: JSON.stringify(json, null, 2) };
}

/** One line for lists: the start of the payload, "Empty", or "Binary, 12 B". */
export function payloadPreview(p: PayloadLike, max = 120): string {
  if (p.payload === null) return `Binary, ${formatBytes(p.size)}`;
  if (p.size === 0) return "Empty";
  const line = p.payload.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Objects and arrays only: "21.5" or "true" parse as JSON too, but read better as plain text. */
function parseJsonContainer(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const HEX_DUMP_BYTES = 512;

/** "0000  de ad be ef …  ....": 16 bytes a line, at most the first 512 (a phone need not render 16 KiB of hex). */
function hexDump(base64: string): string {
  let bytes: string;
  try {
    bytes = atob(base64);
  } catch {
    return "";
  }
  const lines: string[] = [];
  const end = Math.min(bytes.length, HEX_DUMP_BYTES);
  for (let offset = 0; offset < end; offset += 16) {
    const chunk = bytes.slice(offset, Math.min(offset + 16, end));
    const hex = [...chunk].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join(" ");
    const ascii = [...chunk].map((c) => (c >= " " && c <= "~" ? c : ".")).join("");
    lines.push(`${offset.toString(16).padStart(4, "0")}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > end) lines.push("…");
  return lines.join("\n");
}
