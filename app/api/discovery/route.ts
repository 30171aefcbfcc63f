// GET /api/discovery — discovery counters and the latest rejected configs with their reasons
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.discovery.status());
