// GET /api/services — the services each domain offers (HA-compatible)
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => api.services.list(api.access(principal.user)));
