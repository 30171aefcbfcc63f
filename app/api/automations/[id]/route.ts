// GET/PUT/PATCH/DELETE /api/automations/<id> — one automation; PATCH {"enabled": bool} turns it on or off
import { z } from "zod";
import { readAutomationBody } from "../../../_lib/automation-body";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

export const GET = authedRoute<{ id: string }>(({ api, params }) => api.automations.get(params.id));

export const PUT = authedRoute<{ id: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const body = await readAutomationBody(req);
  return api.automations.update(params.id, { ...body, by: String(principal.user.id) });
});

export const PATCH = authedRoute<{ id: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const { enabled } = await readJson(req, z.object({ enabled: z.boolean() }));
  return api.automations.setEnabled(params.id, enabled);
});

export const DELETE = authedRoute<{ id: string }>(async ({ api, params, principal }) => {
  requireAdmin(principal);
  await api.automations.remove(params.id, String(principal.user.id));
  return undefined;
});
