// GET /api/entities — every entity with its ids, device, availability and topics
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => {
  const scope = api.access(principal.user);
  const entities = api.entities.list();
  return scope.limited ? entities.filter((e) => scope.seesEntity(e.entity_id)) : entities;
});
