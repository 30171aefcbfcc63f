// GET /api/states — every entity's state object (HA-compatible)
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => {
  const scope = api.access(principal.user);
  const states = api.states.list();
  return scope.limited ? states.filter((s) => scope.seesEntity(s.entity_id)) : states;
});
