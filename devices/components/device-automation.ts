import { z } from "zod";
import { haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's MQTT device triggers (homeassistant/components/mqtt/device_trigger.py + trigger.py): not an
 * entity. A message on `topic` (after `value_template`) that equals `payload` — or any message when
 * there is no `payload` — fires the trigger `type`/`subtype` of the device.
 */

const deviceAutomationSchema = z.looseObject({
  automation_type: requiredKey("automation_type", z.literal("trigger", { error: "automation_type must be 'trigger'" })),
  device: requiredKey("device", z.unknown()),
  topic: requiredKey("topic", haSubscribeTopic),
  type: requiredKey("type", haString),
  subtype: requiredKey("subtype", haString),
  payload: z.union([haString, z.null()]).default(null),
  value_template: z.union([haTemplate, z.null()]).default(null),
});

export type DeviceAutomationConfig = z.output<typeof deviceAutomationSchema>;

function decode(c: DeviceAutomationConfig, _role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  if (c.payload !== null) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    if (rendered.value !== c.payload) return { kind: "ignore", reason: `payload '${rendered.value}' does not match '${c.payload}'` };
  }
  return {
    kind: "update",
    value: current,
    fired: { eventType: "device_trigger", data: { type: c.type, subtype: c.subtype, payload: message.text } },
  };
}

export const deviceAutomationPlatform: PlatformDefinition<DeviceAutomationConfig> = {
  component: "device_automation",
  isEntity: false,
  schema: deviceAutomationSchema,
  stateTopics: (c) => [{ role: "topic", topic: c.topic }],
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: () => ({}),
  decode,
  services: {},
  isOptimistic: () => false,
};
