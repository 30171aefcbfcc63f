/** How the page was reached: the host a phone or device on the same network should use too. */
export interface RequestHost {
  /** Host name or IP without port, e.g. 192.168.1.20 or [fe80::1]. */
  hostname: string;
}

/** Reads the host name from the request's Host header. */
export function requestHost(hostHeader: string | null): RequestHost {
  const host = hostHeader?.trim() || "localhost";
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? host);
  return { hostname: hostname || "localhost" };
}

/** A listener's URL as a device on the same network would type it. */
export function listenerUrl(listener: { protocol: string; port: number; path?: string | undefined }, host: RequestHost): string {
  return `${listener.protocol}://${host.hostname}:${listener.port}${listener.path ?? ""}`;
}
