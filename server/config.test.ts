import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

describe("loadConfig", () => {
  it("gives the contract's defaults", () => {
    const c = loadConfig({});
    expect(c.httpPort).toBe(3000);
    expect(c.mqttPort).toBe(1883);
    expect(c.host).toBe("0.0.0.0");
    expect(c.mqttAnonymous).toBe(false);
    expect(c.discoveryPrefix).toBe("homeassistant");
    expect(c.mdns).toBe(true);
    expect(c.dataDir.endsWith("/data")).toBe(true);
    expect(c.tls).toBeUndefined();
  });

  it("names every bad variable in one error", () => {
    let error: unknown;
    try {
      loadConfig({ HEARTH_HTTP_PORT: "http", HEARTH_MQTT_PORT: "70000", HEARTH_MQTT_ANONYMOUS: "maybe", HEARTH_LOG_LEVEL: "loud" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.variables.sort()).toEqual(["HEARTH_HTTP_PORT", "HEARTH_LOG_LEVEL", "HEARTH_MQTT_ANONYMOUS", "HEARTH_MQTT_PORT"]);
    expect(e.message).toContain('HEARTH_HTTP_PORT: must be a port number from 0 to 65535, got "http"');
  });

  it("reads trusted proxies and home networks as address lists, and names a wrong entry", () => {
    expect(loadConfig({}).network).toEqual({ trustedProxies: ["loopback"], homeNetworks: ["loopback", "linklocal", "uniquelocal"] });
    expect(loadConfig({ HEARTH_TRUSTED_PROXIES: "none", HEARTH_HOME_NETWORKS: "192.168.1.0/24, fd00::/8" }).network).toEqual({ trustedProxies: [], homeNetworks: ["192.168.1.0/24", "fd00::/8"] });
    expect(() => loadConfig({ HEARTH_TRUSTED_PROXIES: "loopback, docker" })).toThrow(/HEARTH_TRUSTED_PROXIES: "docker" is not an address/);
    expect(() => loadConfig({ HEARTH_HOME_NETWORKS: "192.168.1.0/40" })).toThrow(/HEARTH_HOME_NETWORKS/);
  });

  it("needs both certificate and key for TLS, and rejects wildcard prefixes", () => {
    expect(() => loadConfig({ HEARTH_TLS_CERT: "/x.pem" })).toThrow(/HEARTH_TLS_KEY/);
    expect(() => loadConfig({ HEARTH_DISCOVERY_PREFIX: "home/#" })).toThrow(/HEARTH_DISCOVERY_PREFIX/);
    const c = loadConfig({ HEARTH_TLS_CERT: "/c.pem", HEARTH_TLS_KEY: "/k.pem", HEARTH_MQTTS_PORT: "8884" });
    expect(c.tls).toEqual({ port: 8884, certFile: "/c.pem", keyFile: "/k.pem" });
  });

  it("stops the real process with one message naming the bad variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: { ...process.env, HEARTH_HTTP_PORT: "not-a-port", HEARTH_DATA_DIR: "/nonexistent/never-created" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("HEARTH_HTTP_PORT");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
