import { describe, expect, it } from "vitest";
import { isCrossSiteRequest, type OriginCheckInput } from "./same-origin";

const base: OriginCheckInput = { method: "POST", scheme: "http", host: "192.168.1.20:3000", origin: null, secFetchSite: null, referer: null };

describe("isCrossSiteRequest", () => {
  it("lets same-origin changes through, whatever name the hub is reached by", () => {
    expect(isCrossSiteRequest({ ...base, origin: "http://192.168.1.20:3000" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, host: "hearth.local", origin: "http://hearth.local" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, host: "hearth.local:80", origin: "http://HEARTH.local" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, host: "[::1]:3000", origin: "http://[::1]:3000" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, scheme: "https", host: "hearth.local", origin: "https://hearth.local:443" })).toBe(false);
  });

  it("refuses a foreign origin, another port, another scheme and the opaque origin", () => {
    expect(isCrossSiteRequest({ ...base, origin: "http://evil.example" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, origin: "http://192.168.1.20:3001" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, origin: "https://192.168.1.20:3000" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, origin: "null" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, origin: "not a url" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, host: null, origin: "http://192.168.1.20:3000" })).toBe(true);
  });

  it("falls back to Sec-Fetch-Site, then Referer, and lets header-less tools through", () => {
    expect(isCrossSiteRequest({ ...base, secFetchSite: "same-origin" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, secFetchSite: "same-site" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, secFetchSite: "cross-site" })).toBe(true);
    expect(isCrossSiteRequest({ ...base, referer: "http://192.168.1.20:3000/devices" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, referer: "http://evil.example/x" })).toBe(true);
    expect(isCrossSiteRequest(base)).toBe(false);
  });

  it("never refuses safe methods", () => {
    expect(isCrossSiteRequest({ ...base, method: "GET", origin: "http://evil.example" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, method: "HEAD", origin: "http://evil.example" })).toBe(false);
    expect(isCrossSiteRequest({ ...base, method: "delete", origin: "http://evil.example" })).toBe(true);
  });
});
