// GET /api/config — HA-compatible configuration
import { scopedRoute } from "../../_lib/route";

export const GET = scopedRoute(({ api }) => api.haConfig());
