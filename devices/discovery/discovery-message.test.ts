// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the test reads the shared corpus fixture; the rule guards runtime code
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, isPlainObject, parseDiscoveryMessage, slotKeyString, type ComponentConfig, type DiscoveryMessage } from "./discovery-message";
import { parseDiscoveryTopic, type DiscoveryTopic } from "./discovery-topic";

interface CorpusCase {
  id: string;
  config_topic: string;
  config_payload: string;
  expect: { accepted: boolean; expanded?: Record<string, unknown>; reject_reason?: string; entities?: Array<{ component: string; discovery_id: string; unique_id?: string }> };
}
const corpus = JSON.parse(readFileSync(new URL("../../../shared/fixtures/discovery/corpus.json", import.meta.url), "utf8")) as CorpusCase[];

function corpusCase(id: string): CorpusCase {
  const found = corpus.find((c) => c.id === id);
  if (!found) throw new Error(`corpus case ${id} is missing`);
  return found;
}

function topic(name: string, prefix = "homeassistant"): DiscoveryTopic {
  const match = parseDiscoveryTopic(prefix, name);
  if (match.kind !== "config") throw new Error(`${name} is not a config topic`);
  return match.topic;
}

function parse(topicName: string, payload: unknown): DiscoveryMessage {
  return parseDiscoveryMessage(topic(topicName), typeof payload === "string" ? payload : JSON.stringify(payload));
}

type Configs = Extract<DiscoveryMessage, { kind: "configs" }>;

function configs(topicName: string, payload: unknown): Configs {
  const parsed = parse(topicName, payload);
  if (parsed.kind !== "configs") throw new Error(`expected configs, got ${JSON.stringify(parsed)}`);
  return parsed;
}

/** The one expanded config of a single-component message. */
function single(payload: unknown, topicName = "homeassistant/sensor/node/obj/config"): Record<string, unknown> {
  const parsed = configs(topicName, payload);
  expect(parsed.isDeviceBased).toBe(false);
  expect(parsed.rejected).toEqual([]);
  expect(parsed.components).toHaveLength(1);
  return parsed.components[0]!.config;
}

function component(parsed: Configs, key: string): ComponentConfig {
  const found = parsed.components.find((c) => c.slot.discoveryId.endsWith(` ${key}`));
  if (!found) throw new Error(`no component ${key} in ${JSON.stringify(parsed.components.map((c) => c.slot))}`);
  return found;
}

const SENSOR = "homeassistant/sensor/node/obj/config";
const DEVICE_TOPIC = "homeassistant/device/bedroom_env_01/config";
const dev = { ids: "dev1", name: "Device One" };
const origin = { name: "acme2mqtt" };

describe("slotKeyString", () => {
  it("joins component and discovery id", () => {
    expect(slotKeyString({ component: "sensor", discoveryId: "node obj" })).toBe("sensor:node obj");
  });
});

describe("parseDiscoveryMessage: removal, JSON and size", () => {
  it.each<[string]>([[SENSOR], [DEVICE_TOPIC], ["homeassistant/switch/1A2B3C_RL_1/config"]])("an empty payload on %s removes", (name) => {
    expect(parse(name, "")).toEqual({ kind: "remove" });
  });

  it("the corpus truncated payload is invalid JSON", () => {
    const c = corpusCase("malformed-json-truncated");
    const parsed = parse(c.config_topic, c.config_payload);
    expect(parsed.kind).toBe("rejected");
    expect(parsed.kind === "rejected" && parsed.reason).toMatch(/^invalid JSON \(.+\)$/);
  });

  it.each<[string]>([["{"], ["not json"], [" "], ["{'name': 'x'}"], ['{"name": "x",}'], ["undefined"], ["\n"]])("invalid JSON %j is rejected", (payload) => {
    const parsed = parse(SENSOR, payload);
    expect(parsed.kind).toBe("rejected");
    expect(parsed.kind === "rejected" && parsed.reason.startsWith("invalid JSON (")).toBe(true);
  });

  it.each<[string]>([['[{"name":"Door","stat_t":"door_node/contact"}]'], ["[]"], ['"string"'], ["42"], ["-1.5"], ["null"], ["true"], ["false"]])(
    "non-object JSON %s is rejected",
    (payload) => {
      expect(parse(SENSOR, payload)).toEqual({ kind: "rejected", reason: "payload is not a JSON object" });
      expect(parse(DEVICE_TOPIC, payload)).toEqual({ kind: "rejected", reason: "payload is not a JSON object" });
    },
  );

  it("the corpus array payload is not a JSON object", () => {
    const c = corpusCase("malformed-json-array-not-object");
    expect(parse(c.config_topic, c.config_payload)).toEqual({ kind: "rejected", reason: c.expect.reject_reason });
  });

  it("an oversized payload is rejected before parsing; one of exactly the limit is parsed", () => {
    expect(MAX_CONFIG_BYTES).toBe(262144);
    const head = '{"stat_t":"s","name":"';
    const exact = `${head}${"a".repeat(MAX_CONFIG_BYTES - head.length - 2)}"}`;
    expect(exact.length).toBe(MAX_CONFIG_BYTES);
    expect(parseDiscoveryMessage(topic(SENSOR), exact).kind).toBe("configs");
    const over = `${head}${"a".repeat(MAX_CONFIG_BYTES - head.length - 1)}"}`;
    expect(parseDiscoveryMessage(topic(SENSOR), over)).toEqual({ kind: "rejected", reason: "config is larger than 262144 bytes" });
    expect(parseDiscoveryMessage(topic(SENSOR), "x".repeat(MAX_CONFIG_BYTES + 1))).toEqual({ kind: "rejected", reason: "config is larger than 262144 bytes" });
  });

  it("{} is a config with nothing in it (platform validation rejects it later)", () => {
    expect(single({})).toEqual({});
  });
});

describe("parseDiscoveryMessage: migration flag", () => {
  it.each<[string, unknown]>([
    [SENSOR, { migrate_discovery: true }],
    [SENSOR, { migr_discvry: true }],
    [DEVICE_TOPIC, { migrate_discovery: true }],
    [DEVICE_TOPIC, { migr_discvry: true }],
    ["homeassistant/switch/1A2B3C_RL_1/config", { migrate_discovery: true }],
  ])("%s %j is a migration request", (name, payload) => {
    expect(parse(name, payload)).toEqual({ kind: "migrate" });
  });

  // HA's MIGRATE_DISCOVERY_SCHEMA is {Optional("migrate_discovery"): True} with extra keys forbidden:
  // anything else is not a migration request and is processed as an ordinary config.
  it.each<[unknown]>([[{ migrate_discovery: false }], [{ migrate_discovery: "true" }], [{ migr_discvry: "yes" }]])("%j is not a migration request", (payload) => {
    expect(parse(SENSOR, payload).kind).toBe("configs");
  });

  it("a full config that also carries migrate_discovery is a config, not a migration", () => {
    expect(single({ migrate_discovery: true, name: "Temp", stat_t: "t/state" })).toEqual({ migrate_discovery: true, name: "Temp", state_topic: "t/state" });
  });

  it("a device payload that also carries migrate_discovery is rejected like any extra root key", () => {
    expect(parse(DEVICE_TOPIC, { migrate_discovery: true, dev, o: origin, cmps: { a: { p: "sensor", uniq_id: "a", stat_t: "s" } } })).toEqual({
      kind: "rejected",
      reason: "extra keys not allowed at the root of a device discovery payload: migrate_discovery",
    });
  });
});

describe("parseDiscoveryMessage: abbreviations", () => {
  it("expands top-level keys and leaves full, unknown and self-mapped keys alone", () => {
    expect(
      single({
        stat_t: "a/state",
        cmd_t: "a/set",
        uniq_id: "u1",
        dev_cla: "temperature",
        unit_of_meas: "°C",
        val_tpl: "{{ value_json.t }}",
        json_attr_t: "a/attrs",
        json_attr_tpl: "{{ value_json | tojson }}",
        stat_cla: "measurement",
        exp_aft: 60,
        frc_upd: true,
        en: "false",
        ent_cat: "diagnostic",
        ic: "mdi:thermometer",
        obj_id: "node_t",
        def_ent_id: "sensor.node_t",
        pl_on: "1",
        pl_off: "0",
        e: "",
        ret: true,
        name: "Temp",
        min: 1,
        max: 9,
        mode: "box",
        step: 2,
        qos: 1,
        schema: "json",
        brightness: true,
        some_custom_key: "kept",
        platform: "mqtt",
      }),
    ).toEqual({
      state_topic: "a/state",
      command_topic: "a/set",
      unique_id: "u1",
      device_class: "temperature",
      unit_of_measurement: "°C",
      value_template: "{{ value_json.t }}",
      json_attributes_topic: "a/attrs",
      json_attributes_template: "{{ value_json | tojson }}",
      state_class: "measurement",
      expire_after: 60,
      force_update: true,
      enabled_by_default: "false",
      entity_category: "diagnostic",
      icon: "mdi:thermometer",
      object_id: "node_t",
      default_entity_id: "sensor.node_t",
      payload_on: "1",
      payload_off: "0",
      encoding: "",
      retain: true,
      name: "Temp",
      min: 1,
      max: 9,
      mode: "box",
      step: 2,
      qos: 1,
      schema: "json",
      brightness: true,
      some_custom_key: "kept",
      platform: "mqtt",
    });
  });

  it.each<[string, unknown]>([
    ["abbreviated first", { stat_t: "abbreviated", state_topic: "full" }],
    ["full first", { state_topic: "full", stat_t: "abbreviated" }],
  ])("the expanded key overwrites the full one (%s)", (_, payload) => {
    expect(single(payload)).toEqual({ state_topic: "abbreviated" });
  });

  it("legacy keys are expanded too", () => {
    expect(single({ json_attr: ["a"], whit_val_cmd_t: "w/set", spd_cmd_t: "s/set" })).toEqual({
      json_attributes: ["a"],
      white_value_command_topic: "w/set",
      speed_command_topic: "s/set",
    });
  });

  it("expands each entry of an availability list, mixed abbreviated and full", () => {
    expect(
      single({
        avty: [
          { t: "a/online", pl_avail: "on", pl_not_avail: "off", val_tpl: "{{ value_json.state }}" },
          { topic: "b/online", payload_available: "up" },
        ],
        avty_mode: "all",
      }),
    ).toEqual({
      availability: [
        { topic: "a/online", payload_available: "on", payload_not_available: "off", value_template: "{{ value_json.state }}" },
        { topic: "b/online", payload_available: "up" },
      ],
      availability_mode: "all",
    });
  });

  it("a single availability object becomes a one-entry list", () => {
    expect(single({ avty: { t: "a/online", pl_avail: "yes" } })).toEqual({ availability: [{ topic: "a/online", payload_available: "yes" }] });
    expect(single({ availability: { topic: "a/online" } })).toEqual({ availability: [{ topic: "a/online" }] });
  });

  it("non-object availability entries are passed through for validation to reject", () => {
    expect(single({ avty: ["a/online", { t: "b" }] })).toEqual({ availability: ["a/online", { topic: "b" }] });
    expect(single({ avty: "a/online" })).toEqual({ availability: "a/online" });
  });

  it("expands the device block with the device table only", () => {
    expect(
      single({
        dev: {
          ids: ["a8:03:2a:b1:c2:d3"],
          cns: [["mac", "a8:03:2a:b1:c2:d3"]],
          name: "Office Plus 1PM",
          mf: "Shelly",
          mdl: "Shelly Plus 1PM",
          mdl_id: "SNSW-001P16EU",
          sw: "1.4.4",
          hw: "gen2",
          sn: "A1",
          sa: "Office",
          cu: "http://shelly.local/",
          via_device: "bridge",
          // entity-table abbreviations are not device keys: left for the device schema to reject
          stat_t: "x",
        },
      }),
    ).toEqual({
      device: {
        identifiers: ["a8:03:2a:b1:c2:d3"],
        connections: [["mac", "a8:03:2a:b1:c2:d3"]],
        name: "Office Plus 1PM",
        manufacturer: "Shelly",
        model: "Shelly Plus 1PM",
        model_id: "SNSW-001P16EU",
        sw_version: "1.4.4",
        hw_version: "gen2",
        serial_number: "A1",
        suggested_area: "Office",
        configuration_url: "http://shelly.local/",
        via_device: "bridge",
        stat_t: "x",
      },
    });
  });

  it("OpenMQTTGateway style: full 'device' key with abbreviated sub-keys", () => {
    expect(single({ device: { ids: ["OMG_1"], mf: "OMG_community", sw: "v1.7.0" } })).toEqual({
      device: { identifiers: ["OMG_1"], manufacturer: "OMG_community", sw_version: "v1.7.0" },
    });
  });

  it("expands the origin block, abbreviated (o) or full (origin)", () => {
    expect(single({ o: { name: "Zigbee2MQTT", sw: "2.12.1", url: "https://www.zigbee2mqtt.io" } })).toEqual({
      origin: { name: "Zigbee2MQTT", sw_version: "2.12.1", support_url: "https://www.zigbee2mqtt.io" },
    });
    expect(single({ origin: { name: "Z", sw_version: "1", support_url: "https://x.example" } })).toEqual({
      origin: { name: "Z", sw_version: "1", support_url: "https://x.example" },
    });
  });

  it("never expands keys inside other nested values", () => {
    expect(single({ json_attr_tpl: "x", extra: { stat_t: "a", t: "b" }, opts: [{ uniq_id: "x" }] })).toEqual({
      json_attributes_template: "x",
      extra: { stat_t: "a", t: "b" },
      opts: [{ uniq_id: "x" }],
    });
  });

  it("does not modify the caller's objects between two parses of the same payload", () => {
    const payload = JSON.stringify({ stat_t: "a", avty: [{ t: "b" }], dev: { ids: "x" } });
    expect(parseDiscoveryMessage(topic(SENSOR), payload)).toEqual(parseDiscoveryMessage(topic(SENSOR), payload));
  });
});

describe("parseDiscoveryMessage: origin", () => {
  it("the corpus origin without a name drops the whole message", () => {
    const c = corpusCase("invalid-origin-ignored");
    expect(parse(c.config_topic, c.config_payload)).toEqual({ kind: "rejected", reason: c.expect.reject_reason });
  });

  it.each<[string, unknown, string]>([
    ["a string", { o: "Zigbee2MQTT" }, "origin must be an object with a name"],
    ["a list", { origin: [{ name: "x" }] }, "origin must be an object with a name"],
    ["null", { o: null }, "origin must be an object with a name"],
    ["no name", { o: { sw: "1.0" } }, "origin requires name"],
    ["a null name", { o: { name: null } }, "origin requires name"],
    ["an object name", { o: { name: { en: "x" } } }, "origin requires name"],
    ["an unknown key", { o: { name: "x", ip: "1.2.3.4" } }, "extra keys not allowed @ data['origin']['ip']"],
    ["an unexpanded device key", { o: { name: "x", mf: "y" } }, "extra keys not allowed @ data['origin']['mf']"],
  ])("%s is rejected", (_, payload, reason) => {
    expect(parse(SENSOR, { stat_t: "s", ...(payload as object) })).toEqual({ kind: "rejected", reason });
  });

  it.each<[string, unknown, unknown]>([
    ["a numeric name (cv.string)", { name: 5 }, { name: 5 }],
    ["an empty name (cv.string)", { name: "" }, { name: "" }],
    ["all three keys abbreviated", { name: "n", sw: "1", url: "https://x.example" }, { name: "n", sw_version: "1", support_url: "https://x.example" }],
  ])("%s is accepted", (_, o, expanded) => {
    expect(single({ o })).toEqual({ origin: expanded });
  });

  it("an invalid origin also rejects a device-based payload", () => {
    expect(parse(DEVICE_TOPIC, { dev, o: { sw: "1" }, cmps: {} })).toEqual({ kind: "rejected", reason: "origin requires name" });
  });
});

describe("parseDiscoveryMessage: ~ (topic base)", () => {
  it("the HA docs example (base without trailing '/', values '~/…')", () => {
    const c = corpusCase("ha-docs-tilde-abbreviated-switch-no-unique-id");
    expect(single(c.config_payload, c.config_topic)).toEqual({ name: "garden", ...c.expect.expanded });
  });

  it("the Shelly Gen2 script (base with trailing '/', values '~…' with no separator)", () => {
    const c = corpusCase("shelly-gen2-switch-rpc");
    const config = single(c.config_payload, c.config_topic);
    expect(config["~"]).toBeUndefined();
    expect(config.command_topic).toBe("shellyplus1pm-a8032ab1c2d3/rpc");
    expect(config.state_topic).toBe("shellyplus1pm-a8032ab1c2d3/status/switch:0");
    expect(config.availability).toEqual([
      { topic: "shellyplus1pm-a8032ab1c2d3/online", payload_available: "true", payload_not_available: "false" },
      { topic: "shellyplus1pm-a8032ab1c2d3/status/rpc", value_template: "{%if value_json.mqtt.connected%}online{%else%}offline{%endif%}" },
    ]);
    expect(config.payload_on).toBe('{"id":1,"src":"home-assistant","method":"Switch.Set","params":{"id":0,"on":true}}');
    expect(config.value_template).toBe("{%if value_json.output%}on{%else%}off{%endif%}");
  });

  it("Shelly Gen1 style concatenation", () => {
    expect(single({ "~": "shellies/shelly1pm-6A1B2C/", stat_t: "~relay/0", cmd_t: "~relay/0/command" }, "homeassistant/switch/shelly1pm-6A1B2C-relay-0/config")).toEqual({
      state_topic: "shellies/shelly1pm-6A1B2C/relay/0",
      command_topic: "shellies/shelly1pm-6A1B2C/relay/0/command",
    });
  });

  it("HA's test_discovery_expansion: leading and trailing ~, in topics and availability entries", () => {
    expect(
      single(
        {
          "~": "some/base/topic",
          name: "DiscoveryExpansionTest1",
          stat_t: "test_topic/~",
          cmd_t: "~/test_topic",
          availability: [
            { topic: "~/avail_item1", payload_available: "available", payload_not_available: "not_available" },
            { t: "avail_item2/~", pl_avail: "available", pl_not_avail: "not_available" },
          ],
        },
        "homeassistant/switch/bla/config",
      ),
    ).toEqual({
      name: "DiscoveryExpansionTest1",
      state_topic: "test_topic/some/base/topic",
      command_topic: "some/base/topic/test_topic",
      availability: [
        { topic: "some/base/topic/avail_item1", payload_available: "available", payload_not_available: "not_available" },
        { topic: "avail_item2/some/base/topic", payload_available: "available", payload_not_available: "not_available" },
      ],
    });
  });

  it.each<[string, string, unknown]>([
    ["leading", "state_topic", "B/state"],
    ["trailing", "command_topic", "set/B"],
    ["alone", "availability_topic", "B"],
    ["in the middle (literal)", "json_attributes_topic", "attrs/~/x"],
    ["any key ending in 'topic'", "my_custom_topic", "B/custom"],
    ["the device trigger key 'topic'", "topic", "B/action"],
    ["a key ending in 'topics' (not expanded)", "extra_topics", "~/x"],
    ["a template (not expanded)", "value_template", "~{{ value }}"],
    ["a template key (not expanded)", "json_attributes_template", "~"],
    ["a payload (not expanded)", "payload_on", "~"],
    ["the name (not expanded)", "name", "~/name"],
    ["an empty topic", "position_topic", ""],
    ["a non-string topic", "tilt_command_topic", 5],
    ["a doubled leading ~ (only the first)", "effect_state_topic", "B~/x"],
  ])("%s", (_, key, expanded) => {
    const config = single({
      "~": "B",
      stat_t: "~/state",
      cmd_t: "set/~",
      avty_t: "~",
      json_attr_t: "attrs/~/x",
      my_custom_topic: "~/custom",
      t: "~/action",
      extra_topics: "~/x",
      val_tpl: "~{{ value }}",
      json_attr_tpl: "~",
      pl_on: "~",
      name: "~/name",
      pos_t: "",
      tilt_cmd_t: 5,
      fx_stat_t: "~~/x",
    });
    expect(config[key]).toEqual(expanded);
    expect(config).not.toHaveProperty("~");
  });

  // HA's _replace_topic_base tests both ends on the original value and assigns twice, so with a ~ at
  // both ends only the trailing one is replaced.
  it("a value with ~ at both ends keeps the leading one (HA assigns the trailing replacement last)", () => {
    expect(single({ "~": "B", stat_t: "~/x/~", avty: [{ t: "~/y/~" }] })).toEqual({ state_topic: "~/x/B", availability: [{ topic: "~/y/B" }] });
  });

  it("a base that itself ends in ~ is not expanded twice", () => {
    expect(single({ "~": "base~", stat_t: "~", cmd_t: "~/set" })).toEqual({ state_topic: "base~", command_topic: "base~/set" });
  });

  it("nested objects are not expanded", () => {
    expect(single({ "~": "B", dev: { ids: "x", cu: "~" }, o: { name: "~", url: "~/x" }, extra: { state_topic: "~/s" } })).toEqual({
      device: { identifiers: "x", configuration_url: "~" },
      origin: { name: "~", support_url: "~/x" },
      extra: { state_topic: "~/s" },
    });
  });

  it("without a ~ key, ~ in values stays literal", () => {
    expect(single({ stat_t: "~/state", avty: [{ t: "~/online" }] })).toEqual({ state_topic: "~/state", availability: [{ topic: "~/online" }] });
  });

  it("abbreviations are expanded before ~ (stat_t qualifies as a topic key)", () => {
    expect(single({ "~": "base", stat_t: "~/s", state_topic: "~/full" })).toEqual({ state_topic: "base/s" });
  });

  it("an availability entry without a topic is left alone", () => {
    expect(single({ "~": "B", avty: [{ pl_avail: "~" }, { t: "" }] })).toEqual({ availability: [{ payload_available: "~" }, { topic: "" }] });
  });
});

describe("parseDiscoveryMessage: unsupported components", () => {
  it("the corpus thermostat config is rejected", () => {
    const c = corpusCase("unknown-component-ignored");
    expect(parse(c.config_topic, c.config_payload)).toEqual({ kind: "rejected", reason: "unsupported component 'thermostat'" });
  });

  it.each<[string]>([["homeassistant/Sensor/x/config"], ["homeassistant/mqtt/x/config"], ["homeassistant/media_player/x/config"], ["homeassistant/remote/x/config"]])(
    "%s is rejected",
    (name) => {
      const component = topic(name).component;
      expect(parse(name, { stat_t: "s" })).toEqual({ kind: "rejected", reason: `unsupported component '${component}'` });
    },
  );

  it.each<[string]>([
    ["alarm_control_panel"],
    ["binary_sensor"],
    ["button"],
    ["camera"],
    ["climate"],
    ["cover"],
    ["device_automation"],
    ["device_tracker"],
    ["event"],
    ["fan"],
    ["humidifier"],
    ["image"],
    ["lawn_mower"],
    ["light"],
    ["lock"],
    ["notify"],
    ["number"],
    ["scene"],
    ["select"],
    ["sensor"],
    ["siren"],
    ["switch"],
    ["tag"],
    ["text"],
    ["update"],
    ["vacuum"],
    ["valve"],
    ["water_heater"],
  ])("%s is supported", (name) => {
    const parsed = configs(`homeassistant/${name}/node/x/config`, { uniq_id: "u" });
    expect(parsed.components).toEqual([{ slot: { component: name, discoveryId: "node x" }, config: { unique_id: "u" }, removed: false }]);
  });
});

describe("parseDiscoveryMessage: device-based discovery", () => {
  it("the corpus device payload splits into three expanded components with the shared options", () => {
    const c = corpusCase("device-based-cmps-abbreviated-shared-state-topic");
    const parsed = configs(c.config_topic, c.config_payload);
    expect(parsed.isDeviceBased).toBe(true);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.components.map((x) => ({ component: x.slot.component, discovery_id: x.slot.discoveryId, removed: x.removed }))).toEqual(
      c.expect.entities!.map((e) => ({ component: e.component, discovery_id: e.discovery_id, removed: false })),
    );
    const device = {
      identifiers: "bedroom_env_01",
      name: "Bedroom Climate",
      manufacturer: "Acme Sensors",
      model: "ENV-2",
      sw_version: "1.4.0",
      serial_number: "ENV2-0001",
      hw_version: "rev2",
    };
    const originBlock = { name: "acme2mqtt", sw_version: "0.9.1", support_url: "https://example.org/acme2mqtt" };
    const shared = { state_topic: "acme/bedroom_env_01/state", availability_topic: "acme/bedroom_env_01/availability", qos: 1, device, origin: originBlock };
    expect(component(parsed, "bedroom_env_01_t").config).toEqual({
      device_class: "temperature",
      unit_of_measurement: "°C",
      value_template: "{{ value_json.temperature }}",
      unique_id: "bedroom_env_01_t",
      ...shared,
    });
    expect(component(parsed, "bedroom_env_01_h").config).toEqual({
      device_class: "humidity",
      unit_of_measurement: "%",
      value_template: "{{ value_json.humidity }}",
      unique_id: "bedroom_env_01_h",
      ...shared,
    });
    expect(component(parsed, "bedroom_env_01_ok").config).toEqual({
      device_class: "problem",
      value_template: "{{ 'ON' if value_json.battery < 20 else 'OFF' }}",
      unique_id: "bedroom_env_01_batt_low",
      entity_category: "diagnostic",
      ...shared,
    });
  });

  it("the corpus payload without origin is rejected whole", () => {
    const c = corpusCase("device-based-missing-origin-rejected");
    expect(parse(c.config_topic, c.config_payload)).toEqual({ kind: "rejected", reason: c.expect.reject_reason });
  });

  it.each<[string, unknown, string]>([
    ["no device", { o: origin, cmps: {} }, "device discovery payload without device (required key not provided @ data['device'])"],
    ["no origin", { dev, cmps: {} }, "device discovery payload without origin (required key not provided @ data['origin'])"],
    ["no components", { dev, o: origin }, "device discovery payload without components (required key not provided @ data['components'])"],
    ["components as a list", { dev, o: origin, cmps: [{ p: "sensor" }] }, "device discovery payload without components (required key not provided @ data['components'])"],
    ["components as a string", { dev, o: origin, components: "x" }, "device discovery payload without components (required key not provided @ data['components'])"],
    ["an extra root key", { dev, o: origin, cmps: {}, name: "x" }, "extra keys not allowed at the root of a device discovery payload: name"],
    ["a root ~", { dev, o: origin, cmps: {}, "~": "base/" }, "extra keys not allowed at the root of a device discovery payload: ~"],
    ["a root unique_id (abbreviated)", { dev, o: origin, cmps: {}, uniq_id: "x" }, "extra keys not allowed at the root of a device discovery payload: unique_id"],
    [
      "several extra root keys",
      { dev, o: origin, cmps: {}, val_tpl: "x", dev_cla: "y" },
      "extra keys not allowed at the root of a device discovery payload: value_template, device_class",
    ],
  ])("%s is rejected", (_, payload, reason) => {
    expect(parse(DEVICE_TOPIC, payload)).toEqual({ kind: "rejected", reason });
  });

  it("every shared option is allowed at the root and copied into a component that lacks it", () => {
    const root = {
      command_topic: "d/set",
      encoding: "",
      message_expiry_interval: 60,
      state_topic: "d/state",
      qos: 2,
      availability_topic: "d/avail",
      availability_template: "{{ value_json.s }}",
      payload_available: "up",
      payload_not_available: "down",
    };
    const parsed = configs(DEVICE_TOPIC, { dev, o: origin, cmps: { a: { p: "switch", uniq_id: "a" } }, ...root });
    expect(parsed.components[0]!.config).toEqual({ unique_id: "a", ...root, device: { identifiers: "dev1", name: "Device One" }, origin: { name: "acme2mqtt" } });
  });

  it("a component's own value replaces the shared one, even a falsy one", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev,
      o: origin,
      stat_t: "d/state",
      qos: 1,
      e: "utf-8",
      cmps: { a: { p: "sensor", uniq_id: "a", stat_t: "a/state", qos: 0, e: "" } },
    });
    expect(parsed.components[0]!.config).toMatchObject({ state_topic: "a/state", qos: 0, encoding: "" });
  });

  it("a root availability list is copied into each component as its own copy", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev,
      o: origin,
      avty: [{ t: "d/online" }],
      avty_mode: "all",
      cmps: { a: { p: "sensor", uniq_id: "a" }, b: { p: "sensor", uniq_id: "b" } },
    });
    const [a, b] = parsed.components;
    expect(a!.config.availability).toEqual([{ topic: "d/online" }]);
    expect(a!.config.availability_mode).toBe("all");
    expect(b!.config.availability).toEqual([{ topic: "d/online" }]);
    expect(a!.config.availability).not.toBe(b!.config.availability);
  });

  const rootAvailability = {
    avty_t: "d/avail",
    avty_tpl: "{{ value_json.state }}",
    pl_avail: "up",
    pl_not_avail: "down",
    avty_mode: "any",
  };

  // HA test_discovery_component_availability_overridden: the component's own availability wins entirely.
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["its own availability list", { avty: [{ t: "c/avail" }] }, { availability: [{ topic: "c/avail" }] }],
    ["its own single availability object", { avty: { t: "c/avail" } }, { availability: [{ topic: "c/avail" }] }],
    ["its own availability_topic", { avty_t: "c/avail" }, { availability_topic: "c/avail" }],
  ])("a component with %s ignores every root availability key", (_, own, expected) => {
    const parsed = configs(DEVICE_TOPIC, { dev, o: origin, stat_t: "d/state", ...rootAvailability, cmps: { c: { p: "binary_sensor", uniq_id: "c", ...own } } });
    const config = parsed.components[0]!.config;
    expect(config).toEqual({ unique_id: "c", state_topic: "d/state", ...expected, device: { identifiers: "dev1", name: "Device One" }, origin: { name: "acme2mqtt" } });
  });

  it("a component with its own availability ignores a root availability list too", () => {
    const parsed = configs(DEVICE_TOPIC, { dev, o: origin, avty: [{ t: "d/avail" }], cmps: { c: { p: "binary_sensor", uniq_id: "c", avty_t: "c/avail" } } });
    expect(parsed.components[0]!.config).not.toHaveProperty("availability");
    expect(parsed.components[0]!.config.availability_topic).toBe("c/avail");
  });

  it("the root device and origin are applied to every component and cannot be overridden", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev: { ids: "root", mf: "Root" },
      o: { name: "root2mqtt", sw: "1" },
      cmps: {
        a: { p: "sensor", uniq_id: "a", dev: { ids: "own" }, o: { name: "own" } },
        b: { p: "button", uniq_id: "b", device: { ids: "own" } },
      },
    });
    for (const c of parsed.components) {
      expect(c.config.device).toEqual({ identifiers: "root", manufacturer: "Root" });
      expect(c.config.origin).toEqual({ name: "root2mqtt", sw_version: "1" });
    }
  });

  it("components expand their top-level keys and availability entries, and their own ~", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev,
      o: origin,
      stat_t: "~/state",
      cmps: {
        relay: { p: "switch", uniq_id: "r", "~": "shellies/relay0", cmd_t: "~/set", avty: [{ t: "~/online", pl_avail: "true" }] },
        plain: { p: "sensor", uniq_id: "p" },
      },
    });
    expect(component(parsed, "relay").config).toEqual({
      unique_id: "r",
      command_topic: "shellies/relay0/set",
      // the shared state_topic is merged in first, then the component's ~ applies to it
      state_topic: "shellies/relay0/state",
      availability: [{ topic: "shellies/relay0/online", payload_available: "true" }],
      device: { identifiers: "dev1", name: "Device One" },
      origin: { name: "acme2mqtt" },
    });
    expect(component(parsed, "plain").config.state_topic).toBe("~/state");
  });

  it.each<[string, unknown]>([
    ["abbreviated", { p: "sensor" }],
    ["full", { platform: "binary_sensor" }],
  ])("a component reduced to its platform (%s) is a removal", (_, cmp) => {
    const parsed = configs(DEVICE_TOPIC, { dev, o: origin, stat_t: "d/state", cmps: { gone: cmp, kept: { p: "sensor", uniq_id: "k" } } });
    const gone = component(parsed, "gone");
    expect(gone.removed).toBe(true);
    expect(gone.slot).toEqual({ component: (cmp as { p?: string; platform?: string }).p ?? "binary_sensor", discoveryId: "bedroom_env_01 gone" });
    // a removal does not get the shared options, device or origin
    expect(gone.config).not.toHaveProperty("state_topic");
    expect(gone.config).not.toHaveProperty("device");
    expect(component(parsed, "kept").removed).toBe(false);
  });

  it("rejects an unsupported or missing platform per component and keeps the others", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev,
      o: origin,
      cmps: {
        ok: { p: "sensor", uniq_id: "ok", stat_t: "s" },
        thermo: { p: "thermostat", uniq_id: "t" },
        none: { uniq_id: "n" },
        number: { p: 5 },
        text: "sensor",
        list: [{ p: "sensor" }],
      },
    });
    expect(parsed.components.map((c) => c.slot)).toEqual([{ component: "sensor", discoveryId: "bedroom_env_01 ok" }]);
    expect(parsed.rejected).toEqual([
      { slot: { component: "thermostat", discoveryId: "bedroom_env_01 thermo" }, reason: "component 'thermo' has no supported platform ('p')" },
      { slot: { component: "device", discoveryId: "bedroom_env_01 none" }, reason: "component 'none' has no supported platform ('p')" },
      { slot: { component: "device", discoveryId: "bedroom_env_01 number" }, reason: "component 'number' has no supported platform ('p')" },
      { slot: { component: "device", discoveryId: "bedroom_env_01 text" }, reason: "component 'text' is not an object" },
      { slot: { component: "device", discoveryId: "bedroom_env_01 list" }, reason: "component 'list' is not an object" },
    ]);
  });

  // schemas.py check_unique_id: entity platforms with more than just `p` need a unique_id.
  it("rejects an entity component without unique_id, but not a device trigger, a tag or a removal", () => {
    const parsed = configs(DEVICE_TOPIC, {
      dev,
      o: origin,
      cmps: {
        temp: { p: "sensor", stat_t: "s" },
        trigger: { p: "device_automation", atype: "trigger", t: "a/action", type: "action", stype: "single" },
        scanner: { p: "tag", t: "a/tag" },
        gone: { p: "switch" },
        ok: { p: "sensor", uniq_id: "ok", stat_t: "s" },
      },
    });
    expect(parsed.rejected).toEqual([
      { slot: { component: "sensor", discoveryId: "bedroom_env_01 temp" }, reason: "component 'temp' requires a unique_id (required key not provided @ data['components']['temp']['unique_id'])" },
    ]);
    expect(parsed.components.map((c) => [c.slot.discoveryId, c.removed])).toEqual([
      ["bedroom_env_01 trigger", false],
      ["bedroom_env_01 scanner", false],
      ["bedroom_env_01 gone", true],
      ["bedroom_env_01 ok", false],
    ]);
  });

  it.each<[string, string, string]>([
    // discovery id of a component: node_id = topic object_id, object_id = [topic node_id + " "] + component key
    ["homeassistant/device/33333333/config", "meter", "33333333 meter"],
    ["homeassistant/device/bedroom_env_01/config", "bedroom_env_01_t", "bedroom_env_01 bedroom_env_01_t"],
    ["homeassistant/device/rtlamr/33333333/config", "meter", "33333333 rtlamr meter"],
  ])("%s component %s has discovery id %s", (name, key, discoveryId) => {
    const parsed = configs(name, { dev, o: origin, cmps: { [key]: { p: "sensor", uniq_id: key, stat_t: "s" } } });
    expect(parsed.components.map((c) => c.slot)).toEqual([{ component: "sensor", discoveryId }]);
  });

  it("an empty components object is an accepted device payload with nothing in it", () => {
    expect(parse(DEVICE_TOPIC, { dev, o: origin, cmps: {} })).toEqual({ kind: "configs", isDeviceBased: true, components: [], rejected: [] });
  });

  it("rtlamr2mqtt style: full key names and shared state topic", () => {
    const parsed = configs("homeassistant/device/33333333/config", {
      device: { identifiers: ["meter_33333333"], name: "Meter 33333333", manufacturer: "rtlamr", model: "SCM", serial_number: 33333333 },
      origin: { name: "rtlamr2mqtt", sw_version: "2025.6.0", support_url: "https://github.com/allangood/rtlamr2mqtt" },
      components: {
        "33333333_reading": { platform: "sensor", unique_id: "33333333_reading", name: "Reading", value_template: "{{ value_json.Consumption }}" },
        "33333333_lastseen": { platform: "sensor", unique_id: "33333333_lastseen", name: "Last seen", device_class: "timestamp" },
      },
      state_topic: "rtlamr/33333333/state",
      availability_topic: "rtlamr/status",
    });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.components.map((c) => [c.slot.discoveryId, c.config.state_topic, c.config.availability_topic])).toEqual([
      ["33333333 33333333_reading", "rtlamr/33333333/state", "rtlamr/status"],
      ["33333333 33333333_lastseen", "rtlamr/33333333/state", "rtlamr/status"],
    ]);
  });
});

describe("isPlainObject", () => {
  it.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ["x", false],
    [1, false],
    [undefined, false],
  ])("%j → %s", (value, result) => {
    expect(isPlainObject(value)).toBe(result);
  });
});
