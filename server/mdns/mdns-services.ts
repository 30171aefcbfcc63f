import type { Config } from "../config";

/** One DNS-SD service instance (RFC 6763 §4.1): `<name>._<type>._tcp.local` → SRV `<hostname>.local:<port>` + TXT. */
export interface MdnsServiceRecord {
  /** The service type without the underscore and protocol: `http`, `mqtt`, `hearth`. */
  type: string;
  /** The instance name a browser lists. */
  name: string;
  /** Host label without `.local`; ciao probes one host name per service as unique, so each service has its own. */
  hostname: string;
  port: number;
  txt: Record<string, string>;
}

/** The host label of the first service (the web UI): `hearth.local`, the name devices and people are told. */
export const MDNS_BASE_NAME = "hearth";
const INSTANCE_NAME = "Hearth";

export interface MdnsFacts {
  version: string;
  /** Stable across restarts (hub_settings `hub_id`), so a client recognises the hub after a rename. */
  hubId: string;
  /** The bound HTTP port (HEARTH_HTTP_PORT may be 0 in tests). */
  httpPort: number;
  /** The broker's bound listeners; ignored in external-broker mode. */
  mqttListeners: ReadonlyArray<{ protocol: string; port: number }>;
}

/**
 * What the hub advertises, from its configuration and bound ports. `[]` when HEARTH_MDNS is false.
 * External-broker mode advertises no MQTT: the broker is someone else's to announce.
 */
export function mdnsServices(config: Pick<Config, "mdns" | "mqttUrl" | "mqttPort" | "tls">, facts: MdnsFacts): MdnsServiceRecord[] {
  if (!config.mdns) return [];
  const embedded = config.mqttUrl === undefined;
  const tcp = embedded && config.mqttPort !== 0 ? (facts.mqttListeners.find((l) => l.protocol === "mqtt")?.port ?? config.mqttPort) : undefined;
  const tls = embedded && config.tls ? (facts.mqttListeners.find((l) => l.protocol === "mqtts")?.port ?? config.tls.port) : undefined;
  const web = config.tls ? "https" : "http";
  // RFC 6763 §6.4: short keys; `txtvers` first so the layout can change later.
  const hubTxt: Record<string, string> = { txtvers: "1", id: facts.hubId, version: facts.version, path: "/", scheme: web, port: String(facts.httpPort) };
  if (tcp !== undefined) hubTxt.mqtt = String(tcp);
  if (tls !== undefined) hubTxt.mqtts = String(tls);
  const services: MdnsServiceRecord[] = [
    // `path` is the key DNS-SD browsers read for _http._tcp (RFC 6763 §6 and the dns-sd.org service list).
    { type: web, name: INSTANCE_NAME, hostname: MDNS_BASE_NAME, port: facts.httpPort, txt: { path: "/" } },
    { type: "hearth", name: INSTANCE_NAME, hostname: `${MDNS_BASE_NAME}-hub`, port: facts.httpPort, txt: hubTxt },
  ];
  if (tcp !== undefined) services.push({ type: "mqtt", name: INSTANCE_NAME, hostname: `${MDNS_BASE_NAME}-mqtt`, port: tcp, txt: {} });
  if (tls !== undefined) services.push({ type: "secure-mqtt", name: INSTANCE_NAME, hostname: `${MDNS_BASE_NAME}-mqtts`, port: tls, txt: {} });
  return services;
}
