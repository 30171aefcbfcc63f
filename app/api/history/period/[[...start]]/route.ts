// GET /api/history/period[/<ISO start>] — recorded history, as Home Assistant answers it
import { authedRoute } from "../../../../_lib/route";

export const GET = authedRoute<{ start?: string[] }>(async ({ api, req, params }) => {
  const q = req.nextUrl.searchParams;
  const flag = (name: string) => q.has(name);
  const body = await api.history.periodJson({
    start: params.start?.join("/"),
    end_time: q.get("end_time") ?? undefined,
    filter_entity_id: q.get("filter_entity_id") ?? undefined,
    minimal_response: flag("minimal_response"),
    no_attributes: flag("no_attributes"),
    skip_initial_state: flag("skip_initial_state"),
    significant_changes_only: q.get("significant_changes_only") ?? undefined,
  });
  return new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
});
