// GET /api/push/public-key — the VAPID public key a browser subscribes to push with (applicationServerKey)
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api }) => ({ public_key: api.push.publicKey() }));
