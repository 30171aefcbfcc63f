// GET /api/entities — every entity with its ids, device, availability and topics
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => api.entities.list());
