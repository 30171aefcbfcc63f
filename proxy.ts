import { NextResponse, type NextRequest } from "next/server";

/**
 * The pages' Content-Security-Policy with a fresh nonce per request (Next 16 guide "Content Security Policy",
 * "Adding a nonce with Proxy"): Next reads the nonce from the request's CSP header and puts it on its own
 * scripts, so only scripts this server rendered run. API answers get a stricter data-only policy from
 * server/http/http-server.ts.
 * - `'strict-dynamic'`: scripts loaded by a nonced script may load more (Next's chunks); hosts are ignored.
 * - `worker-src 'self'`: the service worker (public/sw.js); under 'strict-dynamic' script-src would refuse it.
 * - `style-src 'unsafe-inline'`: React renders `style` attributes, which a nonce cannot cover; injected
 *   styles cannot run code.
 * - `connect-src 'self'` covers fetches, server-sent events and same-origin ws:/wss: (CSP3 §6.7.2.10).
 * - no `upgrade-insecure-requests`: the hub is usually reached over plain HTTP on the LAN.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    // React's dev build uses eval for error overlays; never in production.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not the API (its own policy), Next's static files, or public/ assets (sw.js, icons, manifest).
      source: "/((?!api|_next/static|_next/image|icons/|sw\\.js|manifest\\.webmanifest|offline\\.html|favicon\\.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
