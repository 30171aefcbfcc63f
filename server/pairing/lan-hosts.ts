import os from "node:os";
import type { PairingHostView } from "./pairing-views";

export type InterfaceTable = ReturnType<typeof os.networkInterfaces>;

const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/**
 * The addresses a device on the LAN can use to reach the hub: each non-internal IPv4 address, then the
 * mDNS name the hub advertises (`hearth.local`, or `hearth-(2).local` after a conflict; absent while mDNS is off or not
 * yet announced), then each non-internal IPv6 address that is not link-local (fe80::/10 needs a zone id that
 * firmware cannot take). When the hub binds one address (HEARTH_HOST), only that one is reachable.
 */
export function lanHosts(opts: { bindHost: string; mdnsName: string | undefined; interfaces?: InterfaceTable }): PairingHostView[] {
  if (!WILDCARD.has(opts.bindHost)) {
    const v6 = opts.bindHost.includes(":");
    const local = opts.bindHost === "127.0.0.1" || opts.bindHost === "::1" || opts.bindHost === "localhost";
    return [{ address: opts.bindHost, label: local ? "This computer only" : "Hub address", family: v6 ? "ipv6" : "ipv4" }];
  }
  const table = opts.interfaces ?? safeInterfaces();
  const v4: PairingHostView[] = [];
  const v6: PairingHostView[] = [];
  for (const [name, addresses] of Object.entries(table)) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === "IPv4") v4.push({ address: a.address, label: `${name} (IPv4)`, family: "ipv4" });
      else if (a.family === "IPv6" && !/^fe[89ab]/i.test(a.address)) v6.push({ address: a.address, label: `${name} (IPv6)`, family: "ipv6" });
    }
  }
  const named: PairingHostView[] = opts.mdnsName ? [{ address: opts.mdnsName, label: "mDNS name", family: "name" }] : [];
  const hosts = [...v4, ...named, ...v6];
  return hosts.length > 0 ? hosts : [{ address: "127.0.0.1", label: "This computer only", family: "ipv4" }];
}

function safeInterfaces(): InterfaceTable {
  try {
    return os.networkInterfaces();
  } catch {
    // Some sandboxes refuse the syscall; the caller then offers loopback only.
    return {};
  }
}

/** Moves the host the browser used (when it is one of ours) to the front: it is known to work from the LAN. */
export function preferHost(hosts: PairingHostView[], preferred: string | undefined): PairingHostView[] {
  const want = preferred?.replace(/^\[|\]$/g, "").toLowerCase();
  const i = want ? hosts.findIndex((h) => h.address.toLowerCase() === want) : -1;
  if (i <= 0) return hosts;
  const chosen = hosts[i];
  return chosen ? [chosen, ...hosts.slice(0, i), ...hosts.slice(i + 1)] : hosts;
}
