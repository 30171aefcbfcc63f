/**
 * A template comes from a device's discovery message: it must never hang, crash or reach into the
 * JS runtime. Every render returns within its budget, with bounded memory, and never throws.
 */
import { describe, expect, it } from "vitest";
import { compileTemplate, type RenderOutcome, type TemplateOptions } from "./ha-template";

function render(source: string, variables: Record<string, unknown> = {}, options: TemplateOptions = {}): RenderOutcome {
  const compiled = compileTemplate(source, options);
  if (!compiled.ok) return { ok: false, error: `compile: ${compiled.error}` };
  return compiled.template.render(variables);
}

function timed(fn: () => RenderOutcome): { outcome: RenderOutcome; ms: number } {
  const start = performance.now();
  const outcome = fn();
  return { outcome, ms: performance.now() - start };
}

describe("time budget", () => {
  it("stops runaway loops at the budget", () => {
    const { outcome, ms } = timed(() => render("{% for i in range(100000) %}{% for j in range(100000) %}{{ i * j }}{% endfor %}{% endfor %}"));
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/time budget|too long/);
    expect(ms).toBeLessThan(1500);
  });

  it("honours options.budgetMs", () => {
    const source = "{% set ns = namespace(n=0) %}{% for i in range(100000) %}{% for j in range(100000) %}{% set ns.n = ns.n + 1 %}{% endfor %}{% endfor %}{{ ns.n }}";
    const { outcome, ms } = timed(() => render(source, {}, { budgetMs: 5 }));
    expect(outcome).toEqual({ ok: false, error: "template render exceeded its time budget" });
    expect(ms).toBeLessThan(500);
  });

  it("refuses regular expressions that could backtrack catastrophically", () => {
    const evil = { value: `${"a".repeat(40)}!` };
    for (const pattern of ["(a+)+$", "(a|a)*$", "(a*)*b", "(?:a|aa)+$", "((a+))+$"]) {
      const { outcome, ms } = timed(() => render(`{{ value|regex_match('${pattern}') }}`, evil));
      expect(outcome.ok, pattern).toBe(false);
      expect(ms, pattern).toBeLessThan(200);
    }
    const { outcome, ms } = timed(() => render("{{ value|regex_findall('.*.*.*x') }}", { value: "a".repeat(20000) }));
    expect(outcome.ok).toBe(false);
    expect(ms).toBeLessThan(200);
    // Ordinary patterns on ordinary payloads still run.
    expect(render("{{ value|regex_findall('\\\\d+') }}", { value: "a1b22c333" })).toEqual({ ok: true, value: "['1', '22', '333']" });
  });
});

describe("memory bounds", () => {
  const cases = [
    "{{ 'a' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 'x'.center(10**9) }}",
    "{{ '%1000000000s'|format('x') }}",
    "{{ range(10**9)|list }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
    "{{ ('x' * 60000)|replace('x', 'yy') }}",
    "{{ 10**10**10 }}",
  ];
  it.each(cases)("%s fails cleanly", (source) => {
    const { outcome, ms } = timed(() => render(source));
    expect(outcome.ok).toBe(false);
    expect(ms).toBeLessThan(1500);
  });

  it("allows results up to the limit", () => {
    const outcome = render("{{ 'x' * 60000 }}");
    expect(outcome.ok && outcome.value.length).toBe(60000);
  });
});

describe("recursion and nesting", () => {
  it("bounds macro recursion", () => {
    expect(render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")).toEqual({ ok: false, error: "maximum macro recursion depth exceeded" });
  });

  it("rejects absurdly nested templates at compile time", () => {
    for (const source of [`{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`, `{{ ${"[".repeat(3000)}${"]".repeat(3000)} }}`, `{{ 1${" + 1".repeat(20000)} }}`, `${"{% if 1 %}".repeat(2000)}x${"{% endif %}".repeat(2000)}`]) {
      const compiled = compileTemplate(source);
      expect(compiled.ok).toBe(false);
    }
  });

  it("survives deeply nested and cyclic variables", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(render("{{ value_json }}", { value_json: deep }).ok).toBe(false);
    expect(render("{{ value_json|tojson }}", { value_json: deep }).ok).toBe(false);
    expect(render("{{ value_json == value_json }}", { value_json: deep })).toEqual({ ok: true, value: "True" });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(render("{{ value_json.self.self.name }}", { value_json: cyclic })).toEqual({ ok: true, value: "loop" });
    expect(render("{{ value_json }}", { value_json: cyclic }).ok).toBe(false);
    expect(render("{{ value_json|tojson }}", { value_json: cyclic }).ok).toBe(false);
  });
});

describe("no access to the JS runtime", () => {
  const probes = [
    "{{ value.constructor }}",
    "{{ value.constructor.constructor('return process')() }}",
    "{{ value['constructor'] }}",
    "{{ value.__proto__ }}",
    "{{ value.toString() }}",
    "{{ value.length }}",
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ value_json.__proto__ }}",
    "{{ value_json['__proto__'] }}",
    "{{ value_json.constructor }}",
    "{{ value_json.hasOwnProperty('a') }}",
    "{{ value_json.valueOf() }}",
    "{{ [].constructor }}",
    "{{ [].map }}",
    "{{ (1).toFixed }}",
    "{{ namespace.constructor }}",
    "{{ range.call }}",
    "{{ range.apply(none, [1]) }}",
    "{{ now().constructor }}",
    "{{ now().__class__ }}",
    "{{ loop }}",
    "{{ self }}",
    "{{ globalThis }}",
    "{{ process }}",
    "{{ this }}",
    "{{ value_json.a.__proto__.__proto__ }}",
    "{{ {}.__proto__ }}",
    "{{ [].append(1) }}",
    "{{ value_json.update({'x': 1}) }}",
    "{{ value_json.pop('a') }}",
  ];
  it.each(probes)("%s yields an error or nothing", (source) => {
    const outcome = render(source, { value: "text", value_json: { a: { b: 1 } } });
    if (outcome.ok) {
      expect(outcome.value).not.toMatch(/function|native code|\[object|prototype|process/i);
      expect(["", "text"]).toContain(outcome.value);
    }
  });

  it("cannot pollute prototypes through dict literals, set, namespace or dict()", () => {
    const sources = [
      "{% set x = {'__proto__': {'polluted': 'yes'}} %}{{ x.polluted }}{{ x.keys()|list }}",
      "{% set x = dict(__proto__={'polluted': 'yes'}) %}{{ x.polluted }}",
      "{% set ns = namespace() %}{% set ns.__proto__ = {'polluted': 'yes'} %}{{ ns.polluted }}",
      "{% set ns = namespace(__proto__={'polluted': 'yes'}) %}{{ ns.polluted }}",
      "{% set constructor = 1 %}{{ constructor }}",
      "{{ dict.fromkeys(['__proto__'], {'polluted': 'yes'}).polluted }}",
    ];
    for (const source of sources) {
      const outcome = render(source, { value_json: JSON.parse('{"__proto__": {"polluted": "json"}}') as unknown });
      expect(outcome.ok && outcome.value.includes("yes")).toBe(false);
    }
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("returns a JSON payload's own __proto__ key as data only", () => {
    const vars = { value_json: JSON.parse('{"__proto__": {"x": 1}}') as unknown };
    expect(render("{{ value_json['__proto__'].x }}", vars)).toEqual({ ok: true, value: "1" });
    expect(render("{{ value_json.x }}", vars)).toEqual({ ok: true, value: "", undefinedAccess: "x" });
  });
});

describe("render never throws", () => {
  const vocabulary = [
    "{{", "}}", "{%", "%}", "{#", "#}", "if", "else", "endif", "for", "in", "endfor", "set", "=", "value", "value_json", ".", "[", "]", "(", ")",
    "{", "}", ",", ":", "|", "float", "int", "round", "default", "is", "defined", "not", "and", "or", "+", "-", "*", "/", "//", "%", "**", "~",
    "'a'", '"b"', "1", "2.5", "0", "-1", "None", "True", "x", "ns", "namespace", "range", "loop", "tojson", "regex_findall", "'(a+)+'",
    "join", "split", "items", "keys", "__proto__", "constructor", "macro", "endmacro", "break", "continue", "\\", "'", '"', "\n", " ",
  ];
  const variables: Record<string, unknown>[] = [
    {},
    { value: "21.5", value_json: 21.5 },
    { value: '{"a":[1,{"b":null}]}', value_json: { a: [1, { b: null }] } },
    { value: "x", value_json: { x: undefined, y: () => 1 } },
  ];

  it("for random token soup", () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let rendered = 0;
    for (let i = 0; i < 3000; i++) {
      const length = 1 + Math.floor(random() * 14);
      let source = "{{ ";
      for (let j = 0; j < length; j++) source += `${vocabulary[Math.floor(random() * vocabulary.length)] ?? ""} `;
      if (random() < 0.7) source += " }}";
      const compiled = compileTemplate(source, { budgetMs: 5 });
      expect(typeof compiled.ok).toBe("boolean");
      if (!compiled.ok) continue;
      for (const vars of variables) {
        const outcome = compiled.template.render(vars);
        expect(typeof outcome.ok).toBe("boolean");
        rendered++;
      }
    }
    expect(rendered).toBeGreaterThan(100);
  });

  it("for hostile variables and sources", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(render("{{ value_json.a }}", { value_json: hostile }).ok).toBe(false);
    expect(render("{{ value }}", { value: hostile }).ok).toBe(false);
    expect(compileTemplate(null as unknown as string).ok).toBe(false);
    expect(compileTemplate("{{ 1 }}".repeat(20_000)).ok).toBe(false);
  });
});
