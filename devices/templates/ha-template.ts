/**
 * Home Assistant's templates (Jinja2 as HA runs it) for discovery configs: value, attribute,
 * availability and command templates. Pure code: no I/O, no access to the process.
 *
 * CONTRACT for callers (the discovery pipeline and the platforms in devices/components):
 * - compile once per (entity, template key), render many times;
 * - render never throws and never runs longer than the configured budget;
 * - the rendered value is a Python-style string (True, None, 21.0, dict repr), as HA produces it,
 *   stripped of surrounding whitespace like HA does; a template without `{{`/`{%`/`{#` is
 *   returned unchanged (HA's static templates).
 *
 * Variables: pass `value` (payload text) and, when it parses, `value_json` (JSON.parse is fine).
 * JS numbers are ints when integral and floats otherwise; JSON.parse turns `21.0` into 21, so
 * when `value` is the payload text and holds such a number the engine re-reads `value_json` from
 * it with a float-preserving parser (once per payload string) and renders "21.0" like HA. Other
 * callers can mark floats with {@link pyFloat}.
 *
 * Implementation: @huggingface/jinja's lexer and parser build the AST (syntax.ts adapts Python
 * string escapes, Jinja2 number literals and tests with arguments); evaluator.ts compiles it to
 * closures with Python semantics (python-values.ts, python-ops.ts) and HA's filters
 * (ha-filters.ts, ha-datetime.ts, conversions.ts, regex.ts, json.ts); fast-paths.ts answers the
 * common shapes without the interpreter. Limits: budgetMs per render, 64 KiB strings and output,
 * 100k-item lists, nesting depth, macro recursion, regex backtracking cost.
 */
import { compile, TemplateKwargs, templateValueJson } from "./engine";
import { makeFloat } from "./python-values";

/** Variables for one render: `value`, `value_json` (only when the payload is JSON), and platform extras. */
export type TemplateVariables = Readonly<Record<string, unknown>>;

export type RenderOutcome =
  /** Rendered text. `undefinedAccess` names a missing leaf key that rendered as "" (HA: "no update"). */
  | { ok: true; value: string; undefinedAccess?: string }
  /** The template raised (bad filter input, undefined parent, is_defined on a missing key, time budget). */
  | { ok: false; error: string };

export interface CompiledTemplate {
  readonly source: string;
  render(variables: TemplateVariables): RenderOutcome;
}

export interface TemplateOptions {
  /** Wall-clock budget per render in ms (default 50). */
  budgetMs?: number;
  /** IANA time zone for now()/timestamp_local (default: the process's). */
  timeZone?: string;
  /** Clock for now()/utcnow() (default Date.now). */
  now?: () => number;
  /**
   * Extra global functions (e.g. HA's `states('x')`, `is_state()`, `state_attr()` for automations).
   * Arguments arrive as template values (see python-values.ts: strings, numbers, booleans, null,
   * arrays, plain objects, PyFloat for integral floats…); keyword arguments arrive as a trailing
   * {@link TemplateKwargs}. A thrown error fails the render. They shadow built-in globals.
   */
  globals?: Readonly<Record<string, (...args: unknown[]) => unknown>>;
  /** Extra filters: `value | name(args)` calls `fn(value, ...args)`. They shadow built-in filters. */
  filters?: Readonly<Record<string, (value: unknown, ...args: unknown[]) => unknown>>;
  /** Extra tests: `value is name` calls `fn(value)`. */
  tests?: Readonly<Record<string, (value: unknown, ...args: unknown[]) => boolean>>;
}

export type CompileOutcome = { ok: true; template: CompiledTemplate } | { ok: false; error: string };

/**
 * Compiles a template once (parse + closure compilation); the result renders many times.
 * Never throws: syntax errors, unknown filters/tests and oversized sources give `{ ok: false }`.
 */
export function compileTemplate(source: string, options: TemplateOptions = {}): CompileOutcome {
  return compile(source, options);
}

/**
 * A global function that also has attributes, as HA's `states` is both `states('sensor.x')` and
 * `states.sensor.x`: `member(name)` answers `fn.name` in a template (undefined: no such attribute).
 * With `items`, iterating it (`for`, `| list`, `| count`…) yields what `items()` answers, asked only then.
 */
export function withMembers<F extends (...args: unknown[]) => unknown>(fn: F, member: (name: unknown) => unknown, items?: () => unknown[]): F {
  return Object.assign(fn, { templateMember: member, ...(items ? { templateItems: items } : {}) });
}

/** Marks a number as a Python float for template variables (`pyFloat(22)` renders "22.0"). */
export function pyFloat(value: number): unknown {
  return makeFloat(value);
}

export { TemplateKwargs, templateValueJson };
