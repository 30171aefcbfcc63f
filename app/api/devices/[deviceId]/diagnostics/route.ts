// GET /api/devices/:deviceId/diagnostics — raw and expanded discovery, recent messages, rejected configs and template errors
import { authedRoute } from "../../../../_lib/route";

export const GET = authedRoute<{ deviceId: string }>(({ api, params }) => api.devices.diagnostics(params.deviceId));
