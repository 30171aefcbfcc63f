// GET /api/status — the status page's data: listeners, MQTT clients, message rate, database size
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.status());
