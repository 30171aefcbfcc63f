// GET /api/mqtt/topics?prefix=<level> — the explorer's topic tree, one level at a time ("" = the top); admins only
import { z } from "zod";
import { HubError, formatIssues } from "@/server/errors";
import { authedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const query = z.object({ prefix: z.string().max(65_536).default("") });

export const GET = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const parsed = query.safeParse({ prefix: req.nextUrl.searchParams.get("prefix") ?? undefined });
  if (!parsed.success) throw new HubError("invalid_input", formatIssues(parsed.error.issues));
  return api.mqtt.topics(parsed.data.prefix);
});
