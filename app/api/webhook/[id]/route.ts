// POST/PUT/GET/HEAD /api/webhook/<webhook_id> — fires the automations with that webhook trigger (HA-compatible;
// no credentials, as in HA: the id is the secret; local_only rules answer only the home network; a body over 64 KiB is a 413)
import { isIP } from "node:net";
import { NextResponse } from "next/server";
import { readLimitedText } from "@/server/http/body-limit";
import { publicRoute } from "../../../_lib/route";

const MAX_BYTES = 64 * 1024;

function isLocal(address: string | null): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, "");
  if (isIP(a) === 4) return /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  return a === "::1" || /^f[cd]/i.test(a) || /^fe80:/i.test(a);
}

const handler = publicRoute<{ id: string }>(async ({ api, req, params }) => {
  const text = req.method === "GET" || req.method === "HEAD" ? "" : await readLimitedText(req.body, MAX_BYTES);
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  // Behind no proxy the hub sees the peer itself; x-forwarded-for is not trusted for "local".
  const peer = req.headers.get("x-hearth-peer-address");
  api.automations.webhook(params.id, { method: req.method, body: text, json, query: Object.fromEntries(req.nextUrl.searchParams), local: isLocal(peer) });
  // HA answers 200 whether or not a rule took it (an id must not be probed).
  return new NextResponse(null, { status: 200 });
});

export { handler as GET, handler as HEAD, handler as POST, handler as PUT };
