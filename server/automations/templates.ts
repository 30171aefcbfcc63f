import { compileTemplate, withMembers, type CompiledTemplate } from "@/devices/templates/ha-template";
import { PyCallable, PyDateTime, PyUndefined } from "@/devices/templates/python-values";
import type { HaState } from "../hub-api";

export interface AutomationTemplateDeps {
  state: (entityId: string) => HaState | undefined;
  /** Every state, in any order: asked only when a template iterates `states` or `states.<domain>`. */
  states: () => HaState[];
  now: () => number;
  timeZone: () => string | undefined;
}

const TEMPLATE_MARK = /\{\{|\{%|\{#/;
const CACHE_LIMIT = 2000;

/** True when HA would render this text (it holds `{{`, `{%` or `{#`). */
export const isTemplate = (value: unknown): value is string => typeof value === "string" && TEMPLATE_MARK.test(value);

/**
 * Templates as automations use them: the discovery engine with HA's state functions (`states()`, `is_state()`,
 * `state_attr()`, `is_state_attr()`, `has_value()`), compiled once per source and time zone. Results come back
 * as HA's "native types" (HA's render with parse_result: "21" is 21, "True" is true, "[1, 2]" a list).
 */
export class AutomationTemplates {
  readonly #deps: AutomationTemplateDeps;
  readonly #cache = new Map<string, CompiledTemplate>();
  readonly #globals: Record<string, (...args: unknown[]) => unknown>;

  constructor(deps: AutomationTemplateDeps) {
    this.#deps = deps;
    const state = (id: unknown) => (typeof id === "string" ? deps.state(id.toLowerCase()) : undefined);
    const matches = (value: unknown, wanted: unknown) => (Array.isArray(wanted) ? wanted.some((w) => String(w) === String(value)) : String(wanted) === String(value));
    // HA's TemplateState as templates see it (`states.sensor.x.state`, `.attributes`, `.name`, …); its times are
    // datetimes in UTC, so `now() - s.last_changed` works.
    const stateObject = (s: HaState) => {
      const dot = s.entity_id.indexOf(".");
      const friendly = s.attributes.friendly_name;
      return {
        ...s,
        last_changed: utc(s.last_changed),
        last_updated: utc(s.last_updated),
        last_reported: utc(s.last_reported),
        domain: s.entity_id.slice(0, dot),
        object_id: s.entity_id.slice(dot + 1),
        name: typeof friendly === "string" ? friendly : s.entity_id.slice(dot + 1),
      };
    };
    // Iterating `states` or `states.<domain>` yields state objects sorted by entity id (HA's _state_generator).
    const sorted = (domain?: string) => {
      const prefix = domain === undefined ? undefined : `${domain}.`;
      const picked = prefix === undefined ? deps.states() : deps.states().filter((s) => s.entity_id.startsWith(prefix));
      return picked.sort((a, b) => (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : 0)).map(stateObject);
    };
    const domainOf = (domain: string) =>
      new PyCallable(
        `states.${domain}`,
        () => {
          throw new Error(`states.${domain} is not callable`);
        },
        (objectId) => {
          const s = typeof objectId === "string" ? deps.state(`${domain}.${objectId}`) : undefined;
          return s ? stateObject(s) : new PyUndefined(String(objectId), `no entity ${domain}.${String(objectId)}`);
        },
        () => sorted(domain),
      );
    this.#globals = {
      // states('sensor.x'), states.sensor.x, and iterating states or states.sensor, as in HA.
      states: withMembers(
        (id: unknown) => state(id)?.state ?? "unknown",
        (domain) => (typeof domain === "string" ? domainOf(domain) : undefined),
        () => sorted(),
      ),
      is_state: (id, wanted) => {
        const s = state(id);
        return s !== undefined && matches(s.state, wanted);
      },
      state_attr: (id, name) => (typeof name === "string" ? (state(id)?.attributes[name] ?? null) : null),
      is_state_attr: (id, name, wanted) => {
        const s = state(id);
        return s !== undefined && typeof name === "string" && Object.hasOwn(s.attributes, name) && JSON.stringify(s.attributes[name]) === JSON.stringify(wanted);
      },
      has_value: (id) => {
        const s = state(id);
        return s !== undefined && s.state !== "unknown" && s.state !== "unavailable";
      },
    };
  }

  /** Renders to text; a text without template marks comes back as is. Throws an Error saying what went wrong. */
  renderText(source: string, variables: Readonly<Record<string, unknown>>): string {
    if (!isTemplate(source)) return source;
    const outcome = this.#compiled(source).render(variables);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.value;
  }

  /** Renders to a native value (see the class comment). */
  render(source: string, variables: Readonly<Record<string, unknown>>): unknown {
    if (!isTemplate(source)) return source;
    return nativeValue(this.renderText(source, variables));
  }

  /** Renders every template inside a value (service data, event data, variables), as HA's render_complex. */
  renderDeep(value: unknown, variables: Readonly<Record<string, unknown>>, depth = 0): unknown {
    if (depth > 32) throw new Error("data nested too deeply");
    if (typeof value === "string") return this.render(value, variables);
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, variables, depth + 1));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderDeep(v, variables, depth + 1);
      return out;
    }
    return value;
  }

  #compiled(source: string): CompiledTemplate {
    const timeZone = this.#deps.timeZone();
    const key = `${timeZone ?? ""}\u0000${source}`;
    let compiled = this.#cache.get(key);
    if (compiled) return compiled;
    const outcome = compileTemplate(source, { now: this.#deps.now, globals: this.#globals, ...(timeZone ? { timeZone } : {}) });
    if (!outcome.ok) throw new Error(outcome.error);
    compiled = outcome.template;
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, compiled);
    return compiled;
  }
}

/** An ISO time of a state as a datetime in UTC (HA's last_changed); text that does not parse stays text. */
function utc(iso: string): PyDateTime | string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new PyDateTime(ms, 0);
}

/** HA's result parsing: numbers, booleans, None, and JSON-like lists and dicts become values; the rest stays text. */
export function nativeValue(text: string): unknown {
  if (/^-?(0|[1-9]\d{0,14})$/.test(text)) return Number(text);
  if (/^-?(0|[1-9]\d*)\.\d+([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === "True") return true;
  if (text === "False") return false;
  if (text === "None") return null;
  const first = text[0];
  if (first === "[" || first === "{") {
    try {
      return JSON.parse(text);
    } catch {
      // A Python repr: single quotes, True/False/None.
      try {
        return JSON.parse(text.replace(/'/g, '"').replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, "false").replace(/\bNone\b/g, "null"));
      } catch {
        return text;
      }
    }
  }
  return text;
}
