import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { HTTP_STATUS_BY_CODE, HubError, formatIssues, isHubError, type HubErrorCode } from "@/server/errors";
import type { HubApi, Principal } from "@/server/hub-api";
import { readLimitedText } from "@/server/http/body-limit";
import { isCrossSiteRequest } from "@/server/http/same-origin";
import { CLIENT_ADDRESS_HEADER } from "@/server/http/peer-address";
import { isLimited, LIMITED_MESSAGE } from "@/devices/auth/access";
import { hub } from "./hub";
import { SESSION_COOKIE } from "./session-cookie";

const MAX_BODY_BYTES = 64 * 1024;

export interface RouteContext<P> {
  api: HubApi;
  req: NextRequest;
  params: P;
  principal: Principal | undefined;
}

export interface AuthedRouteContext<P> extends RouteContext<P> {
  principal: Principal;
}

type Handler<C> = (ctx: C) => Promise<Response | object | undefined> | Response | object | undefined;

/** An error response in the contract's shape: {"error": {"code", "message"}}. */
export function errorResponse(code: HubErrorCode, message: string, status = HTTP_STATUS_BY_CODE[code], details?: Record<string, unknown>): NextResponse {
  return NextResponse.json({ error: { code, message, ...details } }, { status, headers: { "Cache-Control": "no-store" } });
}

/** Where the request came from, as the custom server resolved it: the TCP peer, or the client a trusted proxy names. */
export function requestClientAddress(headers: Headers): string | null {
  return headers.get(CLIENT_ADDRESS_HEADER) || null;
}

function principalOf(api: HubApi, req: NextRequest): Principal | undefined {
  const header = req.headers.get("authorization");
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const address = requestClientAddress(req.headers);
  if (header) return bearer ? api.auth.authenticate({ bearerToken: bearer, clientAddress: address }) : undefined;
  const cookie = req.cookies.get(SESSION_COOKIE)?.value;
  return cookie ? api.auth.authenticate({ sessionToken: cookie, clientAddress: address }) : undefined;
}

// A cookie rides along on cross-site requests; a state-changing one must come from our own origin.
function isCrossSite(req: NextRequest): boolean {
  return isCrossSiteRequest({
    method: req.method,
    scheme: req.nextUrl.protocol === "https:" ? "https" : "http",
    host: req.headers.get("host"),
    origin: req.headers.get("origin"),
    secFetchSite: req.headers.get("sec-fetch-site"),
    referer: req.headers.get("referer"),
  });
}

/** Who may call a route: anyone, anyone signed in with full access, or also a room-limited person (the route filters). */
type Audience = "public" | "full" | "limited";

function wrap<P, C extends RouteContext<P>>(audience: Audience, handler: Handler<C>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    let api: HubApi | undefined;
    try {
      api = await hub();
      const principal = principalOf(api, req);
      if (audience !== "public") {
        if (!principal) return errorResponse("unauthorized", "authentication required: a session cookie or a Bearer token");
        if (principal.via === "session" && isCrossSite(req)) return errorResponse("cross_origin", "cross-site request refused: a signed-in change must come from the hub's own pages (or use a Bearer token)");
        // Deny by default: only routes written to filter by rooms serve a room-limited person or a kiosk.
        if (audience === "full" && isLimited(principal.user)) return errorResponse("forbidden", LIMITED_MESSAGE);
      }
      const params = await context.params;
      const result = await handler({ api, req, params, principal } as C);
      if (result instanceof Response) return result;
      if (result === undefined) return new NextResponse(null, { status: 204 });
      return NextResponse.json(result, { headers: { "Cache-Control": "no-store" } });
    } catch (err) {
      if (isHubError(err)) return errorResponse(err.code, err.message, undefined, err.details);
      api?.logger.error({ err, method: req.method, path: req.nextUrl.pathname }, "route failed");
      return errorResponse("internal", "internal error");
    }
  };
}

/** A route that needs a signed-in person or a token with access to the whole home (not room-limited). */
export const authedRoute = <P = Record<string, never>>(handler: Handler<AuthedRouteContext<P>>) =>
  wrap<P, AuthedRouteContext<P>>("full", handler);

/**
 * A route a room-limited person or a kiosk may call too: it must answer only what `api.access(principal.user)`
 * lets them see (filter lists, 404 what is outside, pass the scope to services).
 */
export const scopedRoute = <P = Record<string, never>>(handler: Handler<AuthedRouteContext<P>>) =>
  wrap<P, AuthedRouteContext<P>>("limited", handler);

/** A route anyone may call (health, onboarding, login). */
export const publicRoute = <P = Record<string, never>>(handler: Handler<RouteContext<P>>) =>
  wrap<P, RouteContext<P>>("public", handler);

/** Reads a JSON body with a size limit and validates it; bad input is a 400/413 with a clear message. */
export async function readJson<T>(req: NextRequest, schema: z.ZodType<T>, maxBytes = MAX_BODY_BYTES): Promise<T> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new HubError("payload_too_large", `body is larger than ${maxBytes} bytes`);
  const text = await readLimitedText(req.body, maxBytes);
  let value: unknown;
  try {
    value = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new HubError("invalid_input", "body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HubError("invalid_input", formatIssues(parsed.error.issues));
  }
  return parsed.data;
}
