import { describe, expect, it } from "vitest";
import { credentialsQrText, firmwareSnippet, hostPort, isPairingKind, PAIRING_KINDS, topicSlug, yamlString, type SnippetInput } from "./firmware-snippets";
import { parseBaseTopic, parseBridgeEvent, permitJoinPayload } from "./z2m-bridge";

const base: Omit<SnippetInput, "kind"> = {
  host: "192.168.1.20",
  port: 1883,
  username: "pair-esphome-ab12cd",
  password: "s3cretPASSword",
  discoveryPrefix: "homeassistant",
};

describe("firmwareSnippet", () => {
  it("Tasmota: one Backlog with host, port, credentials, topic and HA discovery (SetOption19 1)", () => {
    const s = firmwareSnippet({ ...base, kind: "tasmota", deviceTopic: "Kitchen Plug" });
    expect(s.text).toBe("Backlog MqttHost 192.168.1.20; MqttPort 1883; MqttUser pair-esphome-ab12cd; MqttPassword s3cretPASSword; Topic kitchen_plug; SetOption19 1");
    expect(s.language).toBe("console");
  });

  it("Tasmota: a value with ';' leaves the Backlog and gets its own command", () => {
    const s = firmwareSnippet({ ...base, kind: "tasmota", password: "a;b" });
    expect(s.text.split("\n")).toEqual([
      "Backlog MqttHost 192.168.1.20; MqttPort 1883; MqttUser pair-esphome-ab12cd; Topic pair-esphome-ab12cd; SetOption19 1",
      "MqttPassword a;b",
    ]);
  });

  it("Tasmota warns when Hearth's prefix is not homeassistant", () => {
    const s = firmwareSnippet({ ...base, kind: "tasmota", discoveryPrefix: "hearth" });
    expect(s.notes.join(" ")).toContain("“hearth/”");
  });

  it("ESPHome: an mqtt: block with quoted values and discovery on", () => {
    const s = firmwareSnippet({ ...base, kind: "esphome" });
    expect(s.text).toBe(
      ["mqtt:", '  broker: "192.168.1.20"', "  port: 1883", '  username: "pair-esphome-ab12cd"', '  password: "s3cretPASSword"', "  discovery: true", '  discovery_prefix: "homeassistant"'].join("\n"),
    );
  });

  it("YAML values stay data whatever they hold", () => {
    const s = firmwareSnippet({ ...base, kind: "esphome", password: `x": #y\\ *z` });
    expect(s.text).toContain(`  password: "x\\": #y\\\\ *z"`);
    expect(yamlString("line\nbreak")).toBe('"line\\nbreak"');
  });

  it("Zigbee2MQTT: 2.x homeassistant.enabled, mqtt server URL, base topic", () => {
    const s = firmwareSnippet({ ...base, kind: "zigbee2mqtt", baseTopic: "z2m" });
    expect(s.text).toBe(
      [
        "homeassistant:",
        "  enabled: true",
        '  discovery_topic: "homeassistant"',
        "mqtt:",
        '  base_topic: "z2m"',
        '  server: "mqtt://192.168.1.20:1883"',
        '  user: "pair-esphome-ab12cd"',
        '  password: "s3cretPASSword"',
      ].join("\n"),
    );
    expect(firmwareSnippet({ ...base, kind: "zigbee2mqtt" }).text).toContain('base_topic: "zigbee2mqtt"');
  });

  it("Zigbee2MQTT brackets an IPv6 broker address", () => {
    expect(firmwareSnippet({ ...base, kind: "zigbee2mqtt", host: "fd00::5" }).text).toContain('server: "mqtt://[fd00::5]:1883"');
  });

  it("Shelly: an MQTT.SetConfig RPC with status notifications, and an honest note about discovery", () => {
    const s = firmwareSnippet({ ...base, kind: "shelly" });
    const rpc = JSON.parse(s.text) as { method: string; params: { config: Record<string, unknown> } };
    expect(rpc.method).toBe("MQTT.SetConfig");
    expect(rpc.params.config).toEqual({ enable: true, server: "192.168.1.20:1883", user: base.username, pass: base.password, topic_prefix: base.username, rpc_ntf: true, status_ntf: true });
    expect(s.notes.join(" ")).toContain("does not announce itself");
  });

  it("generic: every setting on its own line", () => {
    const s = firmwareSnippet({ ...base, kind: "generic" });
    expect(s.text).toContain("Broker: mqtt://192.168.1.20:1883");
    expect(s.text).toContain("Password: s3cretPASSword");
    expect(s.text).toContain("Discovery prefix: homeassistant");
  });

  it("every kind produces text containing the credentials", () => {
    for (const kind of PAIRING_KINDS) {
      const s = firmwareSnippet({ ...base, kind });
      expect(s.text).toContain(base.username);
      expect(s.text).toContain(base.password);
    }
  });
});

describe("helpers", () => {
  it("isPairingKind accepts only known kinds", () => {
    expect(isPairingKind("esphome")).toBe(true);
    expect(isPairingKind("zwave")).toBe(false);
    expect(isPairingKind(undefined)).toBe(false);
  });

  it("topicSlug makes a safe topic segment", () => {
    expect(topicSlug("Küche #1 / Plug+")).toBe("kuche_1_plug");
    expect(topicSlug("###")).toBe("device");
  });

  it("hostPort and credentialsQrText", () => {
    expect(hostPort("hearth.local", 1883)).toBe("hearth.local:1883");
    expect(hostPort("fe80::1", 1883)).toBe("[fe80::1]:1883");
    expect(credentialsQrText(base)).toBe("MQTT mqtt://192.168.1.20:1883\nuser pair-esphome-ab12cd\npassword s3cretPASSword");
  });
});

describe("Zigbee2MQTT bridge", () => {
  it("permitJoinPayload works on 1.x and 2.x and clamps", () => {
    expect(permitJoinPayload(120)).toEqual({ value: true, time: 120 });
    expect(permitJoinPayload(0)).toEqual({ value: false, time: 0 });
    expect(permitJoinPayload(9999)).toEqual({ value: true, time: 254 });
    expect(permitJoinPayload(Number.NaN)).toEqual({ value: false, time: 0 });
  });

  it("parseBaseTopic refuses wildcards and empty topics", () => {
    expect(parseBaseTopic(" zigbee2mqtt ")).toBe("zigbee2mqtt");
    expect(parseBaseTopic("z/#")).toBeNull();
    expect(parseBaseTopic("")).toBeNull();
    expect(parseBaseTopic("/x")).toBeNull();
  });

  it("parseBridgeEvent reads join, interview and announce events and ignores the rest", () => {
    expect(parseBridgeEvent('{"type":"device_joined","data":{"friendly_name":"0x1","ieee_address":"0x1"}}')).toMatchObject({ type: "device_joined", ieee_address: "0x1", status: null });
    expect(
      parseBridgeEvent(
        '{"type":"device_interview","data":{"friendly_name":"bulb","status":"successful","ieee_address":"0x2","supported":true,"definition":{"model":"LED1624G9","vendor":"IKEA","description":"bulb"}}}',
      ),
    ).toMatchObject({ type: "device_interview", status: "successful", supported: true, vendor: "IKEA", model: "LED1624G9", friendly_name: "bulb" });
    expect(parseBridgeEvent('{"type":"device_interview","data":{"status":"weird","ieee_address":"0x3"}}')).toMatchObject({ status: null });
    expect(parseBridgeEvent("not json")).toBeNull();
    expect(parseBridgeEvent('{"type":"something_else","data":{"ieee_address":"0x1"}}')).toBeNull();
    expect(parseBridgeEvent('{"type":"device_joined","data":{}}')).toBeNull();
    expect(parseBridgeEvent("null")).toBeNull();
  });
});
