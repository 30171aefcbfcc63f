// GET /api/devices — every device with its entities, triggers and availability
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => {
  const scope = api.access(principal.user);
  const devices = api.devices.list();
  return scope.limited ? devices.filter((d) => scope.seesDevice(d.id)).map((d) => ({ ...d, entities: d.entities.filter((e) => scope.seesEntity(e.entity_id)) })) : devices;
});
