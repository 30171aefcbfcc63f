// GET /api/auth/sessions — the signed-in person's sessions; DELETE — sign out everywhere else
import { scopedRoute } from "../../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => ({ sessions: api.auth.sessions(principal) }));

export const DELETE = scopedRoute(({ api, principal }) => ({ revoked: api.auth.revokeOtherSessions(principal) }));
