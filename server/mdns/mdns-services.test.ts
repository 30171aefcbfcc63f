import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { mdnsServices, type MdnsFacts } from "./mdns-services";

const facts: MdnsFacts = { version: "1.2.3", hubId: "hub-1", httpPort: 3000, mqttListeners: [{ protocol: "mqtt", port: 1883 }] };
const summary = (services: ReturnType<typeof mdnsServices>) => services.map((s) => `_${s.type}._tcp ${s.hostname}:${s.port}`);

describe("mdnsServices", () => {
  it("advertises the web UI on hearth.local, the hub with its TXT, and the MQTT port", () => {
    const services = mdnsServices(loadConfig({}), facts);
    expect(summary(services)).toEqual(["_http._tcp hearth:3000", "_hearth._tcp hearth-hub:3000", "_mqtt._tcp hearth-mqtt:1883"]);
    expect(services[0]?.txt).toEqual({ path: "/" });
    expect(services[1]?.txt).toEqual({ txtvers: "1", id: "hub-1", version: "1.2.3", path: "/", scheme: "http", port: "3000", mqtt: "1883" });
  });

  it("uses the bound ports, not the configured ones", () => {
    const services = mdnsServices(loadConfig({ HEARTH_MQTT_PORT: "0" }), { ...facts, httpPort: 41234, mqttListeners: [] });
    expect(summary(services)).toEqual(["_http._tcp hearth:41234", "_hearth._tcp hearth-hub:41234"]);
    expect(services[1]?.txt.mqtt).toBeUndefined();
    const bound = mdnsServices(loadConfig({ HEARTH_MQTT_PORT: "1883" }), { ...facts, mqttListeners: [{ protocol: "mqtt", port: 51883 }] });
    expect(bound[2]?.port).toBe(51883);
  });

  it("with a certificate: _https._tcp and _secure-mqtt._tcp", () => {
    const config = loadConfig({ HEARTH_TLS_CERT: "c.pem", HEARTH_TLS_KEY: "k.pem", HEARTH_MQTTS_PORT: "8884" });
    const services = mdnsServices(config, { ...facts, mqttListeners: [{ protocol: "mqtt", port: 1883 }, { protocol: "mqtts", port: 8884 }] });
    expect(summary(services)).toEqual(["_https._tcp hearth:3000", "_hearth._tcp hearth-hub:3000", "_mqtt._tcp hearth-mqtt:1883", "_secure-mqtt._tcp hearth-mqtts:8884"]);
    expect(services[1]?.txt).toMatchObject({ scheme: "https", mqtt: "1883", mqtts: "8884" });
  });

  it("in external-broker mode advertises no MQTT", () => {
    const config = loadConfig({ HEARTH_MQTT_URL: "mqtt://broker.lan:1883", HEARTH_TLS_CERT: "c.pem", HEARTH_TLS_KEY: "k.pem" });
    const services = mdnsServices(config, facts);
    expect(summary(services)).toEqual(["_https._tcp hearth:3000", "_hearth._tcp hearth-hub:3000"]);
    expect(services[1]?.txt.mqtt).toBeUndefined();
    expect(services[1]?.txt.mqtts).toBeUndefined();
  });

  it("HEARTH_MDNS=false advertises nothing", () => {
    expect(mdnsServices(loadConfig({ HEARTH_MDNS: "false" }), facts)).toEqual([]);
  });
});
