import { compileTemplate } from "../templates/ha-template";
import type { TemplateVariables } from "../templates/ha-template";
import type { ExpandedConfig, MqttMessageView, PlatformContext } from "./platform";

/** A message as the pipeline would hand it to a platform (tests only). */
export function messageView(topic: string, payload: string | Uint8Array): MqttMessageView {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { topic, text, json, bytes };
}

/**
 * The PlatformContext the pipeline builds, for platform tests: real templates compiled from the
 * raw (expanded) config, `value`/`value_json` set from the message, a fixed clock.
 */
export function platformContext(config: ExpandedConfig, options: { now?: number; entityId?: string } = {}): PlatformContext {
  const now = options.now ?? Date.UTC(2026, 10, 22, 12, 0, 0);
  return {
    now: () => now,
    render(key: string, variables: TemplateVariables, message?: MqttMessageView) {
      const source = config[key];
      if (typeof source !== "string" || source === "") return undefined;
      const compiled = compileTemplate(source, { now: () => now });
      if (!compiled.ok) return { ok: false, error: compiled.error };
      const vars: Record<string, unknown> = { entity_id: options.entityId, ...variables };
      if (message) {
        vars.value = message.text;
        if (message.json !== undefined) vars.value_json = message.json;
      }
      return compiled.template.render(vars);
    },
  };
}
