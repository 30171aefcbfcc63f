/** What the index keeps per topic and how many topics without a stored retained message it remembers. */
export interface TopicIndexLimits {
  /** Bytes of each payload kept (the full size is recorded too). */
  keepBytes: number;
  /** Topics without a stored retained message; the least recently updated go first. Retained ones always stay. */
  maxTopics: number;
  /** Payload bytes kept for those topics, all together. */
  maxBytes: number;
}

export const DEFAULT_TOPIC_INDEX_LIMITS: TopicIndexLimits = { keepBytes: 16 * 1024, maxTopics: 20_000, maxBytes: 32 * 1024 * 1024 };

/** The client id the index gives the hub's own publishes. */
export const HUB_PUBLISHER = "$hub";

/** The last message seen on one topic. Plain data: it crosses the worker boundary as is. */
export interface TopicMessage {
  topic: string;
  /** The first `keepBytes` of the payload. */
  payload: Uint8Array;
  size: number;
  qos: 0 | 1 | 2;
  /** The last message was published with the retain flag. */
  retain: boolean;
  /** The broker holds a retained message for this topic. */
  stored: boolean;
  /** null when the message was restored from the broker's store at start. */
  at: number | null;
  /** `$hub` for the hub's own publishes; null when unknown (restored, or an external broker). */
  clientId: string | null;
  username: string | null;
  /** Messages seen on this topic since the hub started. */
  count: number;
}

/** One level of the topic tree: a direct child of the level asked for. */
export interface TopicNode {
  name: string;
  topic: string;
  /** This exact topic has had a message. */
  hasMessage: boolean;
  retain: boolean;
  stored: boolean;
  /** Topics below this one (not counting itself). */
  children: number;
  /** Topics with a stored retained message here and below. */
  storedBelow: number;
  /** Messages on this topic and below. */
  messages: number;
  /** The latest message here and below; null when every one was restored at start. */
  lastAt: number | null;
  /** This exact topic's last message: its first bytes (for a one-line preview), full size and publisher. */
  preview: Uint8Array | null;
  size: number;
  clientId: string | null;
}

/** Bytes of a payload a tree row previews (a row shows about a line). */
const PREVIEW_BYTES = 160;

export interface TopicIndexStats {
  topics: number;
  stored: number;
  evicted: number;
  keptBytes: number;
}

interface TopicRecord {
  readonly topic: string;
  /** Kept bytes: a buffer, or for small copies a latin1 string (one byte per char, cheaper than an ArrayBuffer). */
  payload: Buffer | string;
  size: number;
  qos: 0 | 1 | 2;
  retain: boolean;
  stored: boolean;
  at: number | null;
  clientId: string | null;
  username: string | null;
  count: number;
  /** In the evictable set (no stored retained message). */
  evictable: boolean;
  /** The index's update counter at this record's last update, and when it took its place in the evictable set. */
  seq: number;
  placed: number;
  /** `payload` is a view into a larger buffer (a socket read), waiting in the compaction queue to be copied. */
  pinning: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * The last message per topic, for the MQTT explorer. Runs beside aedes in the broker thread, on every publish,
 * so the write path is a map lookup and a few field stores; queries scan (they are rare, the topics are few
 * tens of thousands at most). Payloads are kept by reference where that pins no more memory than they are.
 */
export class TopicIndex {
  readonly #limits: TopicIndexLimits;
  readonly #topics = new Map<string, TopicRecord>();
  /**
   * Records without a stored retained message, in the order they took their place. An update does not move a
   * record (that would be two Map operations per message); eviction gives updated ones a second chance instead.
   */
  readonly #evictable = new Map<string, TopicRecord>();
  #evictableBytes = 0;
  #evicted = 0;
  #seq = 0;
  /** Records whose payload still pins a larger buffer; copied out at most a second later (see #compact). */
  #pinned: TopicRecord[] = [];
  #compactedAt = 0;

  constructor(limits: Partial<TopicIndexLimits> = {}) {
    this.#limits = { ...DEFAULT_TOPIC_INDEX_LIMITS, ...limits };
  }

  /** One message as the broker saw it. `payload` is only read now and, where safe, referenced later. */
  record(topic: string, payload: Buffer, qos: 0 | 1 | 2, retain: boolean, clientId: string | null, username: string | null, at: number): void {
    let rec = this.#topics.get(topic);
    if (rec === undefined) {
      rec = { topic, payload: EMPTY, size: 0, qos, retain, stored: false, at, clientId, username, count: 0, evictable: false, seq: 0, placed: 0, pinning: false };
      this.#topics.set(topic, rec);
    }
    if (rec.evictable) this.#evictableBytes -= rec.payload.length;
    const kept = payload.length > this.#limits.keepBytes ? payload.subarray(0, this.#limits.keepBytes) : payload;
    rec.payload = kept.length === 0 ? EMPTY : kept;
    // A retained payload is the very buffer the broker's retained store holds: a view of it costs nothing more.
    // Others are mostly slices of a socket read; copying each would cost more than the rest of this method, and a
    // busy topic replaces its payload many times a second, so the copy waits for the next compaction.
    if (!retain && kept.length > 0 && pinsMore(kept)) {
      if (!rec.pinning) {
        rec.pinning = true;
        this.#pinned.push(rec);
      }
    } else {
      rec.pinning = false;
    }
    rec.size = payload.length;
    rec.qos = qos;
    rec.retain = retain;
    // An empty retained payload deletes the retained message [MQTT-3.3.1-10]; a plain publish leaves it alone.
    if (retain) rec.stored = payload.length > 0;
    rec.at = at;
    rec.clientId = clientId;
    rec.username = username;
    rec.count++;
    rec.seq = ++this.#seq;
    if (at - this.#compactedAt >= COMPACT_EVERY_MS || this.#pinned.length >= COMPACT_QUEUE_MAX) this.#compact(at);
    if (rec.stored) {
      if (rec.evictable) {
        rec.evictable = false;
        this.#evictable.delete(topic);
      }
      return;
    }
    if (!rec.evictable) {
      rec.evictable = true;
      rec.placed = rec.seq;
      this.#evictable.set(topic, rec);
    }
    this.#evictableBytes += rec.payload.length;
    if (this.#evictable.size > this.#limits.maxTopics || this.#evictableBytes > this.#limits.maxBytes) this.#evict(rec);
  }

  /** A retained message found in the broker's store at start: its publisher and time are unknown. */
  restore(topic: string, payload: Buffer, qos: 0 | 1 | 2): void {
    if (payload.length === 0 || this.#topics.has(topic)) return;
    const kept = payload.length > this.#limits.keepBytes ? payload.subarray(0, this.#limits.keepBytes) : payload;
    this.#topics.set(topic, {
      topic,
      payload: kept,
      size: payload.length,
      qos,
      retain: true,
      stored: true,
      at: null,
      clientId: null,
      username: null,
      count: 0,
      evictable: false,
      seq: 0,
      placed: 0,
      pinning: false,
    });
  }

  /** Drops everything (the external broker's view is rebuilt from scratch when the explorer opens again). */
  clear(): void {
    this.#topics.clear();
    this.#evictable.clear();
    this.#evictableBytes = 0;
  }

  /** Copies out the payloads that still pin a larger buffer, so a socket read is never kept for long. */
  #compact(at: number): void {
    this.#compactedAt = at;
    const pinned = this.#pinned;
    this.#pinned = [];
    for (const rec of pinned) {
      if (!rec.pinning) continue;
      rec.pinning = false;
      if (typeof rec.payload !== "string") rec.payload = copyOut(rec.payload);
    }
  }

  /**
   * Drops the least recently updated records until within bounds, never `current` (the one just recorded).
   * Second chance: a record updated since it took its place moves to the back instead (Map iteration visits it
   * again there, so the loop ends after at most two passes).
   */
  #evict(current: TopicRecord): void {
    for (const rec of this.#evictable.values()) {
      if (this.#evictable.size <= this.#limits.maxTopics && this.#evictableBytes <= this.#limits.maxBytes) return;
      if (rec === current) {
        if (this.#evictable.size <= 1) return;
        continue;
      }
      this.#evictable.delete(rec.topic);
      if (rec.seq !== rec.placed) {
        rec.placed = rec.seq;
        this.#evictable.set(rec.topic, rec);
        continue;
      }
      this.#topics.delete(rec.topic);
      this.#evictableBytes -= rec.payload.length;
      this.#evicted++;
    }
  }

  /** The last message on a topic, with its payload copied out (so posting it copies only those bytes). */
  message(topic: string): TopicMessage | undefined {
    const rec = this.#topics.get(topic);
    if (!rec) return undefined;
    const payload = typeof rec.payload === "string" ? new Uint8Array(Buffer.from(rec.payload, "latin1")) : new Uint8Array(rec.payload);
    return {
      topic: rec.topic,
      payload,
      size: rec.size,
      qos: rec.qos,
      retain: rec.retain,
      stored: rec.stored,
      at: rec.at,
      clientId: rec.clientId,
      username: rec.username,
      count: rec.count,
    };
  }

  /** Topics with a stored retained message at `level` and below; `null` = every topic. */
  storedTopics(level: string | null): string[] {
    const out: string[] = [];
    for (const rec of this.#topics.values()) if (rec.stored && (level === null || isAtOrBelow(rec.topic, level))) out.push(rec.topic);
    return out;
  }

  /** The direct children of a level (`null` = the top), sorted by name. */
  children(level: string | null): TopicNode[] {
    const nodes = new Map<string, TopicNode>();
    const skip = level === null ? 0 : level.length + 1;
    for (const rec of this.#topics.values()) {
      const { topic } = rec;
      if (level !== null && !(topic.length > level.length && topic.startsWith(level) && topic.charCodeAt(level.length) === 47)) continue;
      const slash = topic.indexOf("/", skip);
      const name = topic.slice(skip, slash < 0 ? undefined : slash);
      let node = nodes.get(name);
      if (node === undefined) {
        node = {
          name,
          topic: level === null ? name : `${level}/${name}`,
          hasMessage: false,
          retain: false,
          stored: false,
          children: 0,
          storedBelow: 0,
          messages: 0,
          lastAt: null,
          preview: null,
          size: 0,
          clientId: null,
        };
        nodes.set(name, node);
      }
      if (slash < 0) {
        node.hasMessage = true;
        node.retain = rec.retain;
        node.stored = rec.stored;
        node.preview = previewBytes(rec.payload);
        node.size = rec.size;
        node.clientId = rec.clientId;
      } else {
        node.children++;
      }
      if (rec.stored) node.storedBelow++;
      node.messages += rec.count;
      if (rec.at !== null && (node.lastAt === null || rec.at > node.lastAt)) node.lastAt = rec.at;
    }
    return [...nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stats(): TopicIndexStats {
    let stored = 0;
    let keptBytes = 0;
    for (const rec of this.#topics.values()) {
      if (rec.stored) stored++;
      keptBytes += rec.payload.length;
    }
    return { topics: this.#topics.size, stored, evicted: this.#evicted, keptBytes };
  }
}

/** `topic` is `level` itself or lies below it. */
export function isAtOrBelow(topic: string, level: string): boolean {
  return topic === level || (topic.length > level.length && topic.startsWith(level) && topic.charCodeAt(level.length) === 47);
}

const COMPACT_EVERY_MS = 1000;
const COMPACT_QUEUE_MAX = 4096;
// Below this, a copy is a latin1 string: a V8 heap string is about twice as fast to make as an ArrayBuffer.
const STRING_COPY_MAX = 1024;

/**
 * A view keeps its whole buffer alive: a socket read (up to 64 KiB) or an 8 KiB slab of Node's buffer pool.
 * Referencing it is fine when the payload is most of that memory.
 */
function pinsMore(view: Buffer): boolean {
  return view.length * 2 < view.buffer.byteLength;
}

function copyOut(view: Buffer): Buffer | string {
  if (view.length <= STRING_COPY_MAX) return view.toString("latin1");
  // allocUnsafeSlow: a buffer of its own, not a slice of Node's shared pool (which would pin the pool).
  const copy = Buffer.allocUnsafeSlow(view.length);
  view.copy(copy);
  return copy;
}

/** The first bytes of a kept payload, copied (a node crosses to the hub's thread). */
function previewBytes(payload: Buffer | string): Uint8Array {
  if (typeof payload === "string") return new Uint8Array(Buffer.from(payload.slice(0, PREVIEW_BYTES), "latin1"));
  return new Uint8Array(payload.subarray(0, PREVIEW_BYTES));
}
