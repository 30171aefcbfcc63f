import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, haServiceBoolean, ignore, published, reject, renderCommand, renderValue, requiredKey, serviceError, UNKNOWN, update } from "./mqtt-payload";
import type { EntityValue, PlatformContext, PlatformDefinition, ServiceResult } from "./platform";

export const selectSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  command_template: haTemplate.optional(),
  state_topic: haSubscribeTopic.optional(),
  value_template: haTemplate.optional(),
  options: requiredKey("options", haStringList),
  optimistic: haBoolean.default(false),
});

export type SelectConfig = z.output<typeof selectSchema>;

function isOptimistic(config: SelectConfig): boolean {
  return config.optimistic || config.state_topic === undefined;
}

function select(config: SelectConfig, current: EntityValue, ctx: PlatformContext, option: string): ServiceResult {
  const rendered = renderCommand(ctx, "command_template", option);
  if (!rendered.ok) return serviceError(rendered.error);
  const optimistic = isOptimistic(config) ? { state: option, attributes: { ...current.attributes } } : undefined;
  return published(config.command_topic, rendered.payload, optimistic);
}

/** SelectEntity._async_offset_index: select_next / select_previous, cycling by default. */
function selectOffset(config: SelectConfig, current: EntityValue, ctx: PlatformContext, offset: number, cycle: boolean): ServiceResult {
  const { options } = config;
  const index = current.state !== null && options.includes(current.state) ? options.indexOf(current.state) : 0;
  let next = index + offset;
  if (cycle) next = ((next % options.length) + options.length) % options.length;
  else next = Math.min(Math.max(next, 0), options.length - 1);
  return select(config, current, ctx, options[next] ?? "");
}

export const selectPlatform: PlatformDefinition<SelectConfig> = {
  component: "select",
  isEntity: true,
  schema: selectSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: () => UNKNOWN,
  staticAttributes: (config) => ({ options: config.options }),
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    const payload = rendered.value;
    if (payload.trim() === "") return ignore("empty state");
    if (payload.toLowerCase() === "none") return update({ state: null, attributes: { ...current.attributes } });
    if (!config.options.includes(payload)) return reject(`invalid option '${payload}' (valid options: ${config.options.join(", ")})`);
    return update({ state: payload, attributes: { ...current.attributes } });
  },
  services: {
    select_option(config, current, data, ctx) {
      const bad = checkServiceKeys(data, ["option"]);
      if (bad !== undefined) return serviceError(bad);
      if (data.option === undefined) return serviceError("required key 'option' missing");
      const parsed = haString.safeParse(data.option);
      if (!parsed.success) return serviceError("expected str for dictionary value @ data['option']");
      const option = parsed.data;
      if (!config.options.includes(option)) return serviceError(`Option ${option} is not valid, valid options are: ${config.options.join(", ")}`);
      return select(config, current, ctx, option);
    },
    select_first(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      return bad === undefined ? select(config, current, ctx, config.options[0] ?? "") : serviceError(bad);
    },
    select_last(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      return bad === undefined ? select(config, current, ctx, config.options.at(-1) ?? "") : serviceError(bad);
    },
    select_next(config, current, data, ctx) {
      const bad = checkServiceKeys(data, ["cycle"]);
      if (bad !== undefined) return serviceError(bad);
      const cycle = haServiceBoolean(data.cycle, true);
      return cycle === undefined ? serviceError("invalid boolean value for cycle") : selectOffset(config, current, ctx, 1, cycle);
    },
    select_previous(config, current, data, ctx) {
      const bad = checkServiceKeys(data, ["cycle"]);
      if (bad !== undefined) return serviceError(bad);
      const cycle = haServiceBoolean(data.cycle, true);
      return cycle === undefined ? serviceError("invalid boolean value for cycle") : selectOffset(config, current, ctx, -1, cycle);
    },
  },
  isOptimistic,
};
