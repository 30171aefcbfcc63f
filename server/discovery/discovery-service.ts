import { createHash } from "node:crypto";
import { PLATFORMS } from "@/devices/components";
import { isComponent } from "@/devices/components/platform";
import { parseDiscoveryMessage, slotKeyString, type ComponentConfig } from "@/devices/discovery/discovery-message";
import { describeIssues, parseCommonConfig } from "@/devices/discovery/entity-config";
import { birthTopic, discoverySubscriptions, parseDiscoveryTopic } from "@/devices/discovery/discovery-topic";
import type { DiscoveryRecordView, DiscoveryStatusView } from "../hub-api";
import type { Logger } from "../logger";
import type { MqttBus, MqttMessage } from "../mqtt/mqtt-bus";
import type { DefinitionLoader, DeviceRegistry, EntityDefinition } from "../registry/device-registry";

const PAYLOAD_CHARS_KEPT = 16 * 1024;
const MAX_RECORDS = 20_000;
/** A topic whose config changes more often than this in CHURN_WINDOW_MS is applied at most once a second. */
const CHURN_LIMIT = 10;
const CHURN_WINDOW_MS = 10_000;
const CHURN_APPLY_EVERY_MS = 1_000;

export interface DiscoveryServiceDeps {
  mqtt: MqttBus;
  registry: DeviceRegistry;
  log: Logger;
  prefix: string;
  /** Quiet time after the retained replay before the birth message goes out (DISCOVERY.md §11). */
  settleMs?: number;
  now?: () => number;
  /** Fingerprints of applied retained payloads (db/queries/discovery.ts); without it every replayed config is parsed again. */
  fingerprints?: FingerprintStore;
}

/** Per config topic, the fingerprint of the last retained payload that was applied in full. */
export interface FingerprintStore {
  get(topic: string): string | undefined;
  set(topic: string, fingerprint: string): void;
  delete(topic: string): void;
  readonly pending: number;
  flush(): void;
}

interface TopicRecord extends DiscoveryRecordView {
  /** Recent arrival times, for churn detection. */
  arrivals: number[];
  pending: MqttMessage | undefined;
  timer: NodeJS.Timeout | undefined;
  loggedReason: string | null;
}

/**
 * Turns discovery config messages into registry slots, following HA's pipeline (DISCOVERY.md §3):
 * topic → empty/remove → JSON object → abbreviations → origin → device split → `~` → schemas →
 * unique_id → create or update. Every message is handled synchronously in arrival order, so updates to
 * one slot are serialized. Rejections are logged once per topic and reason, counted, and kept for
 * diagnostics; they never disturb other entities.
 */
export class DiscoveryService {
  readonly #deps: DiscoveryServiceDeps;
  readonly #now: () => number;
  readonly #records = new Map<string, TopicRecord>();
  readonly #seenSlots = new Set<string>();
  #fingerprintFlush: NodeJS.Immediate | undefined;
  #knownCount = 0;
  #disposers: Array<() => Promise<void>> = [];
  #configsSeen = 0;
  #accepted = 0;
  #rejected = 0;
  #birthPublishedAt: number | null = null;
  #settleTimer: NodeJS.Timeout | undefined;
  #lastConfigAt = 0;
  #stopped = false;

  constructor(deps: DiscoveryServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Rebuilds a slot from a stored config (registry restore). */
  readonly loadDefinition: DefinitionLoader = (stored) => {
    if (!isComponent(stored.component)) return { ok: false, reason: `unsupported component '${stored.component}'` };
    return this.#define(
      { slot: { component: stored.component, discoveryId: stored.discoveryId }, config: structuredClone(stored.config), removed: false },
      stored.discoveryTopic,
      stored.retained,
    );
  };

  /** Resolves once the retained replay has settled, stale slots are pruned and the birth message is out. */
  settled: Promise<void> = Promise.resolve();

  /**
   * Subscribes (the broker replays retained configs). In the background, once the replay is quiet,
   * prunes slots whose retained config vanished while we were down and publishes the birth message.
   */
  async start(): Promise<void> {
    const { mqtt, prefix, log } = this.#deps;
    this.#lastConfigAt = this.#now();
    for (const filter of discoverySubscriptions(prefix)) {
      this.#disposers.push(await mqtt.subscribe(filter, (message) => this.#onConfig(message), { retained: true }));
    }
    this.settled = this.#waitForQuiet()
      .then(async () => {
        if (this.#stopped) return;
        this.#pruneStale();
        await this.announce();
      })
      .catch((err: unknown) => log.error({ err }, "publishing the birth message failed"));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#flushFingerprints();
    clearTimeout(this.#settleTimer);
    for (const record of this.#records.values()) clearTimeout(record.timer);
    for (const dispose of this.#disposers.splice(0)) await dispose().catch(() => undefined);
  }

  /** The birth message: devices that wait for the controller (re)announce on it. */
  async announce(): Promise<void> {
    const topic = birthTopic(this.#deps.prefix);
    await this.#deps.mqtt.publish(topic, "online", { qos: 1, retain: false });
    this.#birthPublishedAt = this.#now();
    this.#deps.log.info({ topic }, "birth message published");
  }

  status(): DiscoveryStatusView {
    const registry = this.#deps.registry;
    const rejections = [...this.#records.values()]
      .filter((r) => r.outcome === "rejected" || r.outcome === "illegal")
      .sort((a, b) => b.at - a.at)
      .slice(0, 50)
      .map(recordView);
    return {
      prefix: this.#deps.prefix,
      configs_seen: this.#configsSeen,
      accepted: this.#accepted,
      rejected: this.#rejected,
      known: this.#knownCount,
      entities: registry.slots().filter((s) => s.entityId !== null).length,
      devices: registry.devices().length,
      birth_published_at: this.#birthPublishedAt,
      recent_rejections: rejections,
    };
  }

  /** The last config message per topic, for the given discovery topics. */
  records(topics: Iterable<string>): DiscoveryRecordView[] {
    const out: DiscoveryRecordView[] = [];
    for (const topic of topics) {
      const record = this.#records.get(topic);
      if (record) out.push(recordView(record));
    }
    return out;
  }

  #onConfig(message: MqttMessage): void {
    if (this.#stopped) return;
    const now = this.#now();
    this.#lastConfigAt = now;
    this.#configsSeen++;
    const record = this.#record(message, now);
    // Churn guard: a config that changes every few ms is applied once a second, latest wins.
    record.arrivals.push(now);
    while (record.arrivals.length > 0 && record.arrivals[0]! < now - CHURN_WINDOW_MS) record.arrivals.shift();
    if (record.arrivals.length > CHURN_LIMIT) {
      record.pending = message;
      if (!record.timer) {
        if (record.loggedReason !== "churn") {
          record.loggedReason = "churn";
          this.#deps.log.warn({ topic: message.topic, perWindow: record.arrivals.length }, "discovery config changes too often; applying at most once a second");
        }
        record.timer = setTimeout(() => {
          record.timer = undefined;
          const pending = record.pending;
          record.pending = undefined;
          if (pending && !this.#stopped) this.#apply(pending, record);
        }, CHURN_APPLY_EVERY_MS);
        record.timer.unref();
      }
      return;
    }
    this.#apply(message, record);
  }

  #record(message: MqttMessage, now: number): TopicRecord {
    let record = this.#records.get(message.topic);
    if (!record) {
      if (this.#records.size >= MAX_RECORDS) this.#evictOneRejected();
      record = {
        topic: message.topic,
        payload: "",
        retained: message.retain,
        at: now,
        outcome: "accepted",
        reason: null,
        count: 0,
        arrivals: [],
        pending: undefined,
        timer: undefined,
        loggedReason: null,
      };
      this.#records.set(message.topic, record);
    }
    return record;
  }

  #evictOneRejected(): void {
    for (const [topic, record] of this.#records) {
      if (record.outcome === "rejected" || record.outcome === "illegal" || record.outcome === "removed") {
        clearTimeout(record.timer);
        this.#records.delete(topic);
        return;
      }
    }
  }

  #apply(message: MqttMessage, record: TopicRecord): void {
    const { registry, prefix } = this.#deps;
    const payload = message.payload.toString("utf8");
    record.payload = payload.length > PAYLOAD_CHARS_KEPT ? `${payload.slice(0, PAYLOAD_CHARS_KEPT)}…` : payload;
    record.retained = message.retain;
    record.at = this.#now();
    record.count++;

    const match = parseDiscoveryTopic(prefix, message.topic);
    if (match.kind === "other") return;
    if (match.kind === "illegal") {
      this.#reject(record, `illegal discovery topic: ${match.reason}`, "illegal");
      return;
    }
    const topic = match.topic;
    const fingerprint = this.#deps.fingerprints && message.retain ? createHash("sha256").update(message.payload).digest("base64") : undefined;
    if (fingerprint !== undefined && this.#known(message.topic, fingerprint)) {
      this.#settle(record, "unchanged", null);
      return;
    }
    const parsed = parseDiscoveryMessage(topic, payload);
    this.#remember(message.topic, undefined);
    switch (parsed.kind) {
      case "remove": {
        const slots = topic.component === "device" ? registry.slotsForTopic(message.topic) : [registry.findSlot(slotKeyString(topic))].filter((s) => s !== undefined);
        for (const slot of slots) if (slot.discoveryTopic === message.topic) registry.remove(slot.slotKey);
        this.#settle(record, "removed", null);
        return;
      }
      case "migrate": {
        for (const slot of registry.slotsForTopic(message.topic)) registry.remove(slot.slotKey, { keepDevice: true });
        this.#settle(record, "migrated", null);
        return;
      }
      case "rejected":
        this.#reject(record, parsed.reason);
        return;
      case "configs":
        break;
    }

    const reasons: string[] = parsed.rejected.map((r) => `${r.slot.discoveryId}: ${r.reason}`);
    let changed = false;
    for (const component of parsed.components) {
      const slotKey = slotKeyString(component.slot);
      if (component.removed) {
        const existing = registry.findSlot(slotKey);
        if (existing && existing.discoveryTopic === message.topic) {
          registry.remove(slotKey);
          changed = true;
        }
        continue;
      }
      const existing = registry.findSlot(slotKey);
      if (existing && existing.discoveryTopic !== message.topic) {
        // HA: "Received a conflicting MQTT discovery message"; the first one stays until migrated.
        reasons.push(`${component.slot.discoveryId}: conflicts with the config on ${existing.discoveryTopic}`);
        continue;
      }
      const defined = this.#define(component, message.topic, message.retain);
      if (!defined.ok) {
        reasons.push(parsed.isDeviceBased ? `${component.slot.discoveryId}: ${defined.reason}` : defined.reason);
        continue;
      }
      const result = registry.upsert(defined.definition);
      if (!result.ok) {
        reasons.push(parsed.isDeviceBased ? `${component.slot.discoveryId}: ${result.reason}` : result.reason);
        continue;
      }
      this.#seenSlots.add(slotKey);
      if (result.change !== "unchanged") changed = true;
    }
    if (reasons.length > 0) {
      this.#reject(record, reasons.join("; "));
      if (changed) record.outcome = "accepted";
      return;
    }
    this.#remember(message.topic, fingerprint);
    this.#settle(record, changed ? "accepted" : "unchanged", null);
  }

  /** A retained payload applied in full before (this run or the last), whose slots are all still here: nothing to do. */
  #known(topic: string, fingerprint: string): boolean {
    if (this.#deps.fingerprints?.get(topic) !== fingerprint) return false;
    const slots = this.#deps.registry.slotsForTopic(topic);
    if (slots.length === 0) return false;
    for (const slot of slots) this.#seenSlots.add(slot.slotKey);
    this.#knownCount++;
    return true;
  }

  /** Stores (or, with undefined, forgets) the topic's fingerprint; written after the registry's next flush. */
  #remember(topic: string, fingerprint: string | undefined): void {
    const store = this.#deps.fingerprints;
    if (!store) return;
    if (fingerprint === undefined) store.delete(topic);
    else store.set(topic, fingerprint);
    if (store.pending > 0) this.#fingerprintFlush ??= setImmediate(() => this.#flushFingerprints());
  }

  #flushFingerprints(): void {
    clearImmediate(this.#fingerprintFlush);
    this.#fingerprintFlush = undefined;
    const store = this.#deps.fingerprints;
    if (!store || store.pending === 0) return;
    try {
      this.#deps.registry.flush();
      store.flush();
    } catch (err) {
      this.#deps.log.error({ err }, "storing discovery fingerprints failed");
    }
  }

  /** Validates one component config against the common schema and its platform's. */
  #define(component: ComponentConfig, discoveryTopic: string, retained: boolean): { ok: true; definition: EntityDefinition } | { ok: false; reason: string } {
    const { slot, config } = component;
    const platform = PLATFORMS[slot.component];
    const common = parseCommonConfig(slot.component, config);
    if (!common.ok) return common;
    const platformParsed = platform.schema.safeParse(config);
    if (!platformParsed.success) return { ok: false, reason: describeIssues(platformParsed.error.issues) };
    return {
      ok: true,
      definition: {
        component: slot.component,
        discoveryId: slot.discoveryId,
        slotKey: slotKeyString(slot),
        discoveryTopic,
        retained,
        raw: config,
        common: common.common,
        platform,
        platformConfig: platformParsed.data,
      },
    };
  }

  #settle(record: TopicRecord, outcome: TopicRecord["outcome"], reason: string | null): void {
    record.outcome = outcome;
    record.reason = reason;
    if (outcome === "accepted") this.#accepted++;
  }

  #reject(record: TopicRecord, reason: string, outcome: "rejected" | "illegal" = "rejected"): void {
    this.#rejected++;
    record.outcome = outcome;
    record.reason = reason;
    if (record.loggedReason === reason) {
      this.#deps.log.debug({ topic: record.topic, reason }, "discovery config rejected");
      return;
    }
    record.loggedReason = reason;
    this.#deps.log.warn({ topic: record.topic, reason }, "discovery config rejected");
  }

  /** Resolves once no config has arrived for `settleMs` (at most 10 s after start). */
  #waitForQuiet(): Promise<void> {
    const settleMs = this.#deps.settleMs ?? 1000;
    const deadline = this.#now() + 10_000;
    return new Promise((resolve) => {
      const check = () => {
        const quietFor = this.#now() - this.#lastConfigAt;
        if (this.#stopped || quietFor >= settleMs || this.#now() >= deadline) resolve();
        else {
          this.#settleTimer = setTimeout(check, Math.max(10, settleMs - quietFor));
          this.#settleTimer.unref();
        }
      };
      check();
    });
  }

  /** Slots restored from the database whose retained config the broker no longer has were cleared while we were down. */
  #pruneStale(): void {
    for (const slot of this.#deps.registry.slots()) {
      if (slot.retained && !this.#seenSlots.has(slot.slotKey) && !this.#records.has(slot.discoveryTopic)) {
        this.#deps.log.info({ slot: slot.slotKey, topic: slot.discoveryTopic }, "retained config gone while the hub was down; removed");
        this.#deps.registry.remove(slot.slotKey);
      }
    }
  }
}

function recordView(record: TopicRecord): DiscoveryRecordView {
  return {
    topic: record.topic,
    payload: record.payload,
    retained: record.retained,
    at: record.at,
    outcome: record.outcome,
    reason: record.reason,
    count: record.count,
  };
}
