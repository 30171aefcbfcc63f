import dgram from "node:dgram";
import { randomBytes } from "node:crypto";
import multicastDns from "multicast-dns";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "../config";
import { createLogger } from "../logger";
import { migrationsFolder } from "../paths";
import { hubId } from "./hub-id";
import { checkMulticast, MdnsAdvertiser, type MdnsLibrary } from "./mdns-advertiser";
import { mdnsServices, type MdnsServiceRecord } from "./mdns-services";

const MDNS_GROUP = "224.0.0.251";

function capture() {
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger("info", { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, logs };
}

/** Whether a multicast datagram sent on the loopback interface comes back to a member socket on this host. */
async function loopbackMulticastWorks(): Promise<boolean> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      const token = randomBytes(8);
      socket.on("error", () => resolve(false));
      socket.on("message", (msg) => {
        if (msg.equals(token)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.bind(0, () => {
        try {
          socket.addMembership(MDNS_GROUP, "127.0.0.1");
          socket.setMulticastInterface("127.0.0.1");
          socket.setMulticastLoopback(true);
          socket.send(token, socket.address().port, MDNS_GROUP);
        } catch {
          resolve(false);
        }
      });
    });
  } finally {
    socket.close();
  }
}

const multicast = await loopbackMulticastWorks();

interface Found {
  srv?: { port: number; target: string };
  txt: Record<string, string>;
}

/**
 * Asks for `_hearth._tcp.local` from an ephemeral port on loopback: a legacy unicast query (RFC 6762 §6.7), which
 * the responder answers by unicast to that port, so the test neither needs nor disturbs port 5353's listeners.
 */
async function browse(type: string, instance: string): Promise<Found> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  const querier = multicastDns({ socket, bind: false, multicast: false });
  try {
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    socket.setMulticastInterface("127.0.0.1");
    const fqdn = `${instance}.${type}.local`;
    return await new Promise<Found>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer for ${fqdn} in 8 s`)), 8000);
      const ask = setInterval(() => querier.query({ questions: [{ name: `${type}.local`, type: "PTR" }] }, { port: 5353, address: MDNS_GROUP }), 1000);
      querier.on("response", (packet) => {
        const records = [...packet.answers, ...(packet.additionals ?? [])];
        const srv = records.find((r) => r.type === "SRV" && r.name.toLowerCase() === fqdn.toLowerCase());
        const txt = records.find((r) => r.type === "TXT" && r.name.toLowerCase() === fqdn.toLowerCase());
        if (srv?.type !== "SRV") return;
        clearTimeout(timer);
        clearInterval(ask);
        const pairs = txt?.type === "TXT" ? (Array.isArray(txt.data) ? txt.data : [txt.data]).map((b) => b.toString()) : [];
        resolve({ srv: { port: srv.data.port, target: srv.data.target }, txt: Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])) });
      });
      querier.query({ questions: [{ name: `${type}.local`, type: "PTR" }] }, { port: 5353, address: MDNS_GROUP });
    });
  } finally {
    querier.destroy();
  }
}

/** Unique names per run, so parallel runs on this host do not rename each other. */
function uniquely(services: MdnsServiceRecord[], suffix: string): MdnsServiceRecord[] {
  return services.map((s) => ({ ...s, name: `${s.name} ${suffix}`, hostname: `${s.hostname}-${suffix}` }));
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe.skipIf(!multicast)("MdnsAdvertiser on loopback (skipped when this host cannot multicast on loopback)", () => {
  it("a querier on this host discovers _hearth._tcp with its port and TXT", async () => {
    const db = openDatabase({ file: ":memory:", migrationsFolder: migrationsFolder() });
    const id = hubId(db);
    const suffix = randomBytes(3).toString("hex");
    const services = uniquely(mdnsServices(loadConfig({ HEARTH_MQTT_PORT: "18830" }), { version: "9.9.9", hubId: id, httpPort: 18080, mqttListeners: [] }), suffix);
    const { log, logs } = capture();
    const advertiser = new MdnsAdvertiser({ log, bindHost: "127.0.0.1" });
    stops.push(() => advertiser.stop());
    advertiser.start(services);

    const found = await browse("_hearth._tcp", `Hearth ${suffix}`);
    expect(found.srv).toEqual({ port: 18080, target: `hearth-hub-${suffix}.local` });
    expect(found.txt).toMatchObject({ txtvers: "1", id, version: "9.9.9", mqtt: "18830", path: "/" });
    expect((await browse("_mqtt._tcp", `Hearth ${suffix}`)).srv?.port).toBe(18830);
    await expect.poll(() => advertiser.hostname(), { timeout: 10_000 }).toBe(`hearth-${suffix}.local`);
    expect(logs.find((l) => l.msg === "advertising on mDNS")).toMatchObject({ host: `hearth-${suffix}.local` });
    expect(logs.filter((l) => l.level === 40)).toEqual([]);

    const started = Date.now();
    await advertiser.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(advertiser.hostname()).toBeUndefined();
  }, 30_000);

  it("a name already taken gets the library's next name, and that is what hostname() reports", async () => {
    const suffix = randomBytes(3).toString("hex");
    const services = uniquely(mdnsServices(loadConfig({ HEARTH_MQTT_PORT: "0" }), { version: "1", hubId: "x", httpPort: 18081, mqttListeners: [] }), suffix).slice(0, 1);
    const first = new MdnsAdvertiser({ log: capture().log, bindHost: "127.0.0.1" });
    stops.push(() => first.stop());
    first.start(services);
    await expect.poll(() => first.hostname(), { timeout: 10_000 }).toBe(`hearth-${suffix}.local`);
    const { log, logs } = capture();
    const second = new MdnsAdvertiser({ log, bindHost: "127.0.0.1" });
    stops.push(() => second.stop());
    second.start(services);
    await expect.poll(() => second.hostname(), { timeout: 15_000 }).toBe(`hearth-${suffix}-(2).local`);
    expect(logs.some((l) => l.msg === "mDNS host name taken on the network; renamed" && l.hostname === `hearth-${suffix}-(2).local`)).toBe(true);
  }, 30_000);
});

describe("MdnsAdvertiser without a network", () => {
  const records = mdnsServices(loadConfig({}), { version: "1", hubId: "x", httpPort: 3000, mqttListeners: [] });

  it("HEARTH_MDNS=false: nothing is loaded, nothing advertised, stop is immediate", async () => {
    let loaded = 0;
    const advertiser = new MdnsAdvertiser({ log: capture().log, bindHost: "0.0.0.0", library: () => Promise.resolve((loaded++, hangingLibrary())) });
    advertiser.start(mdnsServices(loadConfig({ HEARTH_MDNS: "false" }), { version: "1", hubId: "x", httpPort: 3000, mqttListeners: [] }));
    await advertiser.stop();
    expect(loaded).toBe(0);
    expect(advertiser.hostname()).toBeUndefined();
  });

  it("stop() returns within its bound when the library never finishes", async () => {
    const { log, logs } = capture();
    const advertiser = new MdnsAdvertiser({ log, bindHost: "0.0.0.0", library: () => Promise.resolve(hangingLibrary()), stopTimeoutMs: 200 });
    advertiser.start(records);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await advertiser.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(logs.map((l) => l.msg)).toContain("mDNS goodbye packets not confirmed in time; stopping anyway");
  });

  it("the pre-check names a port held by a program that does not share it", async () => {
    const holder = dgram.createSocket({ type: "udp4", reuseAddr: false });
    await new Promise<void>((resolve) => holder.bind(0, () => resolve()));
    try {
      await expect(checkMulticast("0.0.0.0", holder.address().port)).rejects.toThrow(/is taken by a program that does not share it \(EADDRINUSE\)/);
    } finally {
      holder.close();
    }
    if (multicast) await expect(checkMulticast("127.0.0.1", 0)).resolves.toBeUndefined();
  });

  it("the hub id is made once and kept", () => {
    const db = openDatabase({ file: ":memory:", migrationsFolder: migrationsFolder() });
    const id = hubId(db);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(hubId(db)).toBe(id);
  });

  it("a library that fails is one warning, and start() never throws", async () => {
    const { log, logs } = capture();
    const failing: MdnsLibrary = {
      getResponder: () => {
        throw new Error("Could not detect loopback interface!");
      },
    };
    const advertiser = new MdnsAdvertiser({ log, bindHost: "0.0.0.0", library: () => Promise.resolve(failing) });
    advertiser.start(records);
    advertiser.start(records);
    await expect.poll(() => logs.filter((l) => l.level === 40).length).toBe(1);
    expect(logs.find((l) => l.level === 40)).toMatchObject({ err: "Could not detect loopback interface!" });
    await advertiser.stop();
    expect(advertiser.hostname()).toBeUndefined();
  });
});

function hangingLibrary(): MdnsLibrary {
  const never = () => new Promise<void>(() => undefined);
  return {
    getResponder: () => ({
      createService: () => ({ advertise: never, getHostname: () => "hearth.local.", on: () => undefined }),
      shutdown: never,
    }),
  };
}
