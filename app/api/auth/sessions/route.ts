// GET /api/auth/sessions — the signed-in person's sessions; DELETE — sign out everywhere else
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, principal }) => ({ sessions: api.auth.sessions(principal) }));

export const DELETE = authedRoute(({ api, principal }) => ({ revoked: api.auth.revokeOtherSessions(principal) }));
