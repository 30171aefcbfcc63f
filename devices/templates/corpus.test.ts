/**
 * Every template in the discovery corpus (shared/fixtures/discovery/corpus.json) must compile, and
 * rendering the case's messages through it must give the state and availability HA ends with
 * (`expect.state` / `expect.available`, per entity for device-based discovery).
 *
 * The platform rules applied to the rendered string are the minimal HA ones needed to compare
 * (sensor: the string; binary_sensor/switch/lock: compare with the configured payloads;
 * availability: payload_available / payload_not_available with availability_mode).
 */
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the test reads the shared corpus fixture; the rule guards runtime code
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileTemplate } from "./ha-template";

interface Message {
  topic: string;
  payload: string;
}

interface EntityExpectation {
  unique_id?: string;
  state?: string | null;
  available?: boolean | null;
}

interface CorpusCase {
  id: string;
  config_payload: string;
  prior_messages?: Message[];
  state_messages?: Message[];
  expect: EntityExpectation & { accepted?: boolean; component?: string; entities?: (EntityExpectation & { component?: string })[] };
}

// Read at run time, not imported: `next build` type-checks tests, and a clone without ../shared must still build.
const corpus = JSON.parse(readFileSync(new URL("../../../shared/fixtures/discovery/corpus.json", import.meta.url), "utf8")) as CorpusCase[];

/** The abbreviations the corpus's templated configs use (DISCOVERY.md §4). */
const ABBREVIATIONS: Record<string, string> = {
  val_tpl: "value_template",
  stat_t: "state_topic",
  avty: "availability",
  avty_t: "availability_topic",
  avty_tpl: "availability_template",
  avty_mode: "availability_mode",
  t: "topic",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  pl_on: "payload_on",
  pl_off: "payload_off",
  stat_on: "state_on",
  stat_off: "state_off",
  stat_locked: "state_locked",
  stat_unlocked: "state_unlocked",
  uniq_id: "unique_id",
  p: "platform",
  cmd_t: "command_topic",
  cmd_tpl: "command_template",
  ops: "options",
};

type Config = Record<string, unknown>;

function expand(raw: Config): Config {
  const out: Config = {};
  for (const [key, value] of Object.entries(raw)) {
    const full = ABBREVIATIONS[key] ?? key;
    out[full] = Array.isArray(value) ? value.map((v: unknown) => (typeof v === "object" && v !== null ? expand(v as Config) : v)) : value;
  }
  const base = out["~"];
  if (typeof base === "string") {
    for (const [key, value] of Object.entries(out)) if (key.endsWith("topic") && typeof value === "string") out[key] = value.replace(/^~|~$/, base);
    if (Array.isArray(out.availability)) {
      out.availability = (out.availability as Config[]).map((entry) => ({ ...entry, topic: String(entry.topic).replace(/^~|~$/, base) }));
    }
  }
  return out;
}

/** Entity configs of a case: one, or one per component of a device-based config (shared keys merged). */
function entityConfigs(raw: Config, component: string | undefined): { component: string; config: Config }[] {
  if (typeof raw.cmps === "object" && raw.cmps !== null) {
    const shared = Object.fromEntries(Object.entries(raw).filter(([key]) => !["cmps", "dev", "device", "o", "origin"].includes(key)));
    return Object.values(raw.cmps as Record<string, Config>).map((cmp) => {
      const config = expand({ ...shared, ...cmp });
      return { component: String(config.platform), config };
    });
  }
  return [{ component: component ?? "", config: expand(raw) }];
}

/** All strings with template syntax anywhere in a config. */
function templatesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    if (/\{[{%#]/.test(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) templatesIn(item, out);
  } else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) templatesIn(item, out);
  }
  return out;
}

function variables(payload: string): Record<string, unknown> {
  const vars: Record<string, unknown> = { value: payload };
  try {
    vars.value_json = JSON.parse(payload) as unknown;
  } catch {
    // not JSON
  }
  return vars;
}

/** Renders `template` (if any) for a message: the raw payload when there is no template. */
function renderValue(template: unknown, payload: string): { ok: true; value: string } | { ok: false } {
  if (typeof template !== "string") return { ok: true, value: payload };
  const compiled = compileTemplate(template);
  if (!compiled.ok) throw new Error(`corpus template does not compile: ${template}: ${compiled.error}`);
  const outcome = compiled.template.render(variables(payload));
  return outcome.ok ? { ok: true, value: outcome.value } : { ok: false };
}

/** HA's cv.string for a config value: JSON `true` becomes "True" (independent of the engine). */
function configString(config: Config, key: string, fallback: string): string {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value ? "True" : "False";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** HA's state string for a rendered value, or undefined for "no update". */
function stateFor(component: string, config: Config, rendered: string): string | null | undefined {
  if (rendered === "None") return null;
  switch (component) {
    case "sensor":
      return rendered === "" ? undefined : rendered;
    case "binary_sensor":
      if (rendered === configString(config, "payload_on", "ON")) return "on";
      if (rendered === configString(config, "payload_off", "OFF")) return "off";
      return undefined;
    case "switch": {
      const on = configString(config, "state_on", configString(config, "payload_on", "ON"));
      const off = configString(config, "state_off", configString(config, "payload_off", "OFF"));
      return rendered === on ? "on" : rendered === off ? "off" : undefined;
    }
    case "lock":
      if (rendered === configString(config, "state_locked", "LOCKED")) return "locked";
      if (rendered === configString(config, "state_unlocked", "UNLOCKED")) return "unlocked";
      return undefined;
    case "select": {
      const options = Array.isArray(config.options) ? config.options.map(String) : [];
      return options.includes(rendered) ? rendered : undefined;
    }
    default:
      return undefined;
  }
}

interface AvailabilityEntry {
  topic: string;
  template: unknown;
  available: string;
  notAvailable: string;
}

function availabilityEntries(config: Config): AvailabilityEntry[] {
  const entries: AvailabilityEntry[] = [];
  if (Array.isArray(config.availability)) {
    for (const entry of config.availability as Config[]) {
      entries.push({
        topic: String(entry.topic),
        template: entry.value_template,
        available: configString(entry, "payload_available", "online"),
        notAvailable: configString(entry, "payload_not_available", "offline"),
      });
    }
  }
  if (typeof config.availability_topic === "string") {
    entries.push({
      topic: config.availability_topic,
      template: config.availability_template,
      available: configString(config, "payload_available", "online"),
      notAvailable: configString(config, "payload_not_available", "offline"),
    });
  }
  return entries;
}

/** Replays the messages through the entity's templates: final state and availability. */
function replay(component: string, config: Config, messages: Message[]): { state: string | null; available: boolean } {
  let state: string | null = null;
  const entries = availabilityEntries(config);
  const topicState = new Map<string, boolean>();
  let latest: boolean | undefined;
  for (const message of messages) {
    if (message.topic === config.state_topic && config.value_template !== undefined) {
      const rendered = renderValue(config.value_template, message.payload);
      if (rendered.ok) {
        const next = stateFor(component, config, rendered.value);
        if (next !== undefined) state = next;
      }
    } else if (message.topic === config.state_topic) {
      const next = stateFor(component, config, message.payload);
      if (next !== undefined) state = next;
    }
    for (const entry of entries) {
      if (entry.topic !== message.topic) continue;
      const rendered = renderValue(entry.template, message.payload);
      if (!rendered.ok) continue;
      if (rendered.value === entry.available) topicState.set(entry.topic, (latest = true));
      else if (rendered.value === entry.notAvailable) topicState.set(entry.topic, (latest = false));
    }
  }
  let available = true;
  if (entries.length > 0) {
    const mode = config.availability_mode ?? "latest";
    const values = entries.map((entry) => topicState.get(entry.topic) ?? false);
    available = mode === "all" ? values.every(Boolean) : mode === "any" ? values.some(Boolean) : latest ?? false;
  }
  return { state, available };
}

function parseConfig(text: string): Config | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Config) : undefined;
  } catch {
    return undefined;
  }
}

const allTemplates = [...new Set(corpus.flatMap((c) => templatesIn(parseConfig(c.config_payload))))];

const templatedCases = corpus.filter((c) => {
  const config = parseConfig(c.config_payload);
  return c.expect.accepted === true && config !== undefined && templatesIn(config).length > 0;
});

describe("discovery corpus", () => {
  it("has templates to check (the corpus is readable)", () => {
    expect(allTemplates.length).toBeGreaterThanOrEqual(20);
    expect(templatedCases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(allTemplates)("compiles %s", (source) => {
    const compiled = compileTemplate(source);
    expect(compiled).toMatchObject({ ok: true });
  });

  it.each(templatedCases.map((c) => [c.id, c] as const))("%s renders to HA's state and availability", (_id, testCase) => {
    const config = parseConfig(testCase.config_payload) as Config;
    const messages = [...(testCase.prior_messages ?? []), ...(testCase.state_messages ?? [])];
    const entities = entityConfigs(config, testCase.expect.component);
    const expectations = testCase.expect.entities ?? [testCase.expect];
    let checked = 0;
    for (const expectation of expectations) {
      const entity = entities.length === 1 ? entities[0] : entities.find((e) => e.config.unique_id === expectation.unique_id);
      expect(entity, `entity ${expectation.unique_id}`).toBeDefined();
      if (!entity) continue;
      const result = replay(entity.component, entity.config, messages);
      if (expectation.state !== undefined && entity.config.value_template !== undefined) {
        expect(result.state, `${testCase.id} ${expectation.unique_id ?? ""} state`).toBe(expectation.state);
        checked++;
      }
      if (typeof expectation.available === "boolean" && availabilityEntries(entity.config).some((e) => e.template !== undefined)) {
        expect(result.available, `${testCase.id} ${expectation.unique_id ?? ""} available`).toBe(expectation.available);
        checked++;
      }
    }
    expect(checked, "the case exercises at least one template").toBeGreaterThan(0);
  });
});
