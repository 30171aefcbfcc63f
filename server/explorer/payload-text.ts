import { isUtf8 } from "node:buffer";

/** A payload as JSON can carry it: UTF-8 text, or base64 when it is not text. */
export interface PayloadText {
  payload: string | null;
  payload_base64: string | null;
}

/**
 * `bytes` is a payload or its first part (`truncated`); a cut through a multi-byte character at the end does not
 * make it binary, so the incomplete character is left out of the text.
 */
export function payloadText(bytes: Uint8Array, truncated: boolean): PayloadText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = truncated ? buf.subarray(0, completeUtf8Length(buf)) : buf;
  if (isUtf8(text)) return { payload: text.toString("utf8"), payload_base64: null };
  return { payload: null, payload_base64: buf.toString("base64") };
}

/** The length of `buf` without a trailing incomplete UTF-8 sequence. */
function completeUtf8Length(buf: Buffer): number {
  let i = buf.length - 1;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character, at most 3.
  while (i >= 0 && i >= buf.length - 4 && ((buf[i] ?? 0) & 0xc0) === 0x80) i--;
  if (i < 0) return buf.length;
  const lead = buf[i] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > buf.length ? i : buf.length;
}
