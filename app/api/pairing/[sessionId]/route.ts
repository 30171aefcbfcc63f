// GET /api/pairing/<session id>[?since=<version>] — has the new client connected, and what has it announced.
// With `since`, waits (up to 25 s) until the status is no longer that version: the wizard follows it live.
import { requireAdmin } from "../../../_lib/roles";
import { authedRoute } from "../../../_lib/route";

const WAIT_MS = 25_000;

export const GET = authedRoute<{ sessionId: string }>(({ api, params, principal, req }) => {
  requireAdmin(principal);
  const since = req.nextUrl.searchParams.get("since");
  return api.pairing.status(params.sessionId, since ? { since, timeoutMs: WAIT_MS, signal: req.signal } : undefined);
});
