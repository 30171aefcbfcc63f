/** What the cross-site check needs from a request (header names lower-case, as node gives them). */
export interface OriginCheckInput {
  method: string;
  /** The request's scheme as this server received it: "http" or "https". */
  scheme: string;
  host: string | null | undefined;
  origin: string | null | undefined;
  secFetchSite: string | null | undefined;
  referer: string | null | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** "host:port" with the scheme's default port made explicit, so `hearth.local` and `hearth.local:80` compare equal. */
function hostWithPort(host: string, scheme: string): string {
  const h = host.trim().toLowerCase();
  if (/:\d+$/.test(h) && !/^\[[^\]]*\]$/.test(h)) return h;
  return `${h}:${scheme === "https" ? 443 : 80}`;
}

/** True when `url` (an Origin or Referer) names the same scheme, host and port this request was sent to. */
function sameOrigin(url: string, scheme: string, host: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const urlScheme = parsed.protocol.replace(/:$/, "");
  if (urlScheme !== scheme) return false;
  return hostWithPort(parsed.host, urlScheme) === hostWithPort(host, scheme);
}

/**
 * Whether a state-changing request must be refused as cross-site (CSRF). A browser sends `Origin` on every
 * non-GET fetch and form post; older ones may only send `Sec-Fetch-Site` or `Referer`. With none of them the
 * request did not come from a browser page (a script or tool) and is let through: the cookie is the guard then.
 * The Host header is compared as sent: the hub is reached by IP, `hearth.local` or localhost alike, so there
 * is no list of allowed names to keep in step (https://owasp.org/www-community/attacks/csrf, Fetch §3.1 `Origin`).
 */
export function isCrossSiteRequest(r: OriginCheckInput): boolean {
  if (SAFE_METHODS.has(r.method.toUpperCase())) return false;
  if (!r.host) return true;
  if (r.origin) return r.origin === "null" || !sameOrigin(r.origin, r.scheme, r.host);
  if (r.secFetchSite) return r.secFetchSite !== "same-origin" && r.secFetchSite !== "none";
  if (r.referer) return !sameOrigin(r.referer, r.scheme, r.host);
  return false;
}
