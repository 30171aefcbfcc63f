// GET /api/mqtt/message?topic=<topic> — the last message seen on one topic, with its publisher; admins only
import { z } from "zod";
import { HubError, formatIssues } from "@/server/errors";
import { authedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const query = z.object({ topic: z.string().min(1).max(65_536) });

export const GET = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const parsed = query.safeParse({ topic: req.nextUrl.searchParams.get("topic") ?? undefined });
  if (!parsed.success) throw new HubError("invalid_input", formatIssues(parsed.error.issues));
  return api.mqtt.message(parsed.data.topic);
});
