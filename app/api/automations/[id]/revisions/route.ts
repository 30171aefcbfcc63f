// GET /api/automations/<id>/revisions — every save, newest first, with its source
import { authedRoute } from "../../../../_lib/route";

export const GET = authedRoute<{ id: string }>(({ api, params }) => ({ revisions: api.automations.revisions(params.id) }));
