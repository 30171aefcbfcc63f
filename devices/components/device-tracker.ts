import { z } from "zod";
import { haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { renderValue } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's device tracker (homeassistant/components/mqtt/device_tracker.py, TrackerEntity in
 * components/device_tracker). The state topic names where the device is ("home", "not_home" or a
 * zone); GPS coordinates arrive as json attributes (latitude, longitude, gps_accuracy), which the
 * pipeline owns.
 */

const SOURCE_TYPES = ["gps", "router", "bluetooth", "bluetooth_le"] as const;

const deviceTrackerSchema = z
  .looseObject({
    state_topic: haSubscribeTopic.optional(),
    json_attributes_topic: haSubscribeTopic.optional(),
    value_template: haTemplate.optional(),
    payload_home: haString.default("home"),
    payload_not_home: haString.default("not_home"),
    payload_reset: haString.default("None"),
    source_type: z.enum(SOURCE_TYPES, { error: `source_type must be one of ${SOURCE_TYPES.join(", ")}` }).default("gps"),
  })
  .superRefine((c, ctx) => {
    if (c.state_topic === undefined && c.json_attributes_topic === undefined) {
      ctx.addIssue({ code: "custom", message: "Invalid device tracker config, missing state_topic or json_attributes_topic" });
    }
  });

export type DeviceTrackerConfig = z.output<typeof deviceTrackerSchema>;

function decode(c: DeviceTrackerConfig, _role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload.trim() === "") return { kind: "ignore", reason: "empty location payload" };
  let location: string | null;
  if (payload === c.payload_home) location = "home";
  else if (payload === c.payload_not_home) location = "not_home";
  else if (payload === c.payload_reset) location = null;
  else location = payload;
  return { kind: "update", value: { state: location, attributes: {} } };
}

export const deviceTrackerPlatform: PlatformDefinition<DeviceTrackerConfig> = {
  component: "device_tracker",
  isEntity: true,
  schema: deviceTrackerSchema,
  stateTopics: (c) => (c.state_topic === undefined ? [] : [{ role: "state_topic", topic: c.state_topic }]),
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: (c) => ({ source_type: c.source_type }),
  decode,
  services: {},
  isOptimistic: () => false,
};
