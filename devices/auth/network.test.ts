import { describe, expect, it } from "vitest";
import { NetworkTrust, parseAddressList } from "./network";

describe("network trust", () => {
  const defaults = new NetworkTrust();

  it("tells home-network addresses from the rest by default, IPv4, IPv6 and IPv4-mapped", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.20", "169.254.10.1", "::1", "fd12:3456::1", "fe80::1%eth0", "::ffff:192.168.0.5", "[::1]"]) {
      expect(defaults.isHome(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "172.32.0.1", "172.15.0.1", "192.169.0.1", "100.64.0.1", "2001:db8::1", "::ffff:8.8.8.8", "999.1.1.1", "", null, undefined, "not an address", "fe80-evil.example"]) {
      expect(defaults.isHome(a), String(a)).toBe(false);
    }
  });

  it("believes X-Forwarded-For only from a proxy on this machine by default, and then only its last hop", () => {
    expect(defaults.clientAddress("203.0.113.9", "192.168.1.2")).toBe("203.0.113.9");
    expect(defaults.clientAddress("192.168.1.5", "127.0.0.1")).toBe("192.168.1.5");
    expect(defaults.clientAddress("127.0.0.1", "192.168.1.2")).toBe("192.168.1.2");
    // A client far away prepends a home address; the proxy appends the real one, which is what counts.
    expect(defaults.clientAddress("::ffff:127.0.0.1", "10.0.0.1, 203.0.113.9")).toBe("203.0.113.9");
    expect(defaults.clientAddress("::1", null)).toBe("::1");
    expect(defaults.clientAddress("::1", "")).toBe("::1");
    expect(defaults.clientAddress(null, "192.168.1.2")).toBeNull();
    // Garbage a trusted proxy passed on is the client's address, and it is not home.
    expect(defaults.clientAddress("127.0.0.1", "not-an-ip")).toBe("not-an-ip");
    expect(defaults.isHome(defaults.clientAddress("127.0.0.1", "not-an-ip"))).toBe(false);
  });

  it("believes a proxy in a container or on another machine when told to, hop by hop", () => {
    const trust = new NetworkTrust({ trustedProxies: parseAddressList("loopback, 172.17.0.0/16, 192.168.1.2"), homeNetworks: parseAddressList("192.168.1.0/24") });
    // Docker's bridge proxy forwards a phone on the LAN.
    expect(trust.clientAddress("172.17.0.3", "192.168.1.40")).toBe("192.168.1.40");
    // Two trusted hops (a proxy on the LAN, then one in a container): the first untrusted from the right counts.
    expect(trust.clientAddress("172.17.0.3", "203.0.113.9, 192.168.1.2")).toBe("203.0.113.9");
    // A LAN address that is not a trusted proxy cannot forward.
    expect(trust.clientAddress("192.168.1.77", "192.168.1.40")).toBe("192.168.1.77");
    // Every hop trusted: the leftmost is the client.
    expect(trust.clientAddress("127.0.0.1", "192.168.1.2")).toBe("192.168.1.2");
  });

  it("counts only the ranges given as home, so a tunnel on loopback is not home when loopback is left out", () => {
    const trust = new NetworkTrust({ trustedProxies: [], homeNetworks: parseAddressList("192.168.1.0/24, 2001:db8:1::/48") });
    expect(trust.clientAddress("127.0.0.1", "192.168.1.2")).toBe("127.0.0.1");
    expect(trust.isHome("127.0.0.1")).toBe(false);
    expect(trust.isHome("192.168.1.200")).toBe(true);
    expect(trust.isHome("::ffff:192.168.1.200")).toBe(true);
    expect(trust.isHome("192.168.2.1")).toBe(false);
    expect(trust.isHome("2001:db8:1::42")).toBe(true);
    expect(trust.isHome("2001:db8:2::42")).toBe(false);
  });

  it("reads lists with commas or spaces, masks and keywords, and names a wrong entry", () => {
    expect(parseAddressList("loopback, 10.0.0.0/255.0.0.0  fd00::/8")).toEqual(["loopback", "10.0.0.0/255.0.0.0", "fd00::/8"]);
    expect(parseAddressList("none")).toEqual([]);
    expect(parseAddressList("")).toEqual([]);
    expect(() => parseAddressList("loopback, lan")).toThrow(/"lan" is not an address/);
    expect(() => parseAddressList("192.168.1.0/33")).toThrow(/192\.168\.1\.0\/33/);
    expect(() => parseAddressList("none, loopback")).toThrow(/"none"/);
  });
});
