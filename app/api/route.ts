// GET /api/ — HA-compatible liveness check for authenticated clients
import { authedRoute } from "../_lib/route";

export const GET = authedRoute(() => ({ message: "API running." }));
