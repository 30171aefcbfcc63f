// GET/POST /api/automations — automations in Home Assistant's format, as JSON or YAML
import { NextResponse } from "next/server";
import { readAutomationBody } from "../../_lib/automation-body";
import { authedRoute } from "../../_lib/route";
import { requireAdmin } from "../../_lib/roles";

export const GET = authedRoute(({ api }) => ({ automations: api.automations.list() }));

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const body = await readAutomationBody(req);
  const created = await api.automations.create({ ...body, by: String(principal.user.id) });
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
