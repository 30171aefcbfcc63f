// POST /api/auth/logout — end this session
import { NextResponse } from "next/server";
import { publicRoute } from "../../../_lib/route";
import { SESSION_COOKIE, clearSessionCookie } from "../../../_lib/session-cookie";

export const POST = publicRoute(({ api, req }) => {
  const token = req.cookies.get(SESSION_COOKIE)?.value;
  if (token) api.auth.logout(token);
  const res = new NextResponse(null, { status: 204 });
  clearSessionCookie(res);
  return res;
});
