// PATCH/DELETE /api/users/:userId — change a person's name, role, rooms, home-network flag or password; remove them
import { z } from "zod";
import { HubError } from "@/server/errors";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";
import { personFields } from "../route";

const patchSchema = z.strictObject({ ...personFields, password: z.string().max(1024).optional() });

function userIdOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HubError("not_found", "no such person");
  return id;
}

export const PATCH = authedRoute<{ userId: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const { local_only, ...patch } = await readJson(req, patchSchema);
  return { user: await api.people.update(principal.user, userIdOf(params.userId), { ...patch, localOnly: local_only }) };
});

export const DELETE = authedRoute<{ userId: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  api.people.remove(principal.user, userIdOf(params.userId));
  return undefined;
});
