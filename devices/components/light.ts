import { z } from "zod";
import { basicLightPlatform, basicLightSchema, type BasicLightConfig } from "./light-basic";
import { jsonLightPlatform, jsonLightSchema, type JsonLightConfig } from "./light-json";
import { templateLightPlatform, templateLightSchema, type TemplateLightConfig } from "./light-template";
import type { PlatformDefinition, ServiceHandler } from "./platform";

/** A light config: HA's `schema` key (basic by default, case-insensitive) picks one of three platforms. */
export type LightConfig = BasicLightConfig | JsonLightConfig | TemplateLightConfig;

const SCHEMAS = { basic: basicLightSchema, json: jsonLightSchema, template: templateLightSchema } as const;

export const lightSchema = z.unknown().transform((input, ctx): LightConfig => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    ctx.addIssue({ code: "custom", message: "expected a dictionary" });
    return z.NEVER;
  }
  const raw = input as Record<string, unknown>;
  const name = raw.schema === undefined ? "basic" : typeof raw.schema === "string" ? raw.schema.toLowerCase() : "";
  if (name !== "basic" && name !== "json" && name !== "template") {
    ctx.addIssue({ code: "custom", message: "value must be one of basic, json, template for dictionary value @ data['schema']", path: ["schema"] });
    return z.NEVER;
  }
  const parsed = SCHEMAS[name].safeParse({ ...raw, schema: name });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

/** The platform of one light config's schema. */
function platformOf(config: LightConfig): PlatformDefinition<LightConfig> {
  switch (config.schema) {
    case "json":
      return jsonLightPlatform as PlatformDefinition<LightConfig>;
    case "template":
      return templateLightPlatform as PlatformDefinition<LightConfig>;
    case "basic":
      return basicLightPlatform as PlatformDefinition<LightConfig>;
  }
}

function delegate(service: string): ServiceHandler<LightConfig> {
  return (config, current, data, ctx) => {
    const handler = platformOf(config).services[service];
    return handler ? handler(config, current, data, ctx) : { ok: false, error: `light has no service ${service}` };
  };
}

export const lightPlatform: PlatformDefinition<LightConfig> = {
  component: "light",
  isEntity: true,
  schema: lightSchema,
  stateTopics: (config) => platformOf(config).stateTopics(config),
  initialValue: (config) => platformOf(config).initialValue(config),
  staticAttributes: (config) => platformOf(config).staticAttributes(config),
  decode: (config, role, message, current, ctx) => platformOf(config).decode(config, role, message, current, ctx),
  services: { turn_on: delegate("turn_on"), turn_off: delegate("turn_off"), toggle: delegate("toggle") },
  isOptimistic: (config) => platformOf(config).isOptimistic(config),
};
