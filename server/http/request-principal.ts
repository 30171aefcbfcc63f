import type { IncomingMessage } from "node:http";
import type { Principal } from "../hub-api";
import { clientAddressOf } from "./peer-address";

/** The session cookie's name (app/_lib/session-cookie.ts sets it). */
const SESSION_COOKIE = "hearth_session";

export type Authenticate = (credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined; clientAddress?: string | null | undefined }) => Principal | undefined;

/**
 * The person behind a request the hub serves itself (not through Next), like app/_lib/route.ts: an Authorization
 * header means a bearer token and nothing else; else the session cookie. The client's address goes along, so a
 * home-network-only person's credentials do nothing from outside here either.
 */
export function requestPrincipal(req: IncomingMessage, authenticate: Authenticate): Principal | undefined {
  const address = clientAddressOf(req);
  const header = req.headers.authorization;
  if (header) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    return bearer ? authenticate({ bearerToken: bearer, clientAddress: address }) : undefined;
  }
  const sessionToken = readCookie(req.headers.cookie, SESSION_COOKIE);
  return sessionToken ? authenticate({ sessionToken, clientAddress: address }) : undefined;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
