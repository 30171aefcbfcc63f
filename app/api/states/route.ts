// GET /api/states — every entity's state object (HA-compatible)
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.states.list());
