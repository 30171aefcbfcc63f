// GET /api/health — hub health, no auth
import { publicRoute } from "../../_lib/route";

export const GET = publicRoute(({ api }) => api.health());
