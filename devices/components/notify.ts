import { z } from "zod";
import { haPublishTopic, haTemplate, pythonStr } from "../discovery/ha-values";
import { checkServiceKeys, renderCommand, requiredKey, utcIsoformat } from "./mqtt-payload";
import type { EntityValue, PlatformContext, PlatformDefinition, ServiceData, ServiceResult } from "./platform";

/**
 * HA's notify entity (homeassistant/components/mqtt/notify.py, NotifyEntity in components/notify):
 * `notify.send_message` publishes the message through `command_template`; the state is the time
 * of the last message.
 */

const notifySchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  command_template: haTemplate.optional(),
});

export type NotifyConfig = z.output<typeof notifySchema>;

function sendMessage(c: NotifyConfig, _current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const bad = checkServiceKeys(data, ["message", "title"]);
  if (bad !== undefined) return { ok: false, error: bad };
  if (data.message === undefined || data.message === null) return { ok: false, error: "required key 'message' missing" };
  const message = pythonStr(data.message);
  const title = data.title === undefined || data.title === null ? null : pythonStr(data.title);
  // HA renders the template with `value` = the message; `message` and `title` are there too.
  const payload = renderCommand(ctx, "command_template", message, { message, title });
  if (!payload.ok) return payload;
  return { ok: true, publishes: [{ topic: c.command_topic, payload: payload.payload }], optimistic: { state: utcIsoformat(ctx.now()), attributes: {} } };
}

export const notifyPlatform: PlatformDefinition<NotifyConfig> = {
  component: "notify",
  isEntity: true,
  schema: notifySchema,
  stateTopics: () => [],
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: () => ({ supported_features: 0 }),
  decode: () => ({ kind: "ignore", reason: "notify entities have no state topic" }),
  services: { send_message: sendMessage },
  /** The state is the hub's own record of the last message sent. */
  isOptimistic: () => true,
};
