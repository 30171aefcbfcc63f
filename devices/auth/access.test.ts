import { describe, expect, it } from "vitest";
import { canManage, clientAddress, isHomeNetworkAddress, isLimited, seesRoom } from "./access";

describe("household access rules", () => {
  it("tells home-network addresses from the rest, IPv4, IPv6 and IPv4-mapped", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.20", "169.254.10.1", "::1", "fd12:3456::1", "fe80::1%eth0", "::ffff:192.168.0.5", "[::1]"]) {
      expect(isHomeNetworkAddress(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "172.32.0.1", "172.15.0.1", "192.169.0.1", "100.64.0.1", "2001:db8::1", "::ffff:8.8.8.8", "999.1.1.1", "", null, undefined, "not an address", "fe80-evil.example"]) {
      expect(isHomeNetworkAddress(a), String(a)).toBe(false);
    }
  });

  it("believes X-Forwarded-For only from a proxy on this machine, and then only its last hop", () => {
    expect(clientAddress("203.0.113.9", "192.168.1.2")).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", "192.168.1.2")).toBe("192.168.1.2");
    expect(clientAddress("::ffff:127.0.0.1", "10.0.0.1, 203.0.113.9")).toBe("203.0.113.9");
    expect(clientAddress("::1", null)).toBe("::1");
    expect(clientAddress(null, "192.168.1.2")).toBeNull();
  });

  it("limits members with rooms and every kiosk; owners and admins manage", () => {
    expect(isLimited({ role: "user", rooms: null })).toBe(false);
    expect(isLimited({ role: "user", rooms: ["living"] })).toBe(true);
    expect(isLimited({ role: "kiosk", rooms: null })).toBe(true);
    expect(seesRoom({ role: "user", rooms: ["living"] }, "living")).toBe(true);
    expect(seesRoom({ role: "user", rooms: ["living"] }, "kitchen")).toBe(false);
    expect(seesRoom({ role: "user", rooms: ["living"] }, null)).toBe(false);
    expect(seesRoom({ role: "kiosk", rooms: null }, null)).toBe(true);
    expect(canManage({ role: "admin" })).toBe(true);
    expect(canManage({ role: "kiosk" })).toBe(false);
  });
});
