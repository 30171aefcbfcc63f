import { z } from "zod";
import { haBoolean, haFloat, haQos, haString, haSubscribeTopic, haTemplate, pythonStr } from "./ha-values";
import type { Component, ExpandedConfig } from "../components/platform";

/**
 * The keys every MQTT entity shares (HA's MQTT_ENTITY_COMMON_SCHEMA and friends): device block,
 * origin, availability, json attributes, naming hints, qos/retain/encoding.
 */

export interface DeviceInfo {
  identifiers: string[];
  connections: Array<[string, string]>;
  name?: string;
  manufacturer?: string;
  model?: string;
  modelId?: string;
  hwVersion?: string;
  swVersion?: string;
  serialNumber?: string;
  suggestedArea?: string;
  viaDevice?: string;
  configurationUrl?: string;
}

export interface OriginInfo {
  name: string;
  swVersion?: string;
  supportUrl?: string;
}

export interface AvailabilityEntry {
  topic: string;
  payloadAvailable: string;
  payloadNotAvailable: string;
  valueTemplate?: string;
}

export interface AvailabilityConfig {
  mode: "all" | "any" | "latest";
  entries: AvailabilityEntry[];
}

export type NameSource = "config" | "device" | "device_class" | "default";

export interface CommonEntityConfig {
  uniqueId: string | null;
  /** The entity's own name; null = the entity is the device (HA has_entity_name). */
  name: string | null;
  nameSource: NameSource;
  /** `default_entity_id` / `object_id`: a hint for the entity id, never identity. */
  objectIdHint: string | null;
  device: DeviceInfo | null;
  origin: OriginInfo | null;
  availability: AvailabilityConfig | null;
  jsonAttributesTopic: string | null;
  jsonAttributesTemplate: string | null;
  deviceClass: string | null;
  icon: string | null;
  entityPicture: string | null;
  entityCategory: "config" | "diagnostic" | null;
  enabledByDefault: boolean;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** "" = raw bytes. */
  encoding: string;
  expireAfter: number;
}

const DEVICE_KEYS = [
  "identifiers",
  "connections",
  "name",
  "manufacturer",
  "model",
  "model_id",
  "hw_version",
  "sw_version",
  "serial_number",
  "suggested_area",
  "via_device",
  "via_hub",
  "configuration_url",
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const deviceSchema = z
  .record(z.string(), z.unknown())
  .superRefine((dev, ctx) => {
    for (const key of Object.keys(dev)) {
      if (!(DEVICE_KEYS as readonly string[]).includes(key)) ctx.addIssue({ code: "custom", message: `extra keys not allowed @ data['device']['${key}']` });
    }
  })
  .transform((dev, ctx): DeviceInfo => {
    const ids = dev.identifiers;
    const identifiers = ids === undefined ? [] : (Array.isArray(ids) ? ids : [ids]).filter((v) => scalar.safeParse(v).success).map(pythonStr);
    const connections: Array<[string, string]> = [];
    if (dev.connections !== undefined) {
      if (!Array.isArray(dev.connections)) ctx.addIssue({ code: "custom", message: "device connections must be a list of [type, value] pairs" });
      else {
        for (const pair of dev.connections) {
          if (!Array.isArray(pair) || pair.length !== 2) {
            ctx.addIssue({ code: "custom", message: "device connections must be a list of [type, value] pairs" });
            continue;
          }
          const type = pythonStr(pair[0]);
          const value = pythonStr(pair[1]);
          connections.push([type, type === "mac" ? formatMac(value) : value]);
        }
      }
    }
    if (identifiers.length === 0 && connections.length === 0) {
      ctx.addIssue({ code: "custom", message: "Device must have at least one identifying value in 'identifiers' and/or 'connections'" });
    }
    const str = (key: string): string | undefined => {
      const v = dev[key];
      if (v === undefined || v === null) return undefined;
      if (!scalar.safeParse(v).success) {
        ctx.addIssue({ code: "custom", message: `device ${key} must be a string` });
        return undefined;
      }
      return pythonStr(v);
    };
    const url = str("configuration_url");
    if (url !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(url)) ctx.addIssue({ code: "custom", message: "device configuration_url must be a URL" });
    return {
      identifiers,
      connections,
      name: str("name"),
      manufacturer: str("manufacturer"),
      model: str("model"),
      modelId: str("model_id"),
      hwVersion: str("hw_version"),
      swVersion: str("sw_version"),
      serialNumber: str("serial_number"),
      suggestedArea: str("suggested_area"),
      viaDevice: str("via_device") ?? str("via_hub"),
      configurationUrl: url,
    };
  });

/**
 * HA's format_mac (helpers/device_registry.py), exactly: "aa:bb:…" (17 chars, 5 colons) is lower-cased;
 * 12 characters, or 17 with 5 dashes, or 14 with 2 dots, become lower-case colon pairs; anything
 * else is kept as sent. It checks lengths and separators, not hex digits.
 */
export function formatMac(mac: string): string {
  const count = (sep: string) => mac.split(sep).length - 1;
  if (mac.length === 17 && count(":") === 5) return mac.toLowerCase();
  let bare = mac;
  if (mac.length === 17 && count("-") === 5) bare = mac.replaceAll("-", "");
  else if (mac.length === 14 && count(".") === 2) bare = mac.replaceAll(".", "");
  if (bare.length !== 12) return mac;
  const lower = bare.toLowerCase();
  return [0, 2, 4, 6, 8, 10].map((i) => lower.slice(i, i + 2)).join(":");
}

const availabilityEntrySchema = z.looseObject({
  topic: haSubscribeTopic,
  payload_available: haString.default("online"),
  payload_not_available: haString.default("offline"),
  value_template: haTemplate.optional(),
});

const commonSchema = z
  .looseObject({
    unique_id: haString.optional(),
    name: z.union([haString, z.null()]).optional(),
    default_entity_id: haString.optional(),
    object_id: haString.optional(),
    device: deviceSchema.optional(),
    origin: z.looseObject({ name: haString, sw_version: haString.optional(), support_url: haString.optional() }).optional(),
    availability: z.array(availabilityEntrySchema).optional(),
    availability_topic: haSubscribeTopic.optional(),
    availability_template: haTemplate.optional(),
    availability_mode: z.enum(["all", "any", "latest"]).default("latest"),
    payload_available: haString.default("online"),
    payload_not_available: haString.default("offline"),
    json_attributes_topic: haSubscribeTopic.optional(),
    json_attributes_template: haTemplate.optional(),
    device_class: z.union([haString, z.null()]).optional(),
    icon: haString.optional(),
    entity_picture: haString.optional(),
    entity_category: z.union([z.enum(["config", "diagnostic"]), z.null()]).optional(),
    enabled_by_default: haBoolean.default(true),
    qos: haQos.default(0),
    retain: haBoolean.default(false),
    encoding: z.string().default("utf-8"),
    expire_after: haFloat.default(0),
  })
  .superRefine((c, ctx) => {
    if (c.availability !== undefined && c.availability_topic !== undefined) {
      ctx.addIssue({ code: "custom", message: "two or more values in the same group of exclusion 'availability' (availability and availability_topic)" });
    }
  });

/** HA's DEFAULT_NAME of each MQTT platform, spelled as HA spells it ("MQTT HVAC", "MQTT LightEntity", …). */
const DEFAULT_NAMES: Readonly<Record<Component, string>> = {
  alarm_control_panel: "MQTT Alarm",
  binary_sensor: "MQTT Binary sensor",
  button: "MQTT Button",
  camera: "MQTT Camera",
  climate: "MQTT HVAC",
  cover: "MQTT Cover",
  device_automation: "MQTT",
  // HA has no default name for a device tracker (it shows the device name); this is the hub's.
  device_tracker: "MQTT Device tracker",
  event: "MQTT Event",
  fan: "MQTT Fan",
  humidifier: "MQTT Humidifier",
  image: "MQTT Image",
  lawn_mower: "MQTT Lawn Mower",
  light: "MQTT LightEntity",
  lock: "MQTT Lock",
  notify: "MQTT notify",
  number: "MQTT Number",
  scene: "MQTT Scene",
  select: "MQTT Select",
  sensor: "MQTT Sensor",
  siren: "MQTT Siren",
  switch: "MQTT Switch",
  tag: "MQTT",
  text: "MQTT Text",
  update: "MQTT Update",
  vacuum: "MQTT Vacuum",
  valve: "MQTT Valve",
  water_heater: "MQTT Water Heater",
};

/** The platform's display name when the config gives none (HA's _default_name; a light's depends on its schema). */
export function defaultEntityName(component: Component, lightSchema?: unknown): string {
  const schema = typeof lightSchema === "string" ? lightSchema.toLowerCase() : undefined;
  if (component === "light" && schema === "json") return "MQTT JSON Light";
  if (component === "light" && schema === "template") return "MQTT Template Light";
  return DEFAULT_NAMES[component];
}

/** Platforms whose unnamed entities HA names after their device class (_default_to_device_class_name). */
const NAMED_BY_DEVICE_CLASS = new Set<Component>(["sensor", "binary_sensor", "button", "number", "event", "update"]);

const DEVICE_CLASS_NAMES: Readonly<Record<string, string>> = {
  aqi: "Air quality index",
  pm1: "PM1",
  pm10: "PM10",
  pm25: "PM2.5",
  pm4: "PM4",
  ph: "pH",
  co: "Carbon monoxide",
  co2: "Carbon dioxide",
  carbon_monoxide: "Carbon monoxide",
  carbon_dioxide: "Carbon dioxide",
  volatile_organic_compounds: "Volatile organic compounds",
  volatile_organic_compounds_parts: "Volatile organic compounds parts",
  nitrogen_dioxide: "Nitrogen dioxide",
  nitrogen_monoxide: "Nitrogen monoxide",
  nitrous_oxide: "Nitrous oxide",
  sulphur_dioxide: "Sulphur dioxide",
  pressure: "Pressure",
  signal_strength: "Signal strength",
  garage_door: "Garage door",
  power_factor: "Power factor",
  apparent_power: "Apparent power",
  reactive_power: "Reactive power",
  reactive_energy: "Reactive energy",
  energy_storage: "Stored energy",
  wind_speed: "Wind speed",
  wind_direction: "Wind direction",
  data_rate: "Data rate",
  data_size: "Data size",
  enum: "",
};

/** HA's translated device-class name (English), used when a config has a device class but no name. */
export function deviceClassName(deviceClass: string): string {
  const known = DEVICE_CLASS_NAMES[deviceClass];
  if (known !== undefined) return known;
  const text = deviceClass.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type CommonParse = { ok: true; common: CommonEntityConfig } | { ok: false; reason: string };

export function parseCommonConfig(component: Component, config: ExpandedConfig): CommonParse {
  const parsed = commonSchema.safeParse(config);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  const c = parsed.data;
  const deviceClass = c.device_class ?? null;

  let name: string | null;
  let nameSource: NameSource;
  if (c.name === null || (c.name === "" && c.device !== undefined)) {
    name = null;
    nameSource = "device";
  } else if (c.name !== undefined) {
    name = c.name;
    nameSource = "config";
  } else if (deviceClass !== null && NAMED_BY_DEVICE_CLASS.has(component) && deviceClassName(deviceClass) !== "") {
    name = deviceClassName(deviceClass);
    nameSource = "device_class";
  } else {
    name = defaultEntityName(component, config.schema);
    nameSource = "default";
  }
  // HA strips a leading device name from the entity name ("Kitchen Kitchen temperature").
  const deviceName = c.device?.name;
  if (name !== null && deviceName && nameSource === "config" && name.toLowerCase().startsWith(`${deviceName.toLowerCase()} `)) {
    name = name.slice(deviceName.length + 1);
  }

  let objectIdHint: string | null = null;
  if (c.default_entity_id !== undefined) {
    const dot = c.default_entity_id.indexOf(".");
    objectIdHint = dot >= 0 ? c.default_entity_id.slice(dot + 1) : c.default_entity_id;
  } else if (c.object_id !== undefined) objectIdHint = c.object_id;

  let availability: AvailabilityConfig | null = null;
  if (c.availability !== undefined && c.availability.length > 0) {
    availability = {
      mode: c.availability_mode,
      entries: c.availability.map((e) => ({
        topic: e.topic,
        payloadAvailable: e.payload_available,
        payloadNotAvailable: e.payload_not_available,
        valueTemplate: e.value_template,
      })),
    };
  } else if (c.availability_topic !== undefined) {
    availability = {
      mode: "latest",
      entries: [
        {
          topic: c.availability_topic,
          payloadAvailable: c.payload_available,
          payloadNotAvailable: c.payload_not_available,
          valueTemplate: c.availability_template,
        },
      ],
    };
  }

  return {
    ok: true,
    common: {
      uniqueId: c.unique_id ?? null,
      name,
      nameSource,
      objectIdHint,
      device: c.device ?? null,
      origin: c.origin ? { name: c.origin.name, swVersion: c.origin.sw_version, supportUrl: c.origin.support_url } : null,
      availability,
      jsonAttributesTopic: c.json_attributes_topic ?? null,
      jsonAttributesTemplate: c.json_attributes_template ?? null,
      deviceClass,
      icon: c.icon ?? null,
      entityPicture: c.entity_picture ?? null,
      entityCategory: c.entity_category ?? null,
      enabledByDefault: c.enabled_by_default,
      qos: c.qos,
      retain: c.retain,
      encoding: c.encoding,
      expireAfter: c.expire_after,
    },
  };
}

/** Zod issues as one line, with HA's "required key 'x' missing" wording for absent keys. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return `required key '${path}' missing`;
      // A union (haString, haStringList, …) fails on a missing key in every branch with "received undefined".
      if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.errors.every((branch) => branch.some((i) => /received undefined/.test(i.message)))) {
        return `required key '${path}' missing`;
      }
      return path && !issue.message.includes(path) ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
