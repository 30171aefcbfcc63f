// GET /api/history/statistic-ids[?statistic_type=mean|sum] — the statistics there are (HA's recorder/list_statistic_ids)
import { HubError } from "@/server/errors";
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  const type = req.nextUrl.searchParams.get("statistic_type");
  if (type !== null && type !== "mean" && type !== "sum") throw new HubError("invalid_input", "statistic_type must be mean or sum");
  return api.history.statisticIds(type ?? undefined);
});
