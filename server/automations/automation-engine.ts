import { parseDocument } from "yaml";
import { parseAutomation, parseConditionsOnly } from "@/devices/automations/config";
import { durationFromTemplateResult } from "@/devices/automations/duration";
import { evaluateConditions, type ConditionResult } from "@/devices/automations/conditions";
import { nextLocalTime, parseTimeOfDay } from "@/devices/automations/time-of-day";
import type { AutomationConfig, ConfigIssue, Duration } from "@/devices/automations/types";
import { AutomationQueries, type AutomationRow, type SourceFormat } from "@/db/queries/automations";
import type { HubDatabase } from "@/db/open-database";
import { HubError } from "../errors";
import type { EventBus } from "../event-bus";
import type { HaContext, HaState, ServiceCallInput } from "../hub-api";
import type { Logger } from "../logger";
import type { MqttBus } from "../mqtt/mqtt-bus";
import { haTimestamp, newContext } from "../state/context";
import type { Clock } from "./clock";
import { RuleRuntime, type RuleTrace } from "./rule-runtime";
import { AutomationTemplates, isTemplate } from "./templates";
import { TraceWriter } from "./trace-writer";
import { sampleTrigger, type TriggerSample } from "./trigger-sample";
import type { Hold, TriggerData, TriggerPorts } from "./triggers";

export interface AutomationEngineDeps {
  db: HubDatabase;
  bus: EventBus;
  mqtt: MqttBus;
  log: Logger;
  clock: Clock;
  state: (entityId: string) => HaState | undefined;
  /** Every state: templates iterating `states` or `states.<domain>` ask for it. */
  states: () => HaState[];
  callService: (input: ServiceCallInput) => Promise<unknown>;
  deviceEntities: (deviceId: string) => string[];
  timeZone: () => string;
  location: () => { latitude: number; longitude: number } | undefined;
  keepTraces?: number;
}

/** What "fire this trigger" answers: the run (its outcome so far: a near miss is known at once), or why it did not fire. */
export type SampleFired = { fired: true; run_id: string; outcome: string; summary: string } | { fired: false; reason: string };

/** An automation as the API shows it. */
export interface AutomationView {
  id: string;
  alias: string;
  description: string;
  mode: string;
  enabled: boolean;
  revision: number;
  format: SourceFormat;
  /** The rule as saved: YAML with its comments, or JSON text. */
  source: string;
  /** The rule in Home Assistant's format, as JSON. */
  config: unknown;
  last_triggered: string | null;
  last_outcome: string | null;
  running: number;
  /** Why the stored rule does not run (it failed to parse, or a trigger could not attach). */
  errors: ConfigIssue[];
}

export interface SaveInput {
  source: string;
  format: SourceFormat;
  by: string | null;
}

const MAX_SOURCE_BYTES = 256 * 1024;
/** The pending row that says when the engine last ran (catch_up reads it). */
const ALIVE_ID = "engine:alive";
const ALIVE_EVERY_MS = 30_000;
const CONFIG_CACHE_MS = 10_000;

/**
 * The automations: stored as written (db/queries/automations.ts), parsed by devices/automations/config.ts, each
 * run by a RuleRuntime. Waits, delays and `for:` holds are stored as they begin and picked up at start.
 */
export class AutomationEngine {
  readonly #deps: AutomationEngineDeps;
  readonly #store: AutomationQueries;
  readonly #templates: AutomationTemplates;
  readonly #traces: TraceWriter;
  readonly #configChanged: () => void;
  readonly #rules = new Map<string, RuleRuntime>();
  readonly #errors = new Map<string, ConfigIssue[]>();
  #started = false;
  #stopHeartbeat: (() => void) | undefined;
  /** The last heartbeat could not be stored (logged once per streak). */
  #beatFailing = false;
  #ready!: () => void;
  /** Settles once start() has loaded every automation (tests wait for it). */
  readonly ready = new Promise<void>((resolve) => {
    this.#ready = resolve;
  });

  constructor(deps: AutomationEngineDeps) {
    // The home's time zone and place are read from the database: once every 10 s is enough (every template
    // render and time condition asks).
    const timeZone = cachedFor(deps.timeZone, CONFIG_CACHE_MS, () => deps.clock.now());
    const location = cachedFor(deps.location, CONFIG_CACHE_MS, () => deps.clock.now());
    this.#configChanged = () => {
      timeZone.reset();
      location.reset();
    };
    deps = { ...deps, timeZone: timeZone.get, location: location.get };
    this.#deps = deps;
    this.#store = new AutomationQueries(deps.db);
    this.#templates = new AutomationTemplates({ state: deps.state, states: deps.states, now: () => deps.clock.now(), timeZone: deps.timeZone });
    this.#traces = new TraceWriter({ store: this.#store, log: deps.log, keep: deps.keepTraces ?? 50 });
  }

  /** Loads every automation, resumes what waited, catches up missed times, and fires `homeassistant: start` triggers. */
  async start(): Promise<void> {
    this.#started = true;
    const now = this.#deps.clock.now();
    const aborted = this.#store.abortRunning(now + 1, now);
    if (aborted > 0) this.#deps.log.info({ aborted }, "automation runs interrupted by the last stop");
    const pending = this.#store.pending();
    const alive = pending.find((p) => p.id === ALIVE_ID)?.dueAt ?? null;
    for (const row of this.#store.list()) await this.#load(row, pending);
    if (alive !== null) for (const rule of this.#rules.values()) this.#catchUp(rule, alive, now);
    for (const rule of this.#rules.values()) this.#fireStartEvent(rule, "start");
    this.#heartbeat();
    this.#ready();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopHeartbeat?.();
    this.#beat();
    for (const rule of this.#rules.values()) this.#fireStartEvent(rule, "shutdown");
    await Promise.all([...this.#rules.values()].map((r) => r.detach(true)));
    this.#rules.clear();
    this.#traces.flush();
  }

  /** Attaches every rule again (the home's location or time zone changed: sun and time triggers move). */
  async reloadAll(): Promise<void> {
    this.#configChanged();
    if (!this.#started) return;
    for (const id of [...this.#rules.keys()]) await this.#reload(id);
  }

  list(): AutomationView[] {
    this.#traces.flush();
    return this.#store.list().map((row) => this.#view(row));
  }

  get(id: string): AutomationView {
    this.#traces.flush();
    const row = this.#store.get(id);
    if (!row) throw new HubError("not_found", `no automation ${id}`);
    return this.#view(row);
  }

  /** Creates an automation from YAML or JSON; the rule's own `id` names it, else one is made. 422 lists every error. */
  async create(input: SaveInput): Promise<AutomationView> {
    const { value } = readSource(input.source, input.format);
    const rawId = value !== null && typeof value === "object" && "id" in value ? value.id : undefined;
    const givenId = typeof rawId === "string" || typeof rawId === "number" ? String(rawId) : undefined;
    const id = givenId && /^[\w-]{1,100}$/.test(givenId) ? givenId : `${this.#deps.clock.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    if (this.#store.get(id)) throw new HubError("conflict", `an automation with id ${id} exists: change it with PUT /api/automations/${id}`);
    return this.#save(id, input, value, "create");
  }

  async update(id: string, input: SaveInput): Promise<AutomationView> {
    if (!this.#store.get(id)) throw new HubError("not_found", `no automation ${id}`);
    const { value } = readSource(input.source, input.format);
    return this.#save(id, input, value, "update");
  }

  async remove(id: string, by: string | null): Promise<void> {
    this.#traces.flush();
    await this.#rules.get(id)?.detach(false);
    this.#rules.delete(id);
    if (!this.#store.remove(id, this.#deps.clock.now(), by)) throw new HubError("not_found", `no automation ${id}`);
  }

  async setEnabled(id: string, enabled: boolean): Promise<AutomationView> {
    const row = this.#store.get(id);
    if (!row) throw new HubError("not_found", `no automation ${id}`);
    this.#store.setEnabled(id, enabled, this.#deps.clock.now());
    await this.#reload(id);
    return this.get(id);
  }

  /** Runs the automation now (HA's automation.trigger): conditions skipped unless asked. Answers the run's id. */
  run(id: string, opts: { skipConditions?: boolean; variables?: Record<string, unknown>; userId?: string | null } = {}): string {
    const rule = this.#loaded(id);
    const trigger: TriggerData = { platform: "manual", id: "manual", idx: "manual", description: "run by hand", ...opts.variables };
    const runId = rule.fire(trigger, { skipConditions: opts.skipConditions ?? true, context: newContext(opts.userId ?? null, null, this.#deps.clock.now()) });
    if (!runId) throw new HubError("conflict", `automation ${id} did not start (its mode allows no more runs now)`);
    return runId;
  }

  /** The editor's "fire this trigger": trigger `index` of the saved rule as if `sample` happened; conditions are checked. */
  fireSample(id: string, index: number, sample: TriggerSample, userId: string | null): SampleFired {
    const rule = this.#loaded(id);
    const t = rule.config.triggers[index];
    if (!t) throw new HubError("invalid_input", `automation ${id} has ${rule.config.triggers.length} trigger(s): there is no trigger ${index}`);
    const r = sampleTrigger(t, index, sample, rule.config.triggerVariables, { now: () => this.#deps.clock.now(), state: this.#deps.state, templates: this.#templates });
    if (!r.matched) return { fired: false, reason: r.reason };
    const runId = rule.fire(r.data, { context: newContext(userId, null, this.#deps.clock.now()) });
    if (!runId) throw new HubError("conflict", `automation ${id} did not start (its mode allows no more runs now)`);
    // Conditions are checked as it fires: a near miss is known now (its trace is still in the writer's buffer).
    const trace = this.#traces.peek(runId) as RuleTrace | undefined;
    return { fired: true, run_id: runId, outcome: trace?.outcome ?? "running", summary: trace?.summary ?? "" };
  }

  /** The editor's "test this condition": one condition or a list, as a rule holds them, evaluated now with its reasons. */
  testConditions(input: unknown, variables: Record<string, unknown> = {}): ConditionResult {
    const parsed = parseConditionsOnly(input);
    if (!parsed.ok) throw new HubError("unprocessable", parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; "), { details: { issues: parsed.issues } });
    return evaluateConditions(parsed.conditions, variables, this.#conditionPorts());
  }

  #loaded(id: string): RuleRuntime {
    const rule = this.#rules.get(id);
    if (rule) return rule;
    const exists = this.#store.get(id) !== undefined;
    throw new HubError(exists ? "invalid_input" : "not_found", exists ? `automation ${id} is off or does not parse` : `no automation ${id}`);
  }

  traces(id: string, limit = 200): RuleTrace[] {
    this.#traces.flush();
    if (!this.#store.get(id)) throw new HubError("not_found", `no automation ${id}`);
    return this.#store.traces(id, limit).map((t) => JSON.parse(t.trace) as RuleTrace);
  }

  revisions(id: string): Array<{ revision: number; saved_at: string; saved_by: string | null; action: string; format: SourceFormat; source: string }> {
    return this.#store.revisions(id).map((r) => ({ revision: r.revision, saved_at: haTimestamp(r.savedAt), saved_by: r.savedBy, action: r.action, format: r.format, source: r.source }));
  }

  /** Saves an old revision's source as the newest one. */
  async restore(id: string, revision: number, by: string | null): Promise<AutomationView> {
    const r = this.#store.revision(id, revision);
    if (!r) throw new HubError("not_found", `automation ${id} has no revision ${revision}`);
    const { value } = readSource(r.source, r.format);
    return this.#save(id, { source: r.source, format: r.format, by }, value, "restore");
  }

  /** Webhook triggers (POST /api/webhook/<id>): answers whether a rule took it. */
  webhook(webhookId: string, req: { method: string; body: string; json: unknown; query: Record<string, string>; local: boolean }): boolean {
    let taken = false;
    for (const rule of this.#rules.values()) {
      for (const [i, t] of rule.config.triggers.entries()) {
        if (t.kind !== "webhook" || t.webhookId !== webhookId || !t.enabled) continue;
        if (!t.allowedMethods.includes(req.method) || (t.localOnly && !req.local)) continue;
        taken = true;
        rule.fire({ platform: "webhook", id: t.id, idx: String(i), webhook_id: webhookId, data: req.body, json: req.json, query: req.query, description: `webhook ${webhookId}` });
      }
    }
    return taken;
  }

  async #save(id: string, input: SaveInput, value: unknown, action: "create" | "update" | "restore"): Promise<AutomationView> {
    const parsed = parseAutomation(value, id);
    if (!parsed.ok) throw new HubError("unprocessable", parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; "), { details: { issues: parsed.issues } });
    const existing = this.#store.get(id);
    const enabled = existing?.enabled ?? parsed.config.initialState !== false;
    this.#store.save({ id, source: input.source, format: input.format, enabled, at: this.#deps.clock.now(), by: input.by, action });
    await this.#reload(id);
    return this.get(id);
  }

  async #reload(id: string): Promise<void> {
    await this.#rules.get(id)?.detach(false);
    this.#rules.delete(id);
    const row = this.#store.get(id);
    if (row && this.#started) await this.#load(row, []);
  }

  async #load(row: AutomationRow, pending: ReturnType<AutomationQueries["pending"]>): Promise<void> {
    this.#errors.delete(row.id);
    let config: AutomationConfig;
    try {
      const parsed = parseAutomation(readSource(row.source, row.format).value, row.id);
      if (!parsed.ok) {
        this.#errors.set(row.id, parsed.issues);
        return;
      }
      config = { ...parsed.config, id: row.id };
    } catch (err) {
      this.#errors.set(row.id, [{ path: "", message: (err as Error).message }]);
      return;
    }
    const mine = pending.filter((p) => p.automationId === row.id);
    if (!row.enabled) {
      for (const p of mine) this.#store.removePending(p.id);
      return;
    }
    const rule = new RuleRuntime(config, row.revision, {
      clock: this.#deps.clock,
      log: this.#deps.log,
      store: this.#store,
      triggerPorts: this.#triggerPorts(),
      runPorts: this.#runPorts(),
      conditions: (cs, vars) => evaluateConditions(cs, vars, this.#conditionPorts()),
      onTriggered: (r, trigger, context) => this.#deps.bus.emit("automationTriggered", { automationId: r.config.id, name: r.config.alias, source: String(trigger.description ?? trigger.platform), context, at: this.#deps.clock.now() }),
      traces: this.#traces,
    });
    this.#rules.set(row.id, rule);
    const holds = new Map<string, Hold>();
    // Runs that waited go on, queued runs line up behind them; another revision's are dropped (rule-runtime.ts).
    rule.restore(mine.filter((p) => p.kind !== "hold"));
    for (const p of mine.filter((m) => m.kind === "hold")) {
      try {
        const state = JSON.parse(p.state) as Record<string, unknown>;
        const key = p.id.slice(`hold:${row.id}:`.length);
        holds.set(key, { key, dueAt: Number(state.dueAt), data: state.data as TriggerData });
        this.#store.removePending(p.id);
      } catch (err) {
        this.#store.removePending(p.id);
        this.#deps.log.warn({ err, automation: row.id }, "a stored automation wait could not be read");
      }
    }
    const errors = await rule.attach(holds);
    if (errors.length > 0) this.#errors.set(row.id, errors.map((e) => ({ path: e.split(":")[0]!, message: e.slice(e.indexOf(":") + 2) })));
  }

  /** Remembers, every half minute and at stop, that the hub ran: a start knows which times it missed. */
  #heartbeat(): void {
    this.#beat();
    const next = () => {
      this.#stopHeartbeat = this.#deps.clock.at(this.#deps.clock.now() + ALIVE_EVERY_MS, () => {
        this.#beat();
        next();
      });
    };
    next();
  }

  #beat(): void {
    const now = this.#deps.clock.now();
    try {
      this.#store.putPending({ id: ALIVE_ID, automationId: "", kind: "hold", dueAt: now, state: "{}", createdAt: now });
      this.#beatFailing = false;
    } catch (err) {
      // A full disk or a locked file must not crash the hub from a timer (or cut a stop short): a missed beat
      // only makes the next start's catch-up look back a little further.
      if (!this.#beatFailing) this.#deps.log.error({ err }, "automation heartbeat could not be stored; will retry");
      this.#beatFailing = true;
    }
  }

  /** `catch_up: true`: each time trigger that fell while the hub was down fires once now, marked as caught up. */
  #catchUp(rule: RuleRuntime, lastAlive: number, now: number): void {
    if (!rule.config.catchUp) return;
    for (const [i, t] of rule.config.triggers.entries()) {
      if (t.kind !== "time" || !t.enabled) continue;
      let missed: number | undefined;
      for (const at of t.at) {
        if (!("time" in at)) continue;
        const ofDay = parseTimeOfDay(at.time);
        const next = ofDay === undefined ? undefined : nextLocalTime(ofDay, lastAlive, this.#deps.timeZone(), t.weekdays);
        if (next !== undefined && next <= now) missed = Math.max(missed ?? 0, next);
      }
      if (missed !== undefined) {
        rule.fire({ platform: "time", id: t.id, idx: String(i), now: new Date(missed).toISOString(), caught_up: true, entity_id: null, description: `time ${new Date(missed).toISOString()} (missed while the hub was down)` });
      }
    }
  }

  #fireStartEvent(rule: RuleRuntime, event: "start" | "shutdown"): void {
    for (const [i, t] of rule.config.triggers.entries()) {
      if (t.kind === "homeassistant" && t.event === event && t.enabled) rule.fire({ platform: "homeassistant", id: t.id, idx: String(i), event, description: `Home Assistant ${event}` });
    }
  }

  #durationMs = (d: Duration, variables: Record<string, unknown>): number => {
    if ("ms" in d) return d.ms;
    const value = this.#templates.render(d.template, variables);
    const ms = durationFromTemplateResult(value);
    if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(value)}`);
    return ms;
  };

  #triggerPorts(): TriggerPorts {
    const d = this.#deps;
    return { clock: d.clock, mqtt: d.mqtt, bus: d.bus, templates: this.#templates, log: d.log, state: d.state, timeZone: d.timeZone, location: d.location, deviceEntities: d.deviceEntities, durationMs: this.#durationMs };
  }

  #conditionPorts() {
    const d = this.#deps;
    return {
      now: () => d.clock.now(),
      timeZone: d.timeZone(),
      location: d.location(),
      state: (id: string) => {
        const s = d.state(id);
        return s ? { state: s.state, attributes: s.attributes, last_changed_ms: Date.parse(s.last_changed) } : undefined;
      },
      render: (template: string, variables: Record<string, unknown>) => this.#templates.render(template, variables),
      durationMs: this.#durationMs,
    };
  }

  #runPorts() {
    const d = this.#deps;
    return {
      clock: d.clock,
      render: (value: unknown, variables: Record<string, unknown>) => this.#templates.renderDeep(value, variables),
      renderText: (template: string, variables: Record<string, unknown>) => this.#templates.renderText(template, variables),
      durationMs: this.#durationMs,
      callService: async (service: string, target: { entity_id: string[]; device_id: string[]; area_id: string[] }, data: Record<string, unknown>, context: HaContext) => {
        const dot = service.indexOf(".");
        if (dot <= 0) throw new Error(`not a service: ${service}`);
        const t = Object.fromEntries(Object.entries(target).filter(([, v]) => v.length > 0));
        return d.callService({ domain: service.slice(0, dot), service: service.slice(dot + 1), data: { ...data, ...(Object.keys(t).length > 0 ? { target: t } : {}) }, userId: context.user_id, context });
      },
      fireEvent: (eventType: string, data: Record<string, unknown>, context: HaContext) => d.bus.emit("haEvent", { eventType, data, context, at: d.clock.now() }),
      onStateChange: (fn: () => void) => d.bus.on("stateChanged", fn),
    };
  }

  #view(row: AutomationRow): AutomationView {
    const rule = this.#rules.get(row.id);
    let config: unknown = null;
    try {
      config = readSource(row.source, row.format).value;
    } catch {
      // shown through errors
    }
    const c = rule?.config;
    const raw = (config ?? {}) as Record<string, unknown>;
    return {
      id: row.id,
      alias: c?.alias ?? (typeof raw.alias === "string" ? raw.alias : row.id),
      description: c?.description ?? (typeof raw.description === "string" ? raw.description : ""),
      mode: c?.mode ?? (typeof raw.mode === "string" ? raw.mode : "single"),
      enabled: row.enabled,
      revision: row.revision,
      format: row.format,
      source: row.source,
      config,
      last_triggered: row.lastTriggeredAt === null ? null : haTimestamp(row.lastTriggeredAt),
      last_outcome: row.lastOutcome,
      running: rule?.running ?? 0,
      errors: this.#errors.get(row.id) ?? [],
    };
  }
}

/** `read`, asked again at most every `ms`. */
function cachedFor<T>(read: () => T, ms: number, now: () => number): { get: () => T; reset: () => void } {
  let at = Number.NEGATIVE_INFINITY;
  let value: T;
  return {
    get: () => {
      const t = now();
      if (t - at >= ms || t < at) {
        value = read();
        at = t;
      }
      return value;
    },
    reset: () => {
      at = Number.NEGATIVE_INFINITY;
    },
  };
}

/** The rule as a value: YAML (comments kept in the stored text, not in the value) or JSON; a syntax error is a 400. */
export function readSource(source: string, format: SourceFormat): { value: unknown } {
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) throw new HubError("payload_too_large", `an automation is at most ${MAX_SOURCE_BYTES / 1024} KiB`);
  if (format === "json") {
    try {
      return { value: JSON.parse(source) };
    } catch (err) {
      throw new HubError("invalid_input", `not valid JSON: ${(err as Error).message}`);
    }
  }
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new HubError("invalid_input", `not valid YAML: ${doc.errors.map((e) => e.message.split("\n")[0]).join("; ")}`);
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  // HA's automations.yaml is a list: one rule per save here.
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new HubError("invalid_input", "one automation per save: the YAML is a list of " + value.length);
    return { value: value[0] };
  }
  return { value };
}

export { isTemplate };
