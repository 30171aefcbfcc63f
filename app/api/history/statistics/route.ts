// GET /api/history/statistics — long-term statistics in Home Assistant's recorder/statistics_during_period shape
import { errorResponse, scopedRoute } from "../../../_lib/route";

export const GET = scopedRoute(({ api, req, principal }) => {
  const q = req.nextUrl.searchParams;
  const ids = q.get("statistic_ids") ?? "";
  // A room-limited person: entity statistics (their ids are entity ids) of entities they see, nothing else.
  const scope = api.access(principal.user);
  const unseen = scope.limited ? ids.split(",").map((s) => s.trim()).find((id) => id && !scope.seesEntity(id)) : undefined;
  if (unseen !== undefined) return errorResponse("not_found", `Entity not found: ${unseen}`);
  return api.history.statistics({
    statistic_ids: ids,
    period: q.get("period") ?? "hour",
    start_time: q.get("start_time") ?? "",
    end_time: q.get("end_time") ?? undefined,
    types: q.get("types") ?? undefined,
  });
});
