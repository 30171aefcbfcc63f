/* eslint-disable no-console -- a benchmark script: printing its figures is its job */
/**
 * Renders/s for the common template shapes, fast paths on and off, and a message-level figure
 * (JSON.parse + the ~5 templates a Z2M message feeds). Not a test: figures depend on the machine.
 *
 *   npx tsx devices/templates/bench-templates.ts
 */
import { compile } from "./engine";

const Z2M = '{"battery":97,"humidity":48.53,"linkquality":156,"power_outage_count":5,"pressure":1012.4,"temperature":21.48,"voltage":3025,"state":"ON","occupancy":true}';
const TASMOTA = '{"Time":"2024-11-03T10:15:02","ENERGY":{"TotalStartTime":"2023-11-02T09:12:40","Total":12.345,"Yesterday":0.512,"Today":0.221,"Power":57,"ApparentPower":60,"Voltage":229,"Current":0.262}}';
const SHELLY = '{"id":0,"source":"HTTP_in","output":true,"apower":23.4,"voltage":229.8,"current":0.118,"aenergy":{"total":1523.417,"by_minute":[389.542,390.127,389.54],"minute_ts":1730628840},"temperature":{"tC":45.1,"tF":113.2}}';

interface Case {
  name: string;
  source: string;
  payload: string;
}

const CASES: Case[] = [
  { name: "{{ value }}", source: "{{ value }}", payload: "21.3" },
  { name: "Z2M bracket", source: '{{ value_json["temperature"] }}', payload: Z2M },
  { name: "Z2M availability", source: "{{ value_json.state }}", payload: Z2M },
  { name: "Tasmota nested brackets", source: "{{value_json['ENERGY']['Power']}}", payload: TASMOTA },
  { name: "Shelly nested dots", source: "{{value_json.aenergy.total}}", payload: SHELLY },
  { name: "Shelly if/else", source: "{%if value_json.output%}on{%else%}off{%endif%}", payload: SHELLY },
  { name: "missing leaf", source: "{{ value_json.absent }}", payload: Z2M },
  { name: "rtl_433 float|round", source: "{{ value|float|round(1) }}", payload: "21.34" },
  { name: "rtl_433 conversion", source: "{{ (float(value|float) * 3.6) | round(2) }}", payload: "1.12" },
  { name: "inline if", source: "{{ 'ON' if value_json.battery < 20 else 'OFF' }}", payload: Z2M },
  { name: "dict lookup + default", source: "{{ {'ON':'on','OFF':'off'}[value_json.state] | default('unknown') }}", payload: Z2M },
];

/** Measuring time per case. */
const seconds = 1;

function variables(payload: string): Record<string, unknown> {
  const vars: Record<string, unknown> = { value: payload };
  try {
    vars.value_json = JSON.parse(payload) as unknown;
  } catch {
    // not JSON
  }
  return vars;
}

/** Calls `fn` in batches for about `seconds`; returns calls per second. */
function measure(fn: () => void): number {
  for (let i = 0; i < 20_000; i++) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let i = 0; i < 10_000; i++) fn();
    calls += 10_000;
    elapsed = performance.now() - start;
  }
  return (calls / elapsed) * 1000;
}

function format(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`;
}

console.log(`renders/s, ${seconds}s per case (fast path / interpreter only)`);
for (const c of CASES) {
  const vars = variables(c.payload);
  const rates = [true, false].map((fastPaths) => {
    const compiled = compile(c.source, { fastPaths });
    if (!compiled.ok) throw new Error(compiled.error);
    const template = compiled.template;
    return measure(() => {
      template.render(vars);
    });
  });
  console.log(`${c.name.padEnd(26)} ${format(rates[0] ?? 0).padStart(10)} ${format(rates[1] ?? 0).padStart(10)}`);
}

// A Z2M device message: parse once, then render what its entities read (4 values + availability).
const messageTemplates = ['{{ value_json["temperature"] }}', '{{ value_json["humidity"] }}', '{{ value_json["battery"] }}', '{{ value_json["occupancy"] }}', "{{ value_json.state }}"].map((source) => {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.template;
});
const messages = Array.from({ length: 64 }, (_, i) => Z2M.replace("21.48", (20 + i / 10).toFixed(2)));
let next = 0;
const perMessage = measure(() => {
  const text = messages[next++ & 63] ?? Z2M;
  const vars = { value: text, value_json: JSON.parse(text) as unknown };
  for (const template of messageTemplates) template.render(vars);
});
console.log(`Z2M message (JSON.parse + 5 renders): ${format(perMessage)} messages on one core`);
