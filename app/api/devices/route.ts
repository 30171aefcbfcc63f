// GET /api/devices — every device with its entities, triggers and availability
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.devices.list());
