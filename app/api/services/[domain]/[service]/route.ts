// POST /api/services/:domain/:service — run a service; answers with the states it changed (HA-compatible)
import { z } from "zod";
import { scopedRoute, errorResponse, readJson } from "../../../../_lib/route";

const SERVICE_PART = /^[a-z0-9_]{1,64}$/;

export const POST = scopedRoute<{ domain: string; service: string }>(async ({ api, req, params, principal }) => {
  const data = await readJson(req, z.record(z.string(), z.unknown(), { error: "body must be a JSON object of service data" }));
  const { domain, service } = params;
  if (!SERVICE_PART.test(domain) || !SERVICE_PART.test(service)) {
    return errorResponse("invalid_input", `service ${domain}.${service} not found`);
  }
  const scope = api.access(principal.user);
  return api.services.call({ domain, service, data, userId: String(principal.user.id), ...(scope.limited ? { scope } : {}) });
});
