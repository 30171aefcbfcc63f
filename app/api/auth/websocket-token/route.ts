// POST /api/auth/websocket-token — a short-lived token for the WebSocket API's auth message (browsers hold only a cookie)
import { scopedRoute } from "../../../_lib/route";

export const POST = scopedRoute(({ api, principal }) => api.auth.websocketToken(principal));
