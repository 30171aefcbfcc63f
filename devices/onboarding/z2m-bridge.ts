/**
 * Zigbee2MQTT's bridge API, the two parts the pairing wizard uses: opening the network for joining and
 * reading `<base>/bridge/event` (zigbee2mqtt.io guide/usage/mqtt_topics_and_messages).
 */

/** Zigbee permits joining for at most 254 s per request (255 would mean "forever" in Zigbee). */
export const MAX_PERMIT_JOIN_SECONDS = 254;

export type BridgeEventType = "device_joined" | "device_interview" | "device_announce" | "device_leave";
export type InterviewStatus = "started" | "successful" | "failed";

export interface BridgeEvent {
  type: BridgeEventType;
  friendly_name: string;
  ieee_address: string;
  /** device_interview only. */
  status: InterviewStatus | null;
  supported: boolean | null;
  /** From a successful interview's definition. */
  vendor: string | null;
  model: string | null;
  description: string | null;
}

/** A base topic without wildcards, `$` start or leading/trailing `/`; null when unusable. */
export function parseBaseTopic(value: string): string | null {
  const base = value.trim();
  if (base.length === 0 || base.length > 128) return null;
  if (/[#+\u0000]/.test(base) || base.startsWith("/") || base.endsWith("/") || base.startsWith("$")) return null;
  return base;
}

export function permitJoinTopic(base: string): string {
  return `${base}/bridge/request/permit_join`;
}

export function bridgeEventTopic(base: string): string {
  return `${base}/bridge/event`;
}

/**
 * The permit_join request. Zigbee2MQTT 2.x reads `time` (0 closes) and ignores `value`; 1.x requires
 * `value` and reads `time` as the duration. Sending both works on either.
 */
export function permitJoinPayload(seconds: number): { value: boolean; time: number } {
  const time = Math.max(0, Math.min(MAX_PERMIT_JOIN_SECONDS, Math.round(Number.isFinite(seconds) ? seconds : 0)));
  return { value: time > 0, time };
}

const TYPES = new Set<string>(["device_joined", "device_interview", "device_announce", "device_leave"]);
const STATUSES = new Set<string>(["started", "successful", "failed"]);

const text = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v.slice(0, 200) : null);

/** One `<base>/bridge/event` payload; null for anything that is not a device event we show. */
export function parseBridgeEvent(payload: string): BridgeEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== "string" || !TYPES.has(type) || typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  const ieee = text(d.ieee_address);
  if (!ieee) return null;
  const definition = typeof d.definition === "object" && d.definition !== null ? (d.definition as Record<string, unknown>) : {};
  const status = typeof d.status === "string" && STATUSES.has(d.status) ? (d.status as InterviewStatus) : null;
  return {
    type: type as BridgeEventType,
    friendly_name: text(d.friendly_name) ?? ieee,
    ieee_address: ieee,
    status: type === "device_interview" ? status : null,
    supported: typeof d.supported === "boolean" ? d.supported : null,
    vendor: text(definition.vendor),
    model: text(definition.model),
    description: text(definition.description),
  };
}
