// Where a request comes from, and whether that is the home network: the reverse proxies whose X-Forwarded-For is
// believed (HEARTH_TRUSTED_PROXIES) and the address ranges that count as home (HEARTH_HOME_NETWORKS). Pure rules,
// no I/O; proxy-addr (Express's) walks the forwarded chain and matches ranges.
import proxyaddr from "proxy-addr";

/** Names for ranges, as proxy-addr defines them. */
export const RANGE_KEYWORDS = {
  loopback: "127.0.0.0/8 and ::1",
  linklocal: "169.254.0.0/16 and fe80::/10",
  uniquelocal: "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7",
} as const;

/** Only a proxy on this machine (Caddy or nginx in front of the hub) is believed unless told otherwise. */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = ["loopback"];
/** Loopback, the private ranges and link-local, IPv4 and IPv6. */
export const DEFAULT_HOME_NETWORKS: readonly string[] = ["loopback", "linklocal", "uniquelocal"];

/**
 * A comma- or space-separated list of addresses, CIDR ranges (`192.168.1.0/24`, `fd00::/8`, `10.0.0.0/255.0.0.0`)
 * and the names in RANGE_KEYWORDS; "none" is the empty list. Throws a message naming the entry that is wrong.
 */
export function parseAddressList(text: string): string[] {
  const entries = text
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 1 && entries[0] === "none") return [];
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry);
    } catch {
      throw new Error(`"${entry}" is not an address, a CIDR range or one of ${Object.keys(RANGE_KEYWORDS).join(", ")} (or "none" alone)`);
    }
  }
  return entries;
}

export interface NetworkTrustSettings {
  /** Peers whose X-Forwarded-For is believed (see parseAddressList). */
  trustedProxies: readonly string[];
  /** Ranges that count as the home network for "home network only" people and webhooks. */
  homeNetworks: readonly string[];
}

type Matcher = (address: string, hop: number) => boolean;

/** Brackets and an IPv6 zone (`fe80::1%eth0`) are not part of the address that ranges match. */
function bare(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  return zone >= 0 ? a.slice(0, zone) : a;
}

/** How the hub tells where a request comes from and whether that is home. */
export class NetworkTrust {
  readonly settings: NetworkTrustSettings;
  readonly #proxy: Matcher;
  readonly #home: Matcher;

  constructor(settings: NetworkTrustSettings = { trustedProxies: DEFAULT_TRUSTED_PROXIES, homeNetworks: DEFAULT_HOME_NETWORKS }) {
    this.settings = settings;
    this.#proxy = proxyaddr.compile([...settings.trustedProxies]);
    this.#home = proxyaddr.compile([...settings.homeNetworks]);
  }

  /**
   * The client's address: the TCP peer, or, when the peer is a trusted proxy, the X-Forwarded-For entries read
   * from the right, skipping trusted proxies, up to the first that is not one. A client can only prepend to the
   * header, so it cannot pose as another address; a forwarded header from an untrusted peer is ignored.
   */
  clientAddress(peer: string | null | undefined, forwardedFor: string | null | undefined): string | null {
    const p = peer?.trim();
    if (!p) return null;
    const request = { socket: { remoteAddress: bare(p) }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} };
    return proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], (address, hop) => this.#proxy(bare(address), hop));
  }

  /** Whether an address is on the home network. Anything that does not parse is not. */
  isHome(address: string | null | undefined): boolean {
    if (!address) return false;
    return this.#home(bare(address), 0);
  }
}
