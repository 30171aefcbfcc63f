// GET /api/ — HA-compatible liveness check for authenticated clients
import { scopedRoute } from "../_lib/route";

export const GET = scopedRoute(() => ({ message: "API running." }));
