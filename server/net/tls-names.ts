import net from "node:net";
import type os from "node:os";
import { HubError } from "../errors";
import { mdnsServices } from "../mdns/mdns-services";

/** The names a server certificate covers: DNS names and IP addresses, each list without duplicates. */
export interface CertificateNames {
  dns: string[];
  ips: string[];
}

export interface NameSources {
  /** os.hostname(): covered as is and as `<hostname>.local`. */
  hostname: string;
  /** os.networkInterfaces(): every non-internal address is covered. */
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  extraNames?: readonly string[];
  extraIps?: readonly string[];
}

/**
 * Every `.local` host name the hub advertises over mDNS, by service type (`https`, `hearth`, `mqtt`, `secure-mqtt`),
 * from the same table the advertiser uses with every listener on.
 */
export function mdnsHosts(): Array<{ type: string; host: string }> {
  const services = mdnsServices(
    { mdns: true, mqttUrl: undefined, mqttPort: 1883, tls: { port: 8883, certFile: "", keyFile: "" } },
    { version: "", hubId: "", httpPort: 443, mqttListeners: [] },
  );
  return services.map((s) => ({ type: s.type, host: `${s.hostname}.local` }));
}

// RFC 1123 host names (letters, digits, hyphens; labels ≤ 63), optionally one leading wildcard label (RFC 6125 §6.4.3).
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A DNS name as it goes into a certificate (lower case, no trailing dot), or a HubError naming the bad value. */
export function normalizeDnsName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, "");
  if (n.length === 0 || n.length > 253 || !DNS_NAME.test(n) || net.isIP(n) !== 0) {
    throw new HubError("invalid_input", `--name "${name}" is not a host name (use --ip for addresses)`);
  }
  return n;
}

/**
 * An IP address in the form the certificate library parses (RFC 5280 §4.2.1.6 stores 4 or 16 bytes): IPv6 without
 * a zone (`%eth0`), and an embedded IPv4 tail (`::ffff:192.0.2.1`) rewritten as two hex groups.
 */
export function normalizeIp(address: string): string {
  const a = address.trim().replace(/%.*$/, "");
  const family = net.isIP(a);
  if (family === 4) return a;
  if (family !== 6) throw new HubError("invalid_input", `--ip "${address}" is not an IPv4 or IPv6 address`);
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (!v4) return a.toLowerCase();
  const [b0, b1, b2, b3] = v4.slice(2).map(Number) as [number, number, number, number];
  return `${v4[1]}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`.toLowerCase();
}

/**
 * What the server certificate names: the mDNS names, the machine's host name (bare and `.local`), loopback, every
 * non-internal address of this machine, and the extras. Phones and devices check the name they dialled against
 * this list (RFC 6125), so a name missing here is a connection that fails.
 */
export function certificateNames(src: NameSources): CertificateNames {
  const dns = new Set<string>(mdnsHosts().map((h) => h.host));
  const host = src.hostname.trim().toLowerCase().replace(/\.$/, "");
  // A host name that is not a valid DNS name (spaces, underscores) cannot be dialled by name anyway.
  if (host && DNS_NAME.test(host)) {
    dns.add(host);
    if (!host.endsWith(".local")) {
      const label = host.split(".")[0];
      if (label) dns.add(`${label}.local`);
    }
  }
  dns.add("localhost");
  for (const n of src.extraNames ?? []) dns.add(normalizeDnsName(n));

  const ips = new Set<string>(["127.0.0.1", "::1"]);
  for (const infos of Object.values(src.interfaces)) {
    for (const info of infos ?? []) {
      if (!info.internal) ips.add(normalizeIp(info.address));
    }
  }
  for (const ip of src.extraIps ?? []) ips.add(normalizeIp(ip));
  return { dns: [...dns], ips: [...ips] };
}
