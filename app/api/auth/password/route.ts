// POST /api/auth/password — change the signed-in person's password; every other session ends
import { z } from "zod";
import { scopedRoute, readJson } from "../../../_lib/route";

const body = z.object({ current_password: z.string().max(1024), new_password: z.string().max(1024) });

export const POST = scopedRoute(async ({ api, req, principal }) => {
  const input = await readJson(req, body);
  await api.auth.changePassword(principal, input.current_password, input.new_password);
  return undefined;
});
