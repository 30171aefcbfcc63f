/** A host as the pairing service lists it (see server/pairing/pairing-views.ts: PairingHostView). */
export interface LanHost {
  address: string;
  family: "ipv4" | "ipv6" | "name";
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

/**
 * The dashboard's LAN URL for the "Open on your phone" QR code: the host this page was opened at when a
 * phone can use it too (not loopback), otherwise the hub's first LAN address. Null when only loopback is known.
 */
export function dashboardUrl(opts: { requestHostname: string; hosts: readonly LanHost[]; http: { protocol: string; port: number } | undefined }): string | null {
  if (!opts.http) return null;
  const scheme = opts.http.protocol === "https" ? "https" : "http";
  const fromRequest = opts.requestHostname && !LOOPBACK.test(opts.requestHostname) ? opts.requestHostname : undefined;
  const lan = opts.hosts.find((h) => !LOOPBACK.test(h.address));
  const host = fromRequest ?? (lan ? (lan.family === "ipv6" ? `[${lan.address}]` : lan.address) : undefined);
  if (!host) return null;
  const defaultPort = (scheme === "http" && opts.http.port === 80) || (scheme === "https" && opts.http.port === 443);
  return `${scheme}://${host}${defaultPort ? "" : `:${opts.http.port}`}/`;
}
