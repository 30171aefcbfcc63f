// GET /api/logbook — what happened in the home, in words, with the cause; one page (filters and paging in the query)
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  const q = req.nextUrl.searchParams;
  const get = (name: string) => q.get(name) ?? undefined;
  return api.logbook.entries({
    start_time: get("start_time"),
    end_time: get("end_time"),
    entity_id: get("entity_id"),
    device_id: get("device_id"),
    room_id: get("room_id"),
    order: get("order"),
    before: get("before"),
    after: get("after"),
    limit: get("limit"),
  });
});
