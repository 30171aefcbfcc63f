// GET /api/history/database[?fresh=1] — database size, table sizes, rows and bytes per entity, top writers, policies, recorder and purge state
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  const fresh = req.nextUrl.searchParams.get("fresh");
  return api.history.database({ fresh: fresh !== null && fresh !== "0" && fresh !== "false" });
});
