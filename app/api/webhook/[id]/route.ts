// POST/PUT/GET/HEAD /api/webhook/<webhook_id> — fires the automations with that webhook trigger (HA-compatible;
// no credentials, as in HA: the id is the secret; local_only rules answer only the home network; a body over 64 KiB is a 413)
import { NextResponse } from "next/server";
import { readLimitedText } from "@/server/http/body-limit";
import { publicRoute, requestClientAddress } from "../../../_lib/route";

const MAX_BYTES = 64 * 1024;

const handler = publicRoute<{ id: string }>(async ({ api, req, params }) => {
  const text = req.method === "GET" || req.method === "HEAD" ? "" : await readLimitedText(req.body, MAX_BYTES);
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  // The client as the people's home-network check sees it (a trusted proxy may name it; HEARTH_HOME_NETWORKS).
  const local = api.auth.isHomeNetwork(requestClientAddress(req.headers));
  api.automations.webhook(params.id, { method: req.method, body: text, json, query: Object.fromEntries(req.nextUrl.searchParams), local });
  // HA answers 200 whether or not a rule took it (an id must not be probed).
  return new NextResponse(null, { status: 200 });
});

export { handler as GET, handler as HEAD, handler as POST, handler as PUT };
