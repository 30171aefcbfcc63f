// POST /api/conditions/test {"condition": <a condition or a list, HA's format>, "variables": {…}} — evaluated now, with reasons
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";

const body = z.object({ condition: z.unknown(), variables: z.record(z.string(), z.unknown()).optional() });

export const POST = authedRoute(async ({ api, req }) => {
  const input = await readJson(req, body);
  const result = api.automations.testConditions(input.condition, input.variables ?? {});
  return NextResponse.json({ result: result.ok, detail: result }, { headers: { "Cache-Control": "no-store" } });
});
