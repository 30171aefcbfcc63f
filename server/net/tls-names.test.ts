import type os from "node:os";
import { describe, expect, it } from "vitest";
import { certificateNames, mdnsHosts, normalizeIp } from "./tls-names";

const iface = (address: string, internal = false): os.NetworkInterfaceInfo =>
  (address.includes(":")
    ? { address, internal, family: "IPv6", netmask: "ffff:ffff:ffff:ffff::", mac: "00:00:00:00:00:00", cidr: null, scopeid: 0 }
    : { address, internal, family: "IPv4", netmask: "255.255.255.0", mac: "00:00:00:00:00:00", cidr: null });

describe("certificateNames", () => {
  it("covers the mDNS names, the machine, loopback and every LAN address, but not internal ones", () => {
    const names = certificateNames({
      hostname: "Kitchen-Pi.lan",
      interfaces: { lo: [iface("127.0.0.1", true), iface("::1", true)], eth0: [iface("192.168.1.20"), iface("fe80::1%eth0")], docker0: [iface("172.17.0.1")] },
      extraNames: ["Hub.Example.ORG."],
      extraIps: ["::ffff:192.0.2.5"],
    });
    expect(names.dns).toEqual(["hearth.local", "hearth-hub.local", "hearth-mqtt.local", "hearth-mqtts.local", "kitchen-pi.lan", "kitchen-pi.local", "localhost", "hub.example.org"]);
    expect(names.ips).toEqual(["127.0.0.1", "::1", "192.168.1.20", "fe80::1", "172.17.0.1", "::ffff:c000:205"]);
  });

  it("takes the advertised names from the mDNS service table", () => {
    expect(mdnsHosts()).toEqual(expect.arrayContaining([{ type: "https", host: "hearth.local" }, { type: "secure-mqtt", host: "hearth-mqtts.local" }]));
  });

  it("leaves out a machine name that is no DNS name, and refuses bad extras", () => {
    expect(certificateNames({ hostname: "My Laptop", interfaces: {} }).dns).not.toContain("my laptop");
    expect(() => certificateNames({ hostname: "h", interfaces: {}, extraNames: ["192.168.1.2"] })).toThrow("use --ip for addresses");
    expect(() => certificateNames({ hostname: "h", interfaces: {}, extraNames: ["under_score.lan"] })).toThrow('--name "under_score.lan" is not a host name');
    expect(() => normalizeIp("hearth.local")).toThrow('--ip "hearth.local" is not an IPv4 or IPv6 address');
  });
});
