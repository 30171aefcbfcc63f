import "server-only";
import type { NextRequest } from "next/server";
import { HubError, isHubError } from "@/server/errors";
import { readLimitedText } from "@/server/http/body-limit";

const MAX_BYTES = 256 * 1024;
const YAML_TYPES = /^(application|text)\/(x-)?yaml\b/i;

/** An automation in the request body: YAML (Content-Type application/yaml) kept as typed, or JSON stored pretty-printed. */
export async function readAutomationBody(req: NextRequest): Promise<{ source: string; format: "yaml" | "json" }> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BYTES) throw new HubError("payload_too_large", `an automation is at most ${MAX_BYTES / 1024} KiB`);
  const text = await readLimitedText(req.body, MAX_BYTES).catch((err: unknown) => {
    throw isHubError(err) ? new HubError("payload_too_large", `an automation is at most ${MAX_BYTES / 1024} KiB`) : err;
  });
  if (text.trim() === "") throw new HubError("invalid_input", "the body is empty: send the automation as JSON or YAML");
  if (YAML_TYPES.test(req.headers.get("content-type") ?? "")) return { source: text, format: "yaml" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HubError("invalid_input", "body is not valid JSON (send YAML with Content-Type: application/yaml)");
  }
  return { source: `${JSON.stringify(value, null, 2)}\n`, format: "json" };
}
