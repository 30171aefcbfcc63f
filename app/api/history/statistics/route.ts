// GET /api/history/statistics — long-term statistics in Home Assistant's recorder/statistics_during_period shape
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  const q = req.nextUrl.searchParams;
  return api.history.statistics({
    statistic_ids: q.get("statistic_ids") ?? "",
    period: q.get("period") ?? "hour",
    start_time: q.get("start_time") ?? "",
    end_time: q.get("end_time") ?? undefined,
    types: q.get("types") ?? undefined,
  });
});
