/** The fields of an HA state object the UI reads; the REST and WebSocket APIs both send them. */
export interface LiveState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
}

/** How the page hears about changes: the WebSocket, REST polling while it is not available, or not at all. */
export type LinkStatus = "connecting" | "live" | "polling" | "offline";

type Listener = () => void;

/**
 * Every entity's latest state for one page. Components subscribe through useSyncExternalStore;
 * a change to one entity only re-renders components that read it (snapshots are per entity).
 * Subscribers hear of changes once per animation frame: a hub can send hundreds of changes a second,
 * and the screen shows at most one frame of them anyway.
 */
export class LiveStore {
  #states = new Map<string, LiveState>();
  #all: LiveState[] | undefined;
  #listeners = new Set<Listener>();
  #status: LinkStatus = "connecting";
  #now: number;
  #frame: number | undefined;

  /** `renderedAt` is the server render's clock, so "5 min ago" hydrates to the same text. */
  constructor(initial: readonly LiveState[], renderedAt: number) {
    for (const s of initial) this.#states.set(s.entity_id, s);
    this.#now = renderedAt;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  get(entityId: string): LiveState | undefined {
    return this.#states.get(entityId);
  }

  /** A stable array until something changes. */
  all = (): LiveState[] => {
    this.#all ??= [...this.#states.values()];
    return this.#all;
  };

  status = (): LinkStatus => this.#status;

  /** The clock for relative times; ticks twice a minute once the page runs. */
  now = (): number => this.#now;

  tick(at: number): void {
    this.#now = at;
    this.#emit();
  }

  setStatus(status: LinkStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#emit();
  }

  /** A full snapshot (WebSocket resync or a poll): unchanged entities keep their object identity. */
  replaceAll(states: Iterable<LiveState>): void {
    const next = new Map<string, LiveState>();
    let changed = false;
    for (const s of states) {
      const before = this.#states.get(s.entity_id);
      if (before && before.last_updated === s.last_updated && before.state === s.state) {
        next.set(s.entity_id, before);
      } else {
        next.set(s.entity_id, s);
        changed = true;
      }
    }
    if (!changed && next.size === this.#states.size) return;
    this.#states = next;
    this.#emit();
  }

  /** WebSocket changes: sets `changed` and drops `removed` without a pass over every entity. */
  patch(changed: readonly LiveState[], removed: readonly string[]): void {
    let touched = changed.length > 0;
    for (const s of changed) this.#states.set(s.entity_id, s);
    for (const id of removed) touched = this.#states.delete(id) || touched;
    if (touched) this.#emit();
  }

  /** States a service call answered with (HA's POST /api/services returns the states it changed). */
  apply(states: readonly LiveState[]): void {
    let changed = false;
    for (const s of states) {
      const before = this.#states.get(s.entity_id);
      if (before?.last_updated === s.last_updated && before.state === s.state) continue;
      this.#states.set(s.entity_id, s);
      changed = true;
    }
    if (changed) this.#emit();
  }

  #emit(): void {
    this.#all = undefined;
    if (this.#frame !== undefined) return;
    // No frames without a document (server render) or while the tab is hidden: there, nothing to batch for.
    if (typeof requestAnimationFrame !== "function" || typeof document === "undefined" || document.hidden) {
      this.#notify();
      return;
    }
    this.#frame = requestAnimationFrame(() => this.#notify());
  }

  #notify(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    for (const listener of [...this.#listeners]) listener();
  }
}
