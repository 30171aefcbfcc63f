import { createHash, randomBytes } from "node:crypto";
import { DEFAULT_Z2M_BASE_TOPIC, firmwareSnippet, type PairingKind } from "@/devices/onboarding/firmware-snippets";
import type { AclRule } from "@/devices/mqtt-acl/acl-rules";
import { pairingAcl } from "@/devices/onboarding/pairing-acls";
import { parseBaseTopic } from "@/devices/onboarding/z2m-bridge";
import { HubError } from "../errors";
import type { EventBus, MqttClientInfo } from "../event-bus";
import type { DeviceView } from "../hub-api";
import type { Logger } from "../logger";
import type { MqttBus } from "../mqtt/mqtt-bus";
import { BridgeWatch } from "./bridge-watch";
import { preferHost } from "./lan-hosts";
import type { BridgeEventsView, PairingApi, PairingDeviceView, PairingHostView, PairingStartView, PairingStatusView, PairingWait } from "./pairing-views";

export const SESSION_TTL_MS = 30 * 60_000;
/** The longest a status request waits for a change (below common proxy and browser idle limits). */
const MAX_WAIT_MS = 25_000;
/** Wake-ups that changed nothing for this session (other devices' traffic) before answering anyway. */
const MAX_WAIT_ROUNDS = 200;
const MAX_SESSIONS = 32;
/** Devices checked per status call (each costs one look-up in the broker's topic index). */
const MAX_CANDIDATES = 50;
/** A device announced in the same second as the CONNECT still counts (clocks of two threads). */
const CLOCK_SLACK_MS = 2000;

interface Session {
  id: string;
  kind: PairingKind;
  username: string;
  baseTopic: string | null;
  createdAt: number;
  expiresAt: number;
  connectedAt: number | null;
}

export interface PairingServiceDeps {
  mqtt: Pick<MqttBus, "subscribe" | "publish" | "clients">;
  bus: Pick<EventBus, "on">;
  log: Logger;
  discoveryPrefix: string;
  /** The broker's TCP and TLS ports, null when off; undefined when Hearth uses an external broker. */
  ports: () => { tcp: number | null; tls: number | null } | undefined;
  hosts: () => PairingHostView[];
  /** `acl`: the kind's default access rules (devices/onboarding/pairing-acls.ts). */
  createMqttUser: (input: { username: string; description: string; acl: AclRule[] }) => Promise<{ password: string }>;
  devices: () => DeviceView[];
  /** Who published the last message on a topic, when the broker knows (embedded broker only). */
  publisherOf: (topic: string) => Promise<{ username: string | null } | undefined>;
  now?: () => number;
}

/**
 * The "Add device" wizard's server side. Limitation: the registry does not record which MQTT client sent a
 * discovery config, so a device is tied to a session through the broker's topic index (the username that
 * published its discovery config). When that is unknown (external broker, or a config restored from the
 * broker's store after a restart) a device created after the session's client connected is shown as a
 * "timing" match, which can include a device another client announced at the same moment.
 */
export class PairingService {
  readonly #deps: PairingServiceDeps;
  readonly #sessions = new Map<string, Session>();
  readonly #bridges: BridgeWatch;
  #offConnected: (() => void) | undefined;

  constructor(deps: PairingServiceDeps) {
    this.#deps = deps;
    this.#bridges = new BridgeWatch({ mqtt: deps.mqtt, log: deps.log });
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  start(): void {
    // clients() only lists who is connected now; a device that connects, announces and sleeps is seen here.
    this.#offConnected = this.#deps.bus.on("mqttClientConnected", (c) => this.#onConnected(c));
  }

  async stop(): Promise<void> {
    this.#offConnected?.();
    this.#offConnected = undefined;
    this.#sessions.clear();
    await this.#bridges.close();
  }

  #onConnected(client: MqttClientInfo): void {
    if (!client.username) return;
    for (const s of this.#sessions.values()) {
      if (s.username === client.username && s.connectedAt === null) s.connectedAt = this.#now();
    }
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
  }

  #session(id: string): Session {
    const s = this.#sessions.get(id);
    if (!s || s.expiresAt <= this.#now()) throw new HubError("not_found", "this pairing session has expired; start again");
    return s;
  }

  /** The API namespace handed to app/ through HubApi. */
  api(): PairingApi {
    return {
      start: (input) => this.#start(input),
      status: (id, wait) => (wait ? this.#waitStatus(id, wait) : this.#status(id)),
      permitJoin: (input) => this.#permitJoin(input),
      bridgeEvents: (base) => this.#bridgeEvents(base),
      hosts: () => this.#deps.hosts(),
    };
  }

  async #start(input: { kind: PairingKind; name?: string | undefined; base_topic?: string | undefined; preferred_host?: string | undefined }): Promise<PairingStartView> {
    const ports = this.#deps.ports();
    if (!ports) throw new HubError("unprocessable", "Hearth uses an external MQTT broker: create the device’s login on that broker");
    let baseTopic: string | null = null;
    if (input.kind === "zigbee2mqtt") {
      baseTopic = parseBaseTopic(input.base_topic ?? DEFAULT_Z2M_BASE_TOPIC);
      if (!baseTopic) throw new HubError("invalid_input", "base_topic must be a topic without wildcards or leading/trailing '/'");
    }
    this.#sweep();
    const shortId = randomBytes(3).toString("hex");
    const username = `pair-${input.kind}-${shortId}`;
    const label = input.name?.trim().slice(0, 80);
    const acl = pairingAcl({ kind: input.kind, discoveryPrefix: this.#deps.discoveryPrefix, username, deviceTopic: label || undefined, baseTopic: baseTopic ?? undefined });
    const { password } = await this.#deps.createMqttUser({ username, description: `Add device wizard: ${label || input.kind}`, acl });
    const now = this.#now();
    const session: Session = { id: randomBytes(12).toString("base64url"), kind: input.kind, username, baseTopic, createdAt: now, expiresAt: now + SESSION_TTL_MS, connectedAt: null };
    this.#sessions.set(session.id, session);
    if (baseTopic) await this.#bridges.watch(baseTopic);
    const hosts = preferHost(this.#deps.hosts(), input.preferred_host);
    const host = hosts[0]?.address ?? "127.0.0.1";
    const port = ports.tcp;
    const snippet = firmwareSnippet({
      kind: input.kind,
      host,
      port: port ?? 1883,
      username,
      password,
      discoveryPrefix: this.#deps.discoveryPrefix,
      deviceTopic: label || undefined,
      baseTopic: baseTopic ?? undefined,
    });
    this.#deps.log.info({ kind: input.kind, username }, "pairing session started");
    return {
      session_id: session.id,
      kind: input.kind,
      username,
      password,
      hosts,
      port,
      tls_port: ports.tls,
      discovery_prefix: this.#deps.discoveryPrefix,
      base_topic: baseTopic,
      name: label || null,
      snippet,
      expires_at: session.expiresAt,
    };
  }

  /** The status once it differs from `wait.since`: the wizard waits live without polling every second. */
  async #waitStatus(id: string, wait: PairingWait): Promise<PairingStatusView> {
    const first = await this.#status(id);
    if (first.version !== wait.since || wait.signal?.aborted) return first;
    const timeoutMs = Math.min(Math.max(wait.timeoutMs, 0), MAX_WAIT_MS);
    const deadline = this.#now() + timeoutMs;
    // What can change a session's status: a client coming or going, or the registry (a device announced).
    for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
      const left = deadline - this.#now();
      if (left <= 0 || wait.signal?.aborted) break;
      await this.#nextChange(left, wait.signal);
      const now = await this.#status(id);
      if (now.version !== wait.since) return now;
    }
    return this.#status(id);
  }

  #nextChange(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const { bus } = this.#deps;
    return new Promise<void>((resolve) => {
      const offs: Array<() => void> = [];
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        for (const off of offs.splice(0)) off();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      offs.push(bus.on("mqttClientConnected", done), bus.on("mqttClientDisconnected", done), bus.on("registryUpdated", done), bus.on("entityDiscovered", done));
    });
  }

  async #status(id: string): Promise<PairingStatusView> {
    const s = this.#session(id);
    const online = this.#deps.mqtt.clients().some((c) => c.username === s.username);
    if (online && s.connectedAt === null) s.connectedAt = this.#now();
    const devices = s.connectedAt === null ? [] : await this.#found(s, s.connectedAt);
    const view = {
      session_id: s.id,
      kind: s.kind,
      username: s.username,
      state: devices.length > 0 ? ("found" as const) : s.connectedAt !== null ? ("connected" as const) : ("waiting" as const),
      online,
      connected_at: s.connectedAt,
      devices,
      base_topic: s.baseTopic,
      expires_at: s.expiresAt,
    };
    return { ...view, version: createHash("sha256").update(JSON.stringify(view)).digest("base64url").slice(0, 16) };
  }

  async #found(s: Session, connectedAt: number): Promise<PairingDeviceView[]> {
    const candidates = this.#deps
      .devices()
      .filter((d) => d.updated_at >= s.createdAt - CLOCK_SLACK_MS && d.entities.length + d.triggers.length > 0)
      .sort((a, b) => b.updated_at - a.updated_at)
      .slice(0, MAX_CANDIDATES);
    const found: PairingDeviceView[] = [];
    for (const d of candidates) {
      const topic = d.entities[0]?.discovery_topic;
      const publisher = topic ? await this.#deps.publisherOf(topic).catch(() => undefined) : undefined;
      let match: PairingDeviceView["match"] | undefined;
      if (publisher?.username) match = publisher.username === s.username ? "publisher" : undefined;
      else if (d.created_at >= connectedAt - CLOCK_SLACK_MS) match = "timing";
      if (!match) continue;
      found.push({
        id: d.id,
        name: d.name,
        manufacturer: d.manufacturer,
        model: d.model,
        room_id: d.room_id,
        entity_count: d.entities.length,
        match,
        created_at: d.created_at,
      });
    }
    return found.sort((a, b) => a.created_at - b.created_at);
  }

  async #permitJoin(input: { base_topic: string; seconds: number }): Promise<BridgeEventsView> {
    const base = parseBaseTopic(input.base_topic);
    if (!base) throw new HubError("invalid_input", "base_topic must be a topic without wildcards or leading/trailing '/'");
    return this.#bridges.permitJoin(base, input.seconds);
  }

  async #bridgeEvents(baseTopic: string): Promise<BridgeEventsView> {
    const base = parseBaseTopic(baseTopic);
    if (!base) throw new HubError("invalid_input", "base_topic must be a topic without wildcards or leading/trailing '/'");
    await this.#bridges.watch(base);
    return this.#bridges.events(base);
  }
}
