/**
 * The fast paths must give exactly the interpreter's output: every template × input pair is
 * rendered both ways (fastPaths on/off) and compared, and the fast path must really be taken for
 * the plain cases (otherwise this test would prove nothing).
 */
import { describe, expect, it } from "vitest";
import { compile } from "./engine";
import { FALLBACK, fastPathFor } from "./fast-paths";
import { pyFloat } from "./ha-template";
import { parseTemplate } from "./syntax";

const TEMPLATES = [
  "{{ value }}",
  "{{value}}",
  "{{ value_json }}",
  "{{ value_json.state }}",
  '{{ value_json["temperature"] }}',
  "{{ value_json['temperature'] }}",
  "{{value_json['ENERGY']['Power']}}",
  "{{ value_json.ENERGY.Power }}",
  "{{ value_json.aenergy.total }}",
  "{{ value_json.list.0 }}",
  "{{ value_json.list[1] }}",
  "{{ value_json.list[-1] }}",
  "{{ value_json.nested.a.b }}",
  '{{ value_json["switch:0"].temperature.tC }}',
  "{{ value_json.items }}",
  "{{ value_json['items'] }}",
  "{{ value_json.keys }}",
  "{{ value_json._private }}",
  "{{ value_json.missing }}",
  "{{ value_json.missing.deeper }}",
  "{{ value_json.state.upper }}",
  "{%if value_json.output%}on{%else%}off{%endif%}",
  "{% if value_json.mqtt.connected %} online {% else %} offline {% endif %}",
  "{% if value_json.missing %}yes{% endif %}",
  "{% if value %}set{% else %}empty{% endif %}",
];

const PAYLOADS = [
  '{"state":"ON","temperature":21.48,"ENERGY":{"Power":57,"Total":12.0},"aenergy":{"total":1523.417},"list":[1,2.5,"x"],"nested":{"a":{"b":true}},"switch:0":{"temperature":{"tC":45.1}},"output":true,"mqtt":{"connected":false},"items":3,"keys":"k","_private":1}',
  '{"state":null,"temperature":21.0,"ENERGY":{"Power":null},"list":[],"nested":{"a":{"b":{"c":[1,{"d":null}]}}},"output":0,"mqtt":{"connected":"yes"}}',
  '{"state":"  padded  ","temperature":-0.0,"ENERGY":[1,2],"list":[[1,2],{"a":1}],"nested":{"a":"string"},"output":"","mqtt":{}}',
  '{"state":"multi\\nline","temperature":1e21,"ENERGY":{"Power":1e-7},"list":[true,false,null],"nested":{"a":{"b":"\\u00e9\\u00b0C"}},"output":[],"mqtt":{"connected":[0]}}',
  '{"state":false,"temperature":12345678901234567,"ENERGY":{"Power":"57"},"list":"abc","nested":[1],"output":{},"mqtt":null}',
  "{}",
  "[1,2,3]",
  '"just a string"',
  "21.5",
  "true",
  "null",
  "not json at all",
  "",
  "  spaced  ",
];

function variablesFor(text: string): Record<string, unknown> {
  const vars: Record<string, unknown> = { value: text };
  try {
    vars.value_json = JSON.parse(text) as unknown;
  } catch {
    // no value_json for non-JSON payloads
  }
  return vars;
}

/** Variable sets that are not plain JSON: JS undefined, null-prototype objects, Python floats, class instances. */
const UNUSUAL: Record<string, unknown>[] = [
  {},
  { value: undefined },
  { value: "x", value_json: undefined },
  { value: "x", value_json: { state: undefined, list: [undefined] } },
  { value: "x", value_json: Object.assign(Object.create(null) as object, { state: "null-proto", nested: { a: { b: 1 } } }) },
  { value: "x", value_json: { state: pyFloat(3), temperature: pyFloat(21.5) } },
  { value: "x", value_json: { state: new Date(0), nested: new Map([["a", 1]]) } },
  { value: 42, value_json: { state: ["a", "b"] } },
  { value: pyFloat(22), value_json: { output: 1 } },
];

describe("fast paths", () => {
  it("recognise the common shapes", () => {
    const shapes = ["{{ value }}", "{{ value_json.state }}", '{{ value_json["temperature"] }}', "{{value_json['ENERGY']['Power']}}", "{{ value_json.list.0.x }}", "{%if value_json.output%}on{%else%}off{%endif%}"];
    const vars = variablesFor('{"state":"ON","temperature":21.48,"ENERGY":{"Power":57},"list":[{"x":1}],"output":true}');
    for (const source of shapes) {
      const fast = fastPathFor(parseTemplate(source));
      expect(fast, source).toBeDefined();
      expect(fast?.(vars), source).not.toBe(FALLBACK);
    }
    for (const source of ["{{ value|float }}", "{{ value_json.x }} {{ value_json.y }}", "{{ value_json[key] }}", "{% if a %}{{ b }}{% endif %}"]) {
      expect(fastPathFor(parseTemplate(source)), source).toBeUndefined();
    }
  });

  it("give exactly the interpreter's outcome for every template and input", () => {
    const inputs = [...PAYLOADS.map(variablesFor), ...UNUSUAL];
    let compared = 0;
    let fastHits = 0;
    for (const source of TEMPLATES) {
      const fast = compile(source, { fastPaths: true });
      const slow = compile(source, { fastPaths: false });
      expect(fast.ok && slow.ok, source).toBe(true);
      if (!fast.ok || !slow.ok) continue;
      const shortcut = fastPathFor(parseTemplate(source));
      for (const vars of inputs) {
        expect(fast.template.render(vars), `${source} with ${String(vars.value)}`).toEqual(slow.template.render(vars));
        compared++;
        if (shortcut && shortcut(vars) !== FALLBACK) fastHits++;
      }
    }
    expect(compared).toBe(TEMPLATES.length * (PAYLOADS.length + UNUSUAL.length));
    // The comparison is only meaningful if the fast paths answered a good share of it themselves.
    expect(fastHits).toBeGreaterThan(compared / 4);
  });

  it("report a missing leaf exactly like the interpreter", () => {
    const vars = variablesFor('{"present":1}');
    for (const fastPaths of [true, false]) {
      const compiled = compile("{{ value_json.absent }}", { fastPaths });
      expect(compiled.ok && compiled.template.render(vars)).toEqual({ ok: true, value: "", undefinedAccess: "absent" });
    }
  });
});
