// GET /api/services — the services each domain offers (HA-compatible)
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.services.list());
