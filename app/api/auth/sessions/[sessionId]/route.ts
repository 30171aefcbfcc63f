// DELETE /api/auth/sessions/:sessionId — end one of the signed-in person's sessions (this one too: then it is a logout)
import { NextResponse } from "next/server";
import { scopedRoute, errorResponse } from "../../../../_lib/route";
import { clearSessionCookie } from "../../../../_lib/session-cookie";

export const DELETE = scopedRoute<{ sessionId: string }>(({ api, params, principal }) => {
  const id = Number(params.sessionId);
  if (!Number.isSafeInteger(id)) return errorResponse("not_found", "no such session");
  const own = api.auth.sessions(principal).some((s) => s.id === id && s.current);
  api.auth.revokeSession(principal, id);
  const res = new NextResponse(null, { status: 204 });
  if (own) clearSessionCookie(res);
  return res;
});
