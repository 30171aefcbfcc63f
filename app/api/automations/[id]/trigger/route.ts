// POST /api/automations/<id>/trigger — run it now; {"skip_condition": false} checks its conditions first
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../../../_lib/route";

const body = z.object({ skip_condition: z.boolean().optional(), variables: z.record(z.string(), z.unknown()).optional() });

export const POST = authedRoute<{ id: string }>(async ({ api, req, params, principal }) => {
  const input = await readJson(req, body);
  const runId = api.automations.run(params.id, { skipConditions: input.skip_condition ?? true, ...(input.variables ? { variables: input.variables } : {}), userId: String(principal.user.id) });
  return NextResponse.json({ run_id: runId }, { status: 202, headers: { "Cache-Control": "no-store" } });
});
