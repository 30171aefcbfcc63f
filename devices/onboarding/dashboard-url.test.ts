import { describe, expect, it } from "vitest";
import { dashboardUrl } from "./dashboard-url";

const http = { protocol: "http", port: 3000 };
const hosts = [
  { address: "192.168.1.20", family: "ipv4" as const },
  { address: "hearth.local", family: "name" as const },
];

describe("dashboardUrl", () => {
  it("uses the address the page was opened at when a phone can reach it", () => {
    expect(dashboardUrl({ requestHostname: "hearth.local", hosts, http })).toBe("http://hearth.local:3000/");
    expect(dashboardUrl({ requestHostname: "[fd00::20]", hosts, http })).toBe("http://[fd00::20]:3000/");
  });

  it("falls back to the first LAN address when the page was opened on loopback", () => {
    expect(dashboardUrl({ requestHostname: "localhost", hosts, http })).toBe("http://192.168.1.20:3000/");
    expect(dashboardUrl({ requestHostname: "127.0.0.1", hosts: [{ address: "fd00::20", family: "ipv6" }], http })).toBe("http://[fd00::20]:3000/");
  });

  it("is null when only loopback is known or there is no HTTP listener", () => {
    expect(dashboardUrl({ requestHostname: "127.0.0.1", hosts: [{ address: "127.0.0.1", family: "ipv4" }], http })).toBeNull();
    expect(dashboardUrl({ requestHostname: "hearth.local", hosts, http: undefined })).toBeNull();
  });

  it("leaves out default ports", () => {
    expect(dashboardUrl({ requestHostname: "hub", hosts, http: { protocol: "https", port: 443 } })).toBe("https://hub/");
  });
});
