// POST /api/auth/login — check username and password, set the session cookie
import { NextResponse } from "next/server";
import { z } from "zod";
import { publicRoute, readJson, requestClientAddress } from "../../../_lib/route";
import { setSessionCookie } from "../../../_lib/session-cookie";

const body = z.object({ username: z.string().max(200), password: z.string().max(1024) });

export const POST = publicRoute(async ({ api, req }) => {
  const { username, password } = await readJson(req, body);
  const grant = await api.auth.login(username, password, req.headers.get("user-agent"), requestClientAddress(req.headers));
  const res = NextResponse.json({ user: grant.user });
  setSessionCookie(res, req, grant.sessionToken, grant.expiresAt);
  return res;
});
