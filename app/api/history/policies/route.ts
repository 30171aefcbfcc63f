// GET /api/history/policies — every per-entity recording policy
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api }) => api.history.policies.list());
