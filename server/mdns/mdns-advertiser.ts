import dgram from "node:dgram";
import type { Logger } from "../logger";
import type { MdnsServiceRecord } from "./mdns-services";

/** The part of @homebridge/ciao's Responder the advertiser uses (tests may pass a library that hangs). */
export interface MdnsResponder {
  createService(options: { name: string; type: string; hostname: string; port: number; txt: Record<string, string> }): MdnsService;
  shutdown(): Promise<void>;
}
export interface MdnsService {
  advertise(): Promise<void>;
  getHostname(): string;
  on(event: "hostname-change" | "name-change", listener: (name: string) => void): unknown;
}
export interface MdnsLibrary {
  getResponder: (options: { interface?: string | string[] }) => MdnsResponder;
}

export interface MdnsAdvertiserDeps {
  log: Logger;
  /** HEARTH_HOST: a specific address limits advertising to its interface; a wildcard means every interface. */
  bindHost: string;
  /** Defaults to @homebridge/ciao, loaded only when something is advertised, after a check that port 5353 can be shared. */
  library?: () => Promise<MdnsLibrary>;
  /** How long stop() waits for the goodbye packets (RFC 6762 §10.1) before giving up. */
  stopTimeoutMs?: number;
}

const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/**
 * Advertises the hub's services on multicast DNS with ciao, which probes every name as unique and renames on a
 * conflict (RFC 6762 §8-9: `hearth.local` becomes `hearth-(2).local`). Failures are one warning; the hub runs on.
 */
export class MdnsAdvertiser {
  readonly #deps: MdnsAdvertiserDeps;
  #responder: MdnsResponder | undefined;
  #starting: Promise<void> | undefined;
  #stopped = false;
  #warned = false;
  #host: string | undefined;

  constructor(deps: MdnsAdvertiserDeps) {
    this.#deps = deps;
  }

  /** Starts probing and announcing in the background; an empty list (HEARTH_MDNS=false) advertises nothing. */
  start(services: MdnsServiceRecord[]): void {
    if (services.length === 0 || this.#starting || this.#stopped) return;
    this.#starting = this.#advertise(services).catch((err: unknown) => this.#warn(err));
  }

  /** The advertised host name of the first service (`hearth.local`, or what a conflict made of it); undefined until announced. */
  hostname(): string | undefined {
    return this.#host;
  }

  /** Sends goodbyes (TTL 0) for every service; resolves within stopTimeoutMs even if the library does not. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#host = undefined;
    const responder = this.#responder;
    this.#responder = undefined;
    if (!responder) return;
    const timeoutMs = this.#deps.stopTimeoutMs ?? 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
      timer.unref();
    });
    const done = responder.shutdown().then(
      () => "sent" as const,
      (err: unknown) => {
        this.#warn(err);
        return "failed" as const;
      },
    );
    const outcome = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") this.#deps.log.warn({ timeoutMs }, "mDNS goodbye packets not confirmed in time; stopping anyway");
  }

  async #advertise(services: MdnsServiceRecord[]): Promise<void> {
    const { bindHost, log } = this.#deps;
    if (!this.#deps.library) await checkMulticast(bindHost);
    const library = await (this.#deps.library ?? loadCiao)();
    if (this.#stopped) return;
    const responder = library.getResponder(WILDCARD.has(bindHost) ? {} : { interface: bindHost });
    this.#responder = responder;
    const created = services.map((record, index) => {
      const service = responder.createService({ name: record.name, type: record.type, hostname: record.hostname, port: record.port, txt: record.txt });
      service.on("name-change", (name) => log.info({ type: record.type, name }, "mDNS name taken on the network; renamed"));
      service.on("hostname-change", (hostname) => {
        log.info({ type: record.type, hostname: `${hostname}.local` }, "mDNS host name taken on the network; renamed");
        if (index === 0 && this.#host !== undefined) this.#host = `${hostname}.local`;
      });
      return { record, service };
    });
    // ciao probes one service at a time; the first (the web UI) owns the name people and devices are told.
    const results = await Promise.allSettled(
      created.map(async ({ record, service }, index) => {
        await service.advertise();
        if (index === 0 && !this.#stopped) this.#host = withoutRootDot(service.getHostname());
        return { type: `_${record.type}._tcp`, host: withoutRootDot(service.getHostname()), port: record.port };
      }),
    );
    if (this.#stopped) return;
    const advertised = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (advertised.length > 0) log.info({ host: this.#host, services: advertised }, "advertising on mDNS");
    if (failed) this.#warn(failed.reason);
  }

  /** One warning for the life of the process: no multicast interface, port 5353 refused, a probe that never settles. */
  #warn(err: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    const message = err instanceof Error ? err.message : String(err);
    this.#deps.log.warn({ err: message }, "mDNS advertising failed; the hub runs without it (set HEARTH_MDNS=false to silence)");
  }
}

function withoutRootDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/**
 * ciao logs a socket it cannot bind to the console and carries on announcing into nothing; this finds the two
 * usual causes first: port 5353 held by a program that does not share it (SO_REUSEADDR), or no multicast route.
 */
export async function checkMulticast(bindHost: string, port = 5353): Promise<void> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", (err: NodeJS.ErrnoException) => reject(new Error(`UDP port ${port} is taken by a program that does not share it (${err.code ?? err.message})`)));
      socket.bind(port, () => resolve());
    });
    const iface = WILDCARD.has(bindHost) || bindHost.includes(":") ? undefined : bindHost;
    try {
      socket.addMembership("224.0.0.251", iface);
    } catch (err) {
      throw new Error(`no multicast interface${iface ? ` for ${iface}` : ""} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  } finally {
    try {
      socket.close();
    } catch {
      // A socket whose bind failed is already closed.
    }
  }
}

async function loadCiao(): Promise<MdnsLibrary> {
  // Loaded on demand: ciao installs source-map-support and opens sockets, neither wanted when mDNS is off.
  const mod = (await import("@homebridge/ciao")) as unknown as { getResponder?: MdnsLibrary["getResponder"]; default?: MdnsLibrary };
  const getResponder = mod.getResponder ?? mod.default?.getResponder;
  if (!getResponder) throw new Error("@homebridge/ciao has no getResponder");
  return { getResponder: (options) => getResponder(options) };
}
