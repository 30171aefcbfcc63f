// GET/POST /api/onboarding — whether onboarding is needed; create the owner and name the home
import { NextResponse } from "next/server";
import { z } from "zod";
import { publicRoute, readJson } from "../../_lib/route";
import { setSessionCookie } from "../../_lib/session-cookie";

const body = z.object({
  name: z.string(),
  username: z.string(),
  password: z.string(),
  location_name: z.string(),
  time_zone: z.string(),
  unit_system: z.enum(["metric", "us_customary"]),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

export const GET = publicRoute(({ api }) => ({ done: !api.auth.needsOnboarding() }));

export const POST = publicRoute(async ({ api, req }) => {
  const input = await readJson(req, body);
  const grant = await api.auth.onboard(
    {
      name: input.name,
      username: input.username,
      password: input.password,
      locationName: input.location_name,
      timeZone: input.time_zone,
      unitSystem: input.unit_system,
      ...(input.latitude !== undefined ? { latitude: input.latitude } : {}),
      ...(input.longitude !== undefined ? { longitude: input.longitude } : {}),
    },
    req.headers.get("user-agent"),
  );
  const res = NextResponse.json({ user: grant.user }, { status: 201 });
  setSessionCookie(res, req, grant.sessionToken, grant.expiresAt);
  return res;
});
