// GET /api/devices/health — every device's health (offline, stale, low battery, weak link), problems first, and the counts; ?summary=1 only the counts
import { countProblems } from "@/devices/health/device-health";
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  if (req.nextUrl.searchParams.has("summary")) return { summary: api.deviceHealth.summary() };
  const devices = api.deviceHealth.list();
  return { summary: { ...countProblems(devices), checked_at: Date.now() }, devices };
});
