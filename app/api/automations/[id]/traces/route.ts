// GET /api/automations/<id>/traces — past runs and near misses, newest first, each with its steps
import { authedRoute } from "../../../../_lib/route";

export const GET = authedRoute<{ id: string }>(({ api, params }) => ({ traces: api.automations.traces(params.id) }));
