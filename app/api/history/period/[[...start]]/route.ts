// GET /api/history/period[/<ISO start>] — recorded history, as Home Assistant answers it
import { errorResponse, scopedRoute } from "../../../../_lib/route";

export const GET = scopedRoute<{ start?: string[] }>(async ({ api, req, params, principal }) => {
  const q = req.nextUrl.searchParams;
  // A room-limited person: only entities they see, named or (without a filter) all of theirs.
  const scope = api.access(principal.user);
  let filter = q.get("filter_entity_id") ?? undefined;
  if (scope.limited) {
    const asked = filter?.split(",").map((s) => s.trim()).filter(Boolean);
    const unseen = asked?.find((id) => !scope.seesEntity(id));
    if (unseen !== undefined) return errorResponse("not_found", `Entity not found: ${unseen}`);
    const ids = asked ?? api.states.list().map((s) => s.entity_id).filter((id) => scope.seesEntity(id));
    if (ids.length === 0) return [];
    filter = ids.join(",");
  }
  const flag = (name: string) => q.has(name);
  const body = await api.history.periodJson({
    start: params.start?.join("/"),
    end_time: q.get("end_time") ?? undefined,
    filter_entity_id: filter,
    minimal_response: flag("minimal_response"),
    no_attributes: flag("no_attributes"),
    skip_initial_state: flag("skip_initial_state"),
    significant_changes_only: q.get("significant_changes_only") ?? undefined,
  });
  return new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
});
