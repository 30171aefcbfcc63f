// GET /api/logbook/<ISO start> — the logbook as Home Assistant's REST API answers it (oldest first, one array)
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute<{ datetime: string[] }>(({ api, req, params }) => {
  const q = req.nextUrl.searchParams;
  const get = (name: string) => q.get(name) ?? undefined;
  return api.logbook.ha({
    datetime: params.datetime.join("/"),
    period: get("period"),
    end_time: get("end_time"),
    entity: get("entity"),
    context_id: get("context_id"),
  });
});
