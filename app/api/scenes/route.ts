// GET /api/scenes — the hub's own scenes (made by scene.create), kept across restarts
import { authedRoute } from "../../_lib/route";

export const GET = authedRoute(({ api }) => ({ scenes: api.scenes.list() }));
