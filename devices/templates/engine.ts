/**
 * Compile/render plumbing behind compileTemplate (ha-template.ts): parsing, static templates,
 * fast paths, the float-preserving `value_json`, limits and error containment.
 */
import { compileProgram, type Environment, type FilterFunction, RenderContext, type TestFunction } from "./evaluator";
import { FALLBACK, fastPathFor, type FastRender } from "./fast-paths";
import { extendEnvironment, HA_ENVIRONMENT } from "./ha-filters";
import { mayHoldIntegralFloats, parseJson } from "./json";
import { pyStrip } from "./python-ops";
import { type Kwargs, PyCallable } from "./python-values";
import { parseTemplate } from "./syntax";

/** What compileTemplate returns (mirrors ha-template.ts's public types). */
export type EngineRenderOutcome = { ok: true; value: string; undefinedAccess?: string } | { ok: false; error: string };

export interface EngineTemplate {
  readonly source: string;
  render(variables: Readonly<Record<string, unknown>>): EngineRenderOutcome;
}

export type EngineCompileOutcome = { ok: true; template: EngineTemplate } | { ok: false; error: string };

/** Keyword arguments handed to an extension function as its last argument. */
export class TemplateKwargs {
  readonly values: Readonly<Record<string, unknown>>;
  constructor(values: Readonly<Record<string, unknown>>) {
    this.values = values;
  }
}

export interface EngineOptions {
  budgetMs?: number;
  timeZone?: string;
  now?: () => number;
  globals?: Readonly<Record<string, (...args: unknown[]) => unknown>>;
  filters?: Readonly<Record<string, (value: unknown, ...args: unknown[]) => unknown>>;
  tests?: Readonly<Record<string, (value: unknown, ...args: unknown[]) => boolean>>;
  /** Testing only: disable the fast paths to compare them with the interpreter. */
  fastPaths?: boolean;
}

/** Longest template source accepted. */
export const MAX_SOURCE_LENGTH = 64 * 1024;
const DEFAULT_BUDGET_MS = 50;

/** `{{`, `{%` or `{#`: without one, HA returns the template text unchanged. */
const TEMPLATE_SYNTAX = /\{[{%#]/;

function withKwargs(args: unknown[], kwargs: Kwargs): unknown[] {
  if (kwargs.size === 0) return args;
  return [...args, new TemplateKwargs(Object.fromEntries(kwargs))];
}

function environmentFor(options: EngineOptions): Environment {
  if (!options.globals && !options.filters && !options.tests) return HA_ENVIRONMENT;
  const globals = new Map<string, unknown>();
  for (const [name, fn] of Object.entries(options.globals ?? {})) {
    const extras = fn as { templateMember?: (name: unknown) => unknown; templateItems?: () => unknown[] };
    globals.set(name, new PyCallable(name, (args, kwargs) => fn(...withKwargs(args, kwargs)) ?? null, extras.templateMember, extras.templateItems));
  }
  const filters = new Map<string, FilterFunction>();
  for (const [name, fn] of Object.entries(options.filters ?? {})) {
    filters.set(name, (value, args, kwargs) => fn(value, ...withKwargs(args, kwargs)) ?? null);
  }
  const tests = new Map<string, TestFunction>();
  for (const [name, fn] of Object.entries(options.tests ?? {})) {
    tests.set(name, (value, args) => fn(value, ...args) === true);
  }
  return extendEnvironment({ globals, filters, tests });
}

function errorMessage(err: unknown): string {
  if (err instanceof RangeError) return `template too complex (${err.message})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The last payload seen and its float-preserving parse (undefined: not needed or not JSON). One
 * message feeds several templates, so the check and the parse run once per payload string.
 */
let lastPayload: string | undefined;
let lastParsed: unknown;

function preciseParse(text: string): unknown {
  if (text !== lastPayload) {
    lastPayload = text;
    lastParsed = undefined;
    if (mayHoldIntegralFloats(text)) {
      const parsed = parseJson(text);
      if (parsed.ok) lastParsed = parsed.value;
    }
  }
  return lastParsed;
}

/**
 * `value_json` as templates must see it for a payload whose plain JSON.parse is `json`: Python keeps
 * `21.0` a float and JSON.parse cannot, so a payload that may hold such a number is re-read with the
 * float-preserving parser. Callers that pass this as `value_json` save render() the substitution.
 */
export function templateValueJson(text: string, json: unknown): unknown {
  if (json === undefined) return undefined;
  return preciseParse(text) ?? json;
}

function preciseValueJson(vars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const text = vars.value;
  if (typeof text !== "string" || vars.value_json === undefined) return vars;
  const precise = preciseParse(text);
  if (precise === undefined || precise === vars.value_json) return vars;
  return { ...vars, value_json: precise };
}

export function compile(source: string, options: EngineOptions = {}): EngineCompileOutcome {
  if (typeof source !== "string") return { ok: false, error: "template must be a string" };
  if (source.length > MAX_SOURCE_LENGTH) return { ok: false, error: `template too long (${source.length} > ${MAX_SOURCE_LENGTH} characters)` };

  if (!TEMPLATE_SYNTAX.test(source)) {
    const outcome: EngineRenderOutcome = { ok: true, value: source };
    return { ok: true, template: { source, render: () => outcome } };
  }

  let program: ReturnType<typeof compileProgram>;
  let fast: FastRender | undefined;
  let usesValueJson: boolean;
  const env = environmentFor(options);
  try {
    const ast = parseTemplate(source);
    program = compileProgram(ast, env);
    fast = options.fastPaths === false ? undefined : fastPathFor(ast);
    usesValueJson = source.includes("value_json");
  } catch (err) {
    return { ok: false, error: `template syntax error: ${errorMessage(err)}` };
  }

  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = options.now ?? (() => Date.now());
  const timeZone = options.timeZone;
  const clock = () => Date.now();

  const template: EngineTemplate = {
    source,
    render(variables) {
      try {
        const vars = usesValueJson ? preciseValueJson(variables) : variables;
        if (fast) {
          const outcome = fast(vars);
          if (outcome !== FALLBACK) return outcome;
        }
        const ctx = new RenderContext(env, vars, clock() + budgetMs, clock, timeZone, now);
        program.run(ctx);
        const value = pyStrip(ctx.out);
        return ctx.undefinedAccess === undefined ? { ok: true, value } : { ok: true, value, undefinedAccess: ctx.undefinedAccess };
      } catch (err) {
        return { ok: false, error: errorMessage(err) };
      }
    },
  };
  return { ok: true, template };
}
