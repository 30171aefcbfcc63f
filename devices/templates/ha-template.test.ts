/**
 * HA template semantics, table-driven against the real engine. Expected values are what Home
 * Assistant (Jinja2 3.1 + HA's filters, CPython 3) renders; many were cross-checked with it.
 */
import { describe, expect, it } from "vitest";
import { compileTemplate, pyFloat, type RenderOutcome, type TemplateOptions, TemplateKwargs } from "./ha-template";

const NOW = Date.UTC(2023, 10, 14, 22, 13, 20); // 1700000000 s
const OPTIONS: TemplateOptions = { now: () => NOW, timeZone: "Europe/Berlin" };

function render(source: string, variables: Record<string, unknown> = {}, options: TemplateOptions = OPTIONS): RenderOutcome {
  const compiled = compileTemplate(source, options);
  if (!compiled.ok) return { ok: false, error: `compile: ${compiled.error}` };
  return compiled.template.render(variables);
}

/** Variables as the pipeline builds them: `value` is the payload text, `value_json` its JSON.parse. */
function payload(text: string): Record<string, unknown> {
  const vars: Record<string, unknown> = { value: text };
  try {
    vars.value_json = JSON.parse(text) as unknown;
  } catch {
    // not JSON: no value_json, as in HA
  }
  return vars;
}

function ok(source: string, variables: Record<string, unknown> = {}): string {
  const outcome = render(source, variables);
  if (!outcome.ok) throw new Error(`${source} failed: ${outcome.error}`);
  return outcome.value;
}

const Z2M = payload('{"battery":97,"humidity":48.53,"linkquality":156,"temperature":21.48,"voltage":3025,"state":"ON","occupancy":true,"contact":false,"running_state":null}');

describe("real-world templates (DISCOVERY.md §14.1)", () => {
  const cases: [name: string, source: string, vars: Record<string, unknown>, expected: string][] = [
    ["Z2M bracket access", '{{ value_json["temperature"] }}', Z2M, "21.48"],
    ["Z2M availability", "{{ value_json.state }}", payload('{"state":"online"}'), "online"],
    ["Z2M boolean renders Python-style", '{{ value_json["occupancy"] }}', Z2M, "True"],
    ["Z2M false", '{{ value_json["contact"] }}', Z2M, "False"],
    ["Shelly if/else on", "{%if value_json.output%}on{%else%}off{%endif%}", payload('{"id":0,"output":true,"apower":23.4}'), "on"],
    ["Shelly if/else off", "{%if value_json.output%}on{%else%}off{%endif%}", payload('{"id":0,"output":false}'), "off"],
    ["Shelly nested availability", "{%if value_json.mqtt.connected%}online{%else%}offline{%endif%}", payload('{"mqtt":{"connected":true}}'), "online"],
    ["Shelly colon key", '{{ value_json["switch:0"].temperature.tC }}', payload('{"switch:0":{"temperature":{"tC":45.1,"tF":113.2}}}'), "45.1"],
    ["Shelly list index via dot", "{{ value_json.thermostats.0.target_t.value }}", payload('{"thermostats":[{"target_t":{"value":21.5}}]}'), "21.5"],
    ["rtl_433 wind speed", "{{ (float(value|float) * 3.6) | round(2) }}", payload("1.12"), "4.03"],
    ["rtl_433 temperature", "{{ value|float|round(1) }}", payload("21.3"), "21.3"],
    ["rtl_433 round half-even", "{{ value|float|round(1) }}", payload("21.25"), "21.2"],
    ["rtl_433 int", "{{ value|int }}", payload("88"), "88"],
    ["Tasmota nested brackets", "{{value_json['ENERGY']['Power']}}", payload('{"ENERGY":{"Power":57,"Total":12.345}}'), "57"],
    ["Tasmota integral float keeps .0", "{{value_json['ENERGY']['Total']}}", payload('{"ENERGY":{"Total":12.0}}'), "12.0"],
    ["Tasmota HSBColor split/slice/join", "{{value_json.HSBColor.split(',')[0:2]|join(',')}}", payload('{"HSBColor":"120,50,100"}'), "120,50"],
    ["OMG is_defined passes values through", "{{ value_json.tempc | is_defined }}", payload('{"tempc":24.3,"hum":50}'), "24.3"],
    ["round(0) gives an int", "{{ ((1.0*99)|round(0))+1 }}", {}, "100"],
    ["tojson of a dict literal", "{{ {'a':1} | tojson }}", {}, '{"a": 1}'],
    ["Z2M climate None key", "{% set values = {None:None,'idle':'idle','heat':'heating'} %}{{ values[value_json.running_state] }}", Z2M, "None"],
    ["Z2M climate string key", "{% set values = {None:None,'idle':'idle','heat':'heating'} %}{{ values[value_json.running_state] }}", payload('{"running_state":"heat"}'), "heating"],
    ["Z2M default on a dict lookup", "{{ {'low':'1','high':'3'}[value_json.mode] | default('0') }}", payload('{"mode":"medium"}'), "0"],
    ["device-based battery low", "{{ 'ON' if value_json.battery < 20 else 'OFF' }}", payload('{"battery":12}'), "ON"],
    ["Shelly uptime timestamp", "{{ (as_timestamp(now()) - value_json.sys.uptime) | timestamp_local }}", payload('{"sys":{"uptime":3600}}'), "2023-11-14T22:13:20+01:00"],
    ["uptime timestamp, integer seconds", "{{ (as_timestamp(now()) - value_json.uptime | int) | timestamp_custom('%Y-%m-%d %H:%M') }}", payload('{"uptime":"7200"}'), "2023-11-14 21:13"],
    ["Shelly Gen1 multiply", "{{ value|multiply(0.001)|round(3) }}", payload("123456"), "123.456"],
    ["lower/upper", "{{ value_json.state|lower }} {{ 'off'|upper }}", Z2M, "on OFF"],
    ["dict .get with default", "{{ value_json.get('missing', 'n/a') }}", Z2M, "n/a"],
    ["'k' in value_json", "{{ 'battery' in value_json }}", Z2M, "True"],
    ["replace method", "{{ 'double_click'.replace('_',' ') }}", {}, "double click"],
    ["negative index", "{{ value_json.list[-1] }}", payload('{"list":[1,2,3]}'), "3"],
  ];
  it.each(cases)("%s", (_name, source, vars, expected) => {
    expect(render(source, vars)).toEqual({ ok: true, value: expected });
  });

  it("renders Zigbee2MQTT's event template (regex_findall, namespace, nested loops, dict.from_keys)", () => {
    const source =
      "{% set patterns = [\n" +
      "{\"pattern\": '^(?P<button>(?:button_)?[a-z0-9]+)_(?P<action>(?:press|hold)(?:_release)?)$', \"groups\": [\"button\", \"action\"]},\n" +
      "{\"pattern\": '^(?P<action>recall|scene)_(?P<scene>[0-2][0-9]{0,2})$', \"groups\": [\"action\", \"scene\"]},\n" +
      "{\"pattern\": '^(?P<actionPrefix>region_)(?P<region>[1-9]|10)_(?P<action>enter|leave|occupied|unoccupied)$', \"groups\": [\"actionPrefix\", \"region\", \"action\"]},\n" +
      "{\"pattern\": '^(?P<action>dial_rotate)_(?P<direction>left|right)_(?P<speed>step|slow|fast)$', \"groups\": [\"action\", \"direction\", \"speed\"]},\n" +
      "{\"pattern\": '^(?P<action>brightness_step)(?:_(?P<direction>up|down))?$', \"groups\": [\"action\", \"direction\"]}\n" +
      "] %}\n{% set action_value = value_json.action|default('') %}\n{% set ns = namespace(r=[('action', action_value)]) %}\n" +
      "{% for p in patterns %}\n  {% set m = action_value|regex_findall(p.pattern) %}\n  {% if m[0] is undefined %}{% continue %}{% endif %}\n" +
      "  {% for key, value in zip(p.groups, m[0]) %}\n    {% set ns.r = ns.r|rejectattr(0, 'eq', key)|list + [(key, value)] %}\n  {% endfor %}\n{% endfor %}\n" +
      "{% if (ns.r|selectattr(0, 'eq', 'actionPrefix')|first) is defined %}\n" +
      "  {% set ns.r = ns.r|rejectattr(0, 'eq', 'action')|list + [('action', ns.r|selectattr(0, 'eq', 'actionPrefix')|map(attribute=1)|first + ns.r|selectattr(0, 'eq', 'action')|map(attribute=1)|first)] %}\n" +
      "{% endif %}\n{% set ns.r = ns.r + [('event_type', ns.r|selectattr(0, 'eq', 'action')|map(attribute=1)|first)] %}\n" +
      "{{dict.from_keys(ns.r|rejectattr(0, 'in', ('action', 'actionPrefix'))|reject('eq', ('event_type', None))|reject('eq', ('event_type', '')))|to_json}}";
    const compiled = compileTemplate(source);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    // Expected outputs rendered by Home Assistant's Jinja2.
    const table: [string, string][] = [
      ['{"action":"single"}', '{"event_type":"single"}'],
      ['{"action":"button_2_hold_release"}', '{"button":"button_2","event_type":"hold_release"}'],
      ['{"action":"scene_12"}', '{"scene":"12","event_type":"scene"}'],
      ['{"action":"region_1_enter"}', '{"region":"1","event_type":"region_enter"}'],
      ['{"action":"dial_rotate_left_fast"}', '{"direction":"left","speed":"fast","event_type":"dial_rotate"}'],
      ['{"action":"brightness_step"}', '{"direction":"","event_type":"brightness_step"}'],
      ['{"action":""}', "{}"],
      ['{"battery":100}', "{}"],
    ];
    for (const [message, expected] of table) expect(compiled.template.render(payload(message))).toEqual({ ok: true, value: expected });
  });
});

describe("Python value semantics", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["{{ True }} {{ true }} {{ False }} {{ None }} {{ none }}", {}, "True True False None None"],
    ["{{ 21.0 }} {{ 21 }} {{ 1234567|float }} {{ 2.5 }}", {}, "21.0 21 1234567.0 2.5"],
    ["{{ 10/2 }} {{ 7//2 }} {{ -7//2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2**10 }} {{ 2**-1 }}", {}, "5.0 3 -4 1 2 1024 0.5"],
    ["{{ 0.1 + 0.2 }} {{ 1/3 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }}", {}, "0.30000000000000004 0.3333333333333333 1e+16 1000000000000000.0 0.0001 1e-05"],
    ["{{ {'a': 1, 'b': [1, 2.0, None, True, 'x']} }}", {}, "{'a': 1, 'b': [1, 2.0, None, True, 'x']}"],
    ["{{ {None: 1, 1: 'one', 'q': \"it's\"} }}", {}, "{None: 1, 1: 'one', 'q': \"it's\"}"],
    ["{{ (1, 'a') }} {{ [] }} {{ {} }}", {}, "(1, 'a') [] {}"],
    ["{{ value_json }}", payload('{"a":{"b":[1,2.5,null,true,"x"]}}'), "{'a': {'b': [1, 2.5, None, True, 'x']}}"],
    ["{{ value_json }}", payload("17"), "17"],
    ["{{ value_json }}", payload('"text"'), "text"],
    ["{{ value_json.x }}", payload('{"x":21.0}'), "21.0"],
    ["{{ value_json.x + 1 }}", payload('{"x":21.0}'), "22.0"],
    ["{{ value_json.x }}", payload('{"x":1e3}'), "1000.0"],
    ["{{ value_json.x }}", payload('{"x":97}'), "97"],
    ["{{ value_json.x|int }} {{ '21.6'|int }} {{ -1.9|int }} {{ '0x1A'|int(base=16) }}", payload('{"x":21.9}'), "21 21 -1 26"],
    ["{{ 1 == 1.0 }} {{ 1 == True }} {{ '1' == 1 }} {{ [1, 2] == [1, 2] }} {{ none == none }}", {}, "True True False True True"],
    ["{{ 'a' ~ 1 ~ None ~ True }} {{ 'ab' * 3 }} {{ [1] + [2] }}", {}, "a1NoneTrue ababab [1, 2]"],
    ["{{ 1 and 2 }} {{ 0 or 'x' }} {{ not [] }} {{ '' or None }}", {}, "2 x True None"],
    ["{{ '%0.1f'|format(21.25) }} {{ '%.2f'|format(2.675) }} {{ '%d%%'|format(50) }} {{ '%05.1f'|format(3.14159) }}", {}, "21.2 2.67 50% 003.1"],
    ["{{ '{:.1f}'.format(2.25) }} {{ '{:>4}|'.format(7) }} {{ '{:,}'.format(1234567) }}", {}, "2.2    7| 1,234,567"],
  ];
  it.each(cases)("%s", (source, vars, expected) => {
    expect(render(source, vars)).toEqual({ ok: true, value: expected });
  });

  it("keeps 21.0 a float even when the caller parsed value_json with JSON.parse", () => {
    // JSON.parse('21.0') === 21: the engine re-reads the payload text to keep Python's type.
    expect(render("{{ value_json.t }}", { value: '{"t":21.0}', value_json: { t: 21 } })).toEqual({ ok: true, value: "21.0" });
    expect(render("{{ value_json.t }}", { value: '{"t":21}', value_json: { t: 21 } })).toEqual({ ok: true, value: "21" });
    // Without the payload text there is nothing to recover: JS numbers are ints when integral.
    expect(render("{{ value_json.t }}", { value_json: { t: 21 } })).toEqual({ ok: true, value: "21" });
    expect(render("{{ value }}", { value: pyFloat(22) })).toEqual({ ok: true, value: "22.0" });
  });

  it("rounds like HA: banker's rounding after float(), methods, int for precision 0", () => {
    const table: [string, string][] = [
      ["{{ 0.5|round }}", "0"],
      ["{{ 1.5|round }}", "2"],
      ["{{ 2.5|round }}", "2"],
      ["{{ -0.5|round(0) }}", "0"],
      ["{{ 2.675|round(2) }}", "2.67"],
      ["{{ 0.125|round(2) }}", "0.12"],
      ["{{ 0.375|round(2) }}", "0.38"],
      ["{{ '21.55'|round(1) }}", "21.6"],
      ["{{ 21.51|round(1, 'floor') }}", "21.5"],
      ["{{ 21.51|round(1, 'ceil') }}", "21.6"],
      ["{{ 21.3|round(1, 'half') }}", "21.5"],
      ["{{ 1234|round(-2) }}", "1200.0"],
      ["{{ 5|round(1) }}", "5.0"],
      ["{{ 'x'|round(1, default=0) }}", "0"],
    ];
    for (const [source, expected] of table) expect(render(source)).toEqual({ ok: true, value: expected });
  });

  it("raises where HA raises: filters bind tighter than '-', so this subtracts a string", () => {
    expect(render("{{ as_timestamp(now()) - value_json.uptime | int | timestamp_local }}", payload('{"uptime":3600}')).ok).toBe(false);
  });

  it("raises on invalid input unless a default is given", () => {
    const raising = ["{{ 'abc'|float }}", "{{ 'abc'|int }}", "{{ 'abc'|round(1) }}", "{{ 'abc'|multiply(2) }}", "{{ 'abc'|log }}", "{{ float('abc') }}", "{{ int('x') }}", "{{ none|float }}", "{{ 'maybe'|bool }}", "{{ 'x'|timestamp_local }}", "{{ as_timestamp('garbage') }}", "{{ 'nope'|from_json }}"];
    for (const source of raising) expect(render(source).ok, source).toBe(false);
    const defaulted: [string, string][] = [
      ["{{ 'abc'|float(0) }}", "0"],
      ["{{ 'abc'|int(-1) }}", "-1"],
      ["{{ 'abc'|multiply(2, default=0) }}", "0"],
      ["{{ float('abc', 1.5) }}", "1.5"],
      ["{{ 'maybe'|bool(None) }}", "None"],
      ["{{ as_timestamp('garbage', 0) }}", "0"],
      ["{{ 'nope'|from_json('bad') }}", "bad"],
    ];
    for (const [source, expected] of defaulted) expect(render(source)).toEqual({ ok: true, value: expected });
  });

  it("parses strings like Python's float()/int()", () => {
    expect(ok("{{ ' 1_000.5 '|float }} {{ '1e3'|float }} {{ 'inf'|float }} {{ '-nan'|float }} {{ '1e3'|int }} {{ ' 12 '|int }} {{ True|int }}")).toBe(
      "1000.5 1000.0 inf nan 1000 12 1",
    );
    expect(ok("{{ '1.5'|is_number }} {{ 'nan'|is_number }} {{ 'x'|is_number }} {{ is_number('3') }} {{ '2' is is_number }}")).toBe("True False False True True");
  });
});

describe("undefined values", () => {
  it("renders a missing leaf as '' and reports it", () => {
    expect(render("{{ value_json.missing }}", Z2M)).toEqual({ ok: true, value: "", undefinedAccess: "missing" });
    expect(render('{{ value_json["missing"] }}', Z2M)).toEqual({ ok: true, value: "", undefinedAccess: "missing" });
    expect(render("{{ value_json.missing|lower }}", Z2M)).toEqual({ ok: true, value: "", undefinedAccess: "missing" });
    expect(render("{{ value_json.battery }}{{ value_json.gone }}", Z2M)).toEqual({ ok: true, value: "97", undefinedAccess: "gone" });
  });

  it("raises for an attribute of an undefined value, and for a missing value_json", () => {
    const a = render("{{ value_json.missing.deeper }}", Z2M);
    expect(a).toEqual({ ok: false, error: "'dict object' has no attribute 'missing'" });
    expect(render("{{ value_json.state }}", payload("not json"))).toEqual({ ok: false, error: "'value_json' is undefined" });
  });

  it("follows Jinja2's Undefined rules in expressions", () => {
    const table: [string, RenderOutcome][] = [
      ["{{ value_json.missing|default('d') }}", { ok: true, value: "d" }],
      ["{{ value_json.missing is defined }}", { ok: true, value: "False" }],
      ["{{ value_json.battery is defined }}", { ok: true, value: "True" }],
      ["{{ value_json.missing == none }}", { ok: true, value: "False" }],
      ["{% if value_json.missing %}y{% else %}n{% endif %}", { ok: true, value: "n" }],
      ["{{ 'x' in value_json.missing }}", { ok: true, value: "False" }],
      ["{{ value_json.missing|length }}", { ok: true, value: "0" }],
      ["{{ value_json.missing ~ 'x' }}", { ok: true, value: "x", undefinedAccess: "missing" }],
      ["{{ value_json.missing + 1 }}", { ok: false, error: "'dict object' has no attribute 'missing'" }],
      ["{{ value_json.missing > 1 }}", { ok: false, error: "'dict object' has no attribute 'missing'" }],
      // Jinja2's Undefined fails __float__, which HA's filters do not catch: a default does not help.
      ["{{ value_json.missing|float(0) }}", { ok: false, error: "'dict object' has no attribute 'missing'" }],
      ["{{ value_json.missing|is_defined }}", { ok: false, error: "'dict object' has no attribute 'missing'" }],
      ["{{ value_json.missing|tojson }}", { ok: false, error: "Object of type Undefined is not JSON serializable" }],
      ["{{ 'a' if false }}", { ok: true, value: "" }],
    ];
    for (const [source, expected] of table) expect(render(source, Z2M), source).toEqual(expected);
  });
});

describe("access, literals and methods", () => {
  const vars = payload('{"a":{"b":[10,20,{"c":"deep"}]},"s":"a,b,c","items":7,"_id":"x","n":null}');
  const cases: [string, string][] = [
    ["{{ value_json.a.b.2.c }}", "deep"],
    ["{{ value_json['a']['b'][2]['c'] }}", "deep"],
    ['{{ value_json["a"].b[-1].c }}', "deep"],
    ["{{ value_json.a.b[0:2] }}", "[10, 20]"],
    ["{{ value_json.a.b[::-1][0].c }}", "deep"],
    ["{{ value_json.s.split(',') }}", "['a', 'b', 'c']"],
    ["{{ value_json.s.split(',', 1) }}", "['a', 'b,c']"],
    ["{{ value_json.s[1:] }}", ",b,c"],
    ["{{ value_json['items'] }}", "7"],
    ["{{ value_json._id }}", "x"],
    ["{{ value_json.n is none }}", "True"],
    ["{{ value_json.get('a').b|length }}", "3"],
    ["{{ value_json.keys()|list|length }}", "5"],
    ["{{ 'a' in value_json }} {{ 'z' not in value_json }}", "True True"],
    ["{{ [1, 2, 3][1] }} {{ (1, 2)[0] }} {{ 'abc'[1] }}", "2 1 b"],
    ["{{ {'x': {'y': 1}}.x.y }}", "1"],
    ["{{ {1: 'int', True: 'bool'} }}", "{1: 'bool'}"],
    ["{{ {(1, 2): 't'}[(1, 2)] }}", "t"],
    ["{{ '  pad  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ 'Hello'.startswith('He') }}|{{ 'abc'.upper() }}", "pad|hi|True|ABC"],
    ["{{ 'a-b'.replace('-', '+') }} {{ '-'.join(['a', 'b']) }} {{ 'hello world'.title() }} {{ 'x'.center(5) }}|", "a+b a-b Hello World   x  |"],
    ["{{ \"it's\" }} {{ 'say \"hi\"' }} {{ 'tab\\there' }}", 'it\'s say "hi" tab\there'],
    ["{{ '\\d+' }} {{ 'a' 'b' }} {{ '\\x41\\u00e9' }}", "\\d+ ab Aé"],
    ["{{ 0x1F }} {{ 1_000 }} {{ 1e3 }} {{ 2.5e-3 }}", "31 1000 1000.0 0.0025"],
    ["{{ () }} {{ (1,) }} {{ (1, 2,) }} {{ (1) }} {{ 1 in (1,) }}", "() (1,) (1, 2) 1 True"],
    ["{{ 3 > 2 > 1 }} {{ 1 < 3 < 2 }} {{ (3 > 2) > 1 }} {{ 0 < value_json['items'] < 10 }} {{ 1 < 2 not in [True] }}", "True False False True True"],
  ];
  it.each(cases)("%s", (source, expected) => {
    expect(render(source, vars)).toEqual({ ok: true, value: expected });
  });
});

describe("statements", () => {
  const cases: [string, string][] = [
    ["{% if 0 %}a{% elif 1 %}b{% else %}c{% endif %}", "b"],
    ["  {%- if true -%}  x  {%- endif -%}  ", "x"],
    ["{% if true %}\n  yes\n{% endif %}\n", "yes"],
    ["a {# comment #}b", "a b"],
    ["{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}", "231"],
    ["{% set ns = namespace(t=0) %}{% for i in [1, 2, 3] %}{% set ns.t = ns.t + i %}{% endfor %}{{ ns.t }}", "6"],
    ["{% for i in [1, 2, 3] %}{{ loop.index }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}", "1/3,2/3,3/3"],
    ["{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;"],
    ["{% for i in [] %}x{% else %}empty{% endfor %}", "empty"],
    ["{% for i in range(10) if i is odd %}{{ i }}{% endfor %}", "13579"],
    ["{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", "012"],
    ["{% for i in range(5) %}{% if i is even %}{% continue %}{% endif %}{{ i }}{% endfor %}", "13"],
    ["{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12"],
    ["{% set t %}inner {{ 1 + 1 }}{% endset %}[{{ t }}]", "[inner 2]"],
    ["{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=3) }}", "1-2 1-3"],
    ["{% filter upper %}hello{% endfilter %}", "HELLO"],
    ["{{ 'yes' if 1 > 2 else 'no' }}", "no"],
    ["{{ 3 is divisibleby 3 }} {{ 4 is divisibleby(3) }} {{ 1 is in [1, 2] }} {{ 'abc' is match('a') }} {{ 2 is not eq 2 }}", "True False True True False"],
    ["{% set d = {'l': [1, 2]} %}{{ 2 is in d.l }} {{ d.l|length is eq 2 }} {{ not d.q is defined }} {{ [1, 2, 3, 4]|select('gt', 2)|list }}", "True True True [3, 4]"],
  ];
  it.each(cases)("%s", (source, expected) => {
    expect(render(source)).toEqual({ ok: true, value: expected });
  });

  it("returns a template unchanged when it has no template syntax (HA's static templates)", () => {
    expect(render("  ON  ")).toEqual({ ok: true, value: "  ON  " });
  });
});

describe("filters, tests and globals", () => {
  const cases: [string, string][] = [
    ["[{{ ''|default('d') }}] {{ ''|default('d', true) }} {{ none|d('d', true) }} {{ x|d('d') }} {{ none|d('d') }}", "[] d d d None"],
    ["{{ 'Hello World'|lower }} {{ 'hello'|upper }} {{ 'hello wORLD'|capitalize }} {{ 'hello wORLD-foo'|title }}", "hello world HELLO Hello world Hello World-Foo"],
    ["{{ 1.0|string }} {{ None|string }} {{ [1]|string }} {{ None|lower }}", "1.0 None [1] none"],
    ["{{ 'hello world foo bar baz'|truncate(10) }} {{ 'hello'|truncate(10) }}", "hello... hello"],
    ["{{ [1, 'a', None]|join('-') }} {{ ['b', 'A', 'c']|sort|join }} {{ [3, 1, 2]|sort(reverse=true)|list }}", "1-a-None Abc [3, 2, 1]"],
    ["{{ {'b': [1, 2.0, None, True], 'a': \"'<&>é\"}|tojson }}", '{"a": "\\u0027\\u003c\\u0026\\u003e\\u00e9", "b": [1, 2.0, null, true]}'],
    ["{{ {'b': 1, 'a': 'é'}|to_json }} {{ {'b': 1, 'a': 1.0}|to_json(sort_keys=True) }}", '{"b":1,"a":"é"} {"a":1.0,"b":1}'],
    ["{{ ('{\"a\": 21.0, \"b\": [1, 2]}'|from_json).a }}", "21.0"],
    ["{{ 'hello world'|regex_replace('o', '0') }} {{ 'abc123def45'|regex_findall('\\\\d+') }}", "hell0 w0rld ['123', '45']"],
    ["{{ 'abc123'|regex_findall_index('\\\\d', 2) }} {{ 'ABC'|regex_match('abc', true) }} {{ 'xABC'|regex_search('B') }}", "3 True True"],
    ["{{ '2024-01-05'|regex_replace('(\\\\d+)-(\\\\d+)-(\\\\d+)', '\\\\3/\\\\2/\\\\1') }}", "05/01/2024"],
    ["{{ 1.5|multiply(2) }} {{ '2'|multiply(3) }} {{ 100|log(10) }} {{ 10|log|round(3) }}", "3.0 6.0 2.0 2.303"],
    ["{{ [1, 5, 3]|max }} {{ [1, 5, 3]|min }} {{ max(1, 5, 3) }} {{ min([4, 2]) }} {{ -3|abs }} {{ [1.5, 2]|sum }}", "5 1 5 2 3 3.5"],
    ["{{ 'yes'|bool }} {{ 'off'|bool }} {{ 2|bool }} {{ 1|iif('y', 'n') }} {{ None|iif('y', 'n', 'none') }}", "True False True y none"],
    ["{{ 5|bitwise_and(3) }} {{ 5|bitwise_or(3) }} {{ bitwise_and(12, 10) }} {{ 'a'|ord }}", "1 7 8 97"],
    ["{{ 'abc'|base64_encode }} {{ 'YWJj'|base64_decode }} {{ 'héllo ✓'|base64_encode|base64_decode }}", "YWJj abc héllo ✓"],
    ["{{ [1, 2, 2, 3, 1]|unique|list }} {{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'héllo'|length }} {{ [1, 2, 3]|reverse|list }}", "[1, 2, 3] 1 3 5 [3, 2, 1]"],
    ["{{ [{'a': 1}, {'a': 2}]|map(attribute='a')|list }} {{ [{'a': 1}, {'a': 2}]|selectattr('a', 'eq', 2)|list }}", "[1, 2] [{'a': 2}]"],
    ["{{ [1, 2, 3, 4]|select('odd')|list }} {{ ['1', '2']|map('int')|sum }} {{ '  x  '|trim }} {{ 'a_b_c'|replace('_', ' ') }}", "[1, 3] 3 x a b c"],
    ["{{ 1 is number }} {{ True is number }} {{ 'x' is string }} {{ {} is mapping }} {{ 1.5 is float }} {{ none is none }}", "True True True True True True"],
    ["{{ 1700000000|timestamp_local }} {{ 1700000000|timestamp_utc }} {{ 1700000000|timestamp_custom('%H:%M %d.%m.%Y') }}", "2023-11-14T23:13:20+01:00 2023-11-14T22:13:20+00:00 23:13 14.11.2023"],
    ["{{ as_timestamp(now()) }} {{ now().year }} {{ now().isoformat() }} {{ utcnow().hour }}", "1700000000.0 2023 2023-11-14T23:13:20+01:00 22"],
    ["{{ as_timestamp('2024-01-01T00:00:00+00:00') }} {{ as_timestamp('2024-07-01 12:00:00') }} {{ (now() - timedelta(hours=1)).hour }}", "1704067200.0 1719828000.0 22"],
    ["{{ dict(a=1) }} {{ zip([1, 2], 'ab')|list }} {{ range(3)|list }} {{ namespace(a=1).a }}", "{'a': 1} [(1, 'a'), (2, 'b')] [0, 1, 2] 1"],
  ];
  it.each(cases)("%s", (source, expected) => {
    expect(render(source)).toEqual({ ok: true, value: expected });
  });

  it("rejects unknown filters and tests at compile time", () => {
    expect(compileTemplate("{{ 1|no_such_filter }}")).toEqual({ ok: false, error: "template syntax error: No filter named 'no_such_filter'." });
    expect(compileTemplate("{{ 1 is no_such_test }}")).toEqual({ ok: false, error: "template syntax error: No test named 'no_such_test'." });
    expect(compileTemplate("{{ value ").ok).toBe(false);
    expect(compileTemplate("{% break %}")).toEqual({ ok: false, error: "template syntax error: 'break' outside of a loop" });
    expect(compileTemplate("{% if x %}").ok).toBe(false);
  });
});

describe("command templates and options", () => {
  it("receives value and platform variables; the output is sent as-is", () => {
    const source = '{"id":1,"src":"hearth","method":"Switch.Set","params":{"id":0,"on":{{ value == "ON" and "true" or "false" }}}}';
    expect(render(source, { value: "ON" })).toEqual({ ok: true, value: '{"id":1,"src":"hearth","method":"Switch.Set","params":{"id":0,"on":true}}' });
    expect(render("{{ {'brightness': brightness, 'state': 'ON'}|tojson }}", { value: "ON", brightness: 127 })).toEqual({ ok: true, value: '{"brightness": 127, "state": "ON"}' });
    expect(render("{{ value }}", { value: 22.5 })).toEqual({ ok: true, value: "22.5" });
  });

  it("accepts extra globals, filters and tests (for automations: states(), is_state()…)", () => {
    const states: Record<string, string> = { "sensor.outside": "12.5", "light.hall": "on" };
    const options: TemplateOptions = {
      globals: {
        states: (id) => states[String(id)] ?? "unknown",
        is_state: (id, state) => states[String(id)] === state,
        kw: (...args) => {
          const last = args[args.length - 1];
          return last instanceof TemplateKwargs ? Object.keys(last.values).join(",") : "none";
        },
      },
      filters: { double: (value) => Number(value) * 2 },
      tests: { even_length: (value) => String(value).length % 2 === 0 },
    };
    expect(render("{{ states('sensor.outside')|float + 1 }} {{ is_state('light.hall', 'on') }} {{ kw(1, rounded=True) }}", {}, options)).toEqual({ ok: true, value: "13.5 True rounded" });
    expect(render("{{ 21|double }} {{ 'ab' is even_length }}", {}, options)).toEqual({ ok: true, value: "42 True" });
    const failing: TemplateOptions = {
      globals: {
        boom: () => {
          throw new Error("boom");
        },
      },
    };
    expect(render("{{ boom() }}", {}, failing)).toEqual({ ok: false, error: "boom" });
  });

  it("uses the configured clock and time zone", () => {
    const source = "{{ now().strftime('%Y-%m-%d %H:%M %z') }}";
    expect(render(source, {}, { now: () => Date.UTC(2024, 6, 1, 12, 0), timeZone: "America/New_York" })).toEqual({ ok: true, value: "2024-07-01 08:00 -0400" });
    expect(render(source, {}, { now: () => Date.UTC(2024, 0, 1, 12, 0), timeZone: "UTC" })).toEqual({ ok: true, value: "2024-01-01 12:00 +0000" });
  });
});
