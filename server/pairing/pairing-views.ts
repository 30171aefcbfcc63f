import type { FirmwareSnippet, PairingKind } from "@/devices/onboarding/firmware-snippets";
import type { BridgeEvent } from "@/devices/onboarding/z2m-bridge";

/** One address a device on the LAN can reach the broker at. */
export interface PairingHostView {
  address: string;
  /** "eth0 (IPv4)", "mDNS name", ... */
  label: string;
  family: "ipv4" | "ipv6" | "name";
}

/** POST /api/pairing: a pairing session with fresh MQTT credentials; the password is shown once. */
export interface PairingStartView {
  session_id: string;
  kind: PairingKind;
  username: string;
  password: string;
  hosts: PairingHostView[];
  /** The MQTT TCP port; null when the TCP listener is off (HEARTH_MQTT_PORT=0). */
  port: number | null;
  tls_port: number | null;
  discovery_prefix: string;
  /** Zigbee2MQTT's base topic (kind zigbee2mqtt only). */
  base_topic: string | null;
  /** The name given in step 1 (the snippet's device topic comes from it). */
  name: string | null;
  /** The snippet for the first host. */
  snippet: FirmwareSnippet;
  expires_at: number;
}

/** How a found device was tied to the session's client. */
export type PairingMatch = "publisher" | "timing";

export interface PairingDeviceView {
  id: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  room_id: string | null;
  entity_count: number;
  /**
   * "publisher": the broker saw this session's username publish the device's discovery config.
   * "timing": the publisher is unknown (external broker, or config restored from the broker's store), but the
   * device appeared after the session's client connected.
   */
  match: PairingMatch;
  created_at: number;
}

/** GET /api/pairing/<id>: whether the client connected, and what it announced. */
export interface PairingStatusView {
  session_id: string;
  kind: PairingKind;
  username: string;
  state: "waiting" | "connected" | "found";
  /** A client with the session's username is connected now. */
  online: boolean;
  connected_at: number | null;
  devices: PairingDeviceView[];
  base_topic: string | null;
  expires_at: number;
  /** Changes whenever anything above changes: pass it back as `since` to wait for the next change. */
  version: string;
}

/** Long polling: answer at once if the status is no longer `since`, else when it changes or after `timeoutMs`. */
export interface PairingWait {
  since: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface BridgeEventView extends BridgeEvent {
  at: number;
}

/** GET /api/pairing/bridge/events: recent `<base>/bridge/event` messages, newest last. */
export interface BridgeEventsView {
  base_topic: string;
  /** Epoch ms until which joining was permitted by this hub; null when not asked or closed. */
  permit_join_until: number | null;
  events: BridgeEventView[];
}

/** The "Add device" wizard's part of HubApi (admins only, enforced by the routes). */
export interface PairingApi {
  /** Creates MQTT credentials `pair-<kind>-<id>` and a session that watches for them. */
  start(input: { kind: PairingKind; name?: string | undefined; base_topic?: string | undefined; preferred_host?: string | undefined }): Promise<PairingStartView>;
  status(sessionId: string, wait?: PairingWait): Promise<PairingStatusView>;
  /** Publishes Zigbee2MQTT's permit_join request for `seconds` (0 closes). */
  permitJoin(input: { base_topic: string; seconds: number }): Promise<BridgeEventsView>;
  bridgeEvents(baseTopic: string): Promise<BridgeEventsView>;
  /** The addresses a phone or device on the LAN can reach the hub at (also the dashboard's QR code). */
  hosts(): PairingHostView[];
}
