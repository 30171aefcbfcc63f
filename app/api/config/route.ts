// GET /api/config — HA-compatible configuration
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.haConfig());
