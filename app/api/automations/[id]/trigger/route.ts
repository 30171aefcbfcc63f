// POST /api/automations/<id>/trigger — run it now; {"skip_condition": false} checks its conditions first.
// {"trigger": {"index": 0, "topic": "…", "payload": "…"}} fires that trigger with a sample instead (the editor's "fire this trigger").
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../../../_lib/route";

const text = z.string().max(65_536);
const sample = z.strictObject({
  index: z.number().int().min(0).max(10_000),
  topic: text.optional(),
  payload: text.optional(),
  entity_id: text.optional(),
  from: text.optional(),
  to: text.optional(),
  device_id: text.optional(),
});
const body = z.object({ skip_condition: z.boolean().optional(), variables: z.record(z.string(), z.unknown()).optional(), trigger: sample.optional() });

export const POST = authedRoute<{ id: string }>(async ({ api, req, params, principal }) => {
  const input = await readJson(req, body);
  const headers = { "Cache-Control": "no-store" };
  const userId = String(principal.user.id);
  if (input.trigger) {
    const { index, ...given } = input.trigger;
    const r = api.automations.fireSample(params.id, index, given, userId);
    return NextResponse.json(r, { status: r.fired ? 202 : 200, headers });
  }
  const runId = api.automations.run(params.id, { skipConditions: input.skip_condition ?? true, ...(input.variables ? { variables: input.variables } : {}), userId });
  return NextResponse.json({ run_id: runId }, { status: 202, headers });
});
