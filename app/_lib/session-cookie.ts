import type { NextRequest, NextResponse } from "next/server";

export const SESSION_COOKIE = "hearth_session";

/** HttpOnly and SameSite=Lax; Secure when the request came over HTTPS. */
export function setSessionCookie(res: NextResponse, req: NextRequest, token: string, expiresAt: number): void {
  res.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https",
    path: "/",
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(res: NextResponse): void {
  res.cookies.set(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 });
}
