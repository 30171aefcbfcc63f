// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the test reads the shared corpus fixture; the rule guards runtime code
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { birthTopic, discoverySubscriptions, parseDiscoveryTopic, type DiscoveryTopicMatch } from "./discovery-topic";

interface CorpusCase {
  id: string;
  config_topic: string;
  expect: { component: string; discovery_id: string | null; entities?: unknown[] };
}
const corpus = JSON.parse(readFileSync(new URL("../../../shared/fixtures/discovery/corpus.json", import.meta.url), "utf8")) as CorpusCase[];

/** MQTT topic-filter matching, to check that the subscriptions cover a topic. */
function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const config = (component: string, nodeId: string | null, objectId: string, discoveryId: string): DiscoveryTopicMatch => ({
  kind: "config",
  topic: { component, nodeId, objectId, discoveryId },
});

describe("parseDiscoveryTopic: config topics", () => {
  it.each<[string, DiscoveryTopicMatch]>([
    // <prefix>/<component>/<node_id>/<object_id>/config
    ["homeassistant/sensor/0x00158d00045a1b2c/temperature/config", config("sensor", "0x00158d00045a1b2c", "temperature", "0x00158d00045a1b2c temperature")],
    ["homeassistant/sensor/living-room/temperature/config", config("sensor", "living-room", "temperature", "living-room temperature")],
    [
      "homeassistant/sensor/Fineoffset-WH24-140/Fineoffset-WH24-140-T/config",
      config("sensor", "Fineoffset-WH24-140", "Fineoffset-WH24-140-T", "Fineoffset-WH24-140 Fineoffset-WH24-140-T"),
    ],
    [
      "homeassistant/binary_sensor/1221051039810110150109113116116_0x00124b0029a5b1c8/connection_state/config",
      config(
        "binary_sensor",
        "1221051039810110150109113116116_0x00124b0029a5b1c8",
        "connection_state",
        "1221051039810110150109113116116_0x00124b0029a5b1c8 connection_state",
      ),
    ],
    // <prefix>/<component>/<object_id>/config: node_id is optional
    ["homeassistant/switch/1A2B3C_RL_1/config", config("switch", null, "1A2B3C_RL_1", "1A2B3C_RL_1")],
    ["homeassistant/switch/shellyplus1pm-a8032ab1c2d3-0/config", config("switch", null, "shellyplus1pm-a8032ab1c2d3-0", "shellyplus1pm-a8032ab1c2d3-0")],
    ["homeassistant/switch/irrigation/config", config("switch", null, "irrigation", "irrigation")],
    ["homeassistant/sensor/_/config", config("sensor", null, "_", "_")],
    ["homeassistant/sensor/-/x/config", config("sensor", "-", "x", "- x")],
    // device-based discovery is the component "device"
    ["homeassistant/device/33333333/config", config("device", null, "33333333", "33333333")],
    ["homeassistant/device/rtlamr/33333333/config", config("device", "rtlamr", "33333333", "rtlamr 33333333")],
    // The component segment is passed through; the caller decides whether it is supported.
    ["homeassistant/thermostat/hallway/config", config("thermostat", null, "hallway", "hallway")],
    ["homeassistant/Sensor_2/x/config", config("Sensor_2", null, "x", "x")],
  ])("%s", (topic, match) => {
    expect(parseDiscoveryTopic("homeassistant", topic)).toEqual(match);
  });

  it.each<[string, string, DiscoveryTopicMatch]>([
    ["my_home/homeassistant", "my_home/homeassistant/sensor/bla/config", config("sensor", null, "bla", "bla")],
    ["my_home/homeassistant", "my_home/homeassistant/sensor/node/bla/config", config("sensor", "node", "bla", "node bla")],
    ["my_home/homeassistant", "homeassistant/sensor/bla/config", { kind: "other" }],
    ["my_home/homeassistant", "my_home/sensor/bla/config", { kind: "other" }],
    ["hass", "hass/light/kitchen/config", config("light", null, "kitchen", "kitchen")],
    ["hass", "homeassistant/light/kitchen/config", { kind: "other" }],
    // The prefix is a whole number of levels: "homeassistantx/…" is not under "homeassistant".
    ["homeassistant", "homeassistantx/sensor/a/config", { kind: "other" }],
  ])("prefix %s: %s", (prefix, topic, match) => {
    expect(parseDiscoveryTopic(prefix, topic)).toEqual(match);
  });

  it("matches every corpus config topic with the expected component and discovery id", () => {
    const single = corpus.filter((c) => !c.config_topic.startsWith("homeassistant/device/"));
    expect(single.length).toBeGreaterThan(30);
    for (const c of single) {
      expect(parseDiscoveryTopic("homeassistant", c.config_topic), c.id).toEqual({
        kind: "config",
        topic: expect.objectContaining({ component: c.expect.component, discoveryId: c.expect.discovery_id }) as unknown,
      });
    }
  });

  it("the wildcard subscriptions cover every corpus config topic", () => {
    const filters = discoverySubscriptions("homeassistant");
    for (const c of corpus) expect(filters.some((f) => filterMatches(f, c.config_topic)), c.id).toBe(true);
  });
});

describe("parseDiscoveryTopic: illegal discovery topics", () => {
  const levels = "expected <component>/[<node_id>/]<object_id>/config";
  const chars = (id: string) => `'${id}' may only contain letters, digits, _ and - (node_id and object_id)`;

  it.each<[string, string]>([
    // dots (hostnames), spaces, colons, % (DISCOVERY-PITFALLS)
    ["homeassistant/sensor/esp32.local/temperature/config", chars("esp32.local")],
    ["homeassistant/sensor/node/temp.1/config", chars("temp.1")],
    ["homeassistant/sensor/living room/temperature/config", chars("living room")],
    ["homeassistant/sensor/aa:bb:cc:dd:ee:ff/config", chars("aa:bb:cc:dd:ee:ff")],
    ["homeassistant/sensor/node/humidity%/config", chars("humidity%")],
    ["homeassistant/sensor/wohnzimmer_ä/config", chars("wohnzimmer_ä")],
    ["homeassistant/sensor//config", chars("")],
    ["homeassistant/sensor/node//config", chars("")],
    // too many / too few levels
    ["homeassistant/sensor/a/b/c/config", levels],
    ["homeassistant/sensor/a/b/c/d/config", levels],
    ["homeassistant/sensor/config", levels],
    ["homeassistant/config", levels],
    // the component must be \w+
    ["homeassistant/binary-sensor/door/config", "component 'binary-sensor' has characters other than letters, digits and _"],
    ["homeassistant/sen.sor/door/config", "component 'sen.sor' has characters other than letters, digits and _"],
    ["homeassistant//door/config", "component '' has characters other than letters, digits and _"],
  ])("%s", (topic, reason) => {
    expect(parseDiscoveryTopic("homeassistant", topic)).toEqual({ kind: "illegal", reason });
  });

  it("an illegal topic under a prefix containing '/'", () => {
    expect(parseDiscoveryTopic("my_home/homeassistant", "my_home/homeassistant/sensor/a.b/config")).toEqual({ kind: "illegal", reason: chars("a.b") });
  });
});

describe("parseDiscoveryTopic: other topics under the prefix", () => {
  it.each<[string]>([
    // the HA docs example keeps its state topic under the prefix
    ["homeassistant/switch/irrigation/state"],
    ["homeassistant/switch/irrigation/set"],
    ["homeassistant/status"],
    ["homeassistant"],
    ["homeassistant/"],
    // ends in "config" but not in "/config"
    ["homeassistant/sensor/abcconfig"],
    ["homeassistant/sensor/node/my_config"],
    ["homeassistant/sensor/x/config/extra"],
    ["homeassistant/sensor/x/Config"],
    ["homeassistant/sensor/x/config/"],
    // not under the prefix at all
    ["zigbee2mqtt/bridge/config"],
    ["tasmota/discovery/A4C1386E4AE8/config"],
    ["/homeassistant/sensor/x/config"],
  ])("%s", (topic) => {
    expect(parseDiscoveryTopic("homeassistant", topic)).toEqual({ kind: "other" });
  });
});

describe("discoverySubscriptions and birthTopic", () => {
  it.each<[string, string[]]>([
    ["homeassistant", ["homeassistant/+/+/config", "homeassistant/+/+/+/config"]],
    ["my_home/homeassistant", ["my_home/homeassistant/+/+/config", "my_home/homeassistant/+/+/+/config"]],
  ])("subscriptions under %s", (prefix, filters) => {
    expect(discoverySubscriptions(prefix)).toEqual(filters);
  });

  it.each<[string, boolean]>([
    ["homeassistant/sensor/x/config", true],
    ["homeassistant/sensor/node/x/config", true],
    ["homeassistant/device/x/config", true],
    ["homeassistant/device/node/x/config", true],
    ["homeassistant/switch/irrigation/state", false],
    ["homeassistant/sensor/a/b/c/config", false],
    ["homeassistant/status", false],
  ])("%s is subscribed: %s", (topic, covered) => {
    expect(discoverySubscriptions("homeassistant").some((f) => filterMatches(f, topic))).toBe(covered);
  });

  it.each<[string, string]>([
    ["homeassistant", "homeassistant/status"],
    ["hass", "hass/status"],
  ])("birth topic under %s is %s", (prefix, topic) => {
    expect(birthTopic(prefix)).toBe(topic);
  });
});
