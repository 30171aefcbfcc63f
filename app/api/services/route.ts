// GET /api/services — the services each domain offers (HA-compatible)
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api }) => api.services.list());
