// Replays the discovery corpus (../shared/fixtures/discovery/corpus.json) against a running hub and
// lists every way the hub's answer differs from the case's expectation. Used by the Vitest suite
// (through HubApi) and by the Playwright suite (through the REST API), so both check the same things.
import fs from "node:fs";
import path from "node:path";
import type { MqttClient } from "mqtt";
import type { DeviceView, DiscoveryStatusView, EntityView, HaState } from "../hub-api";

export interface CorpusMessage {
  topic: string;
  payload: string;
  retain?: boolean;
}

export interface CorpusExpectation {
  accepted: boolean;
  removed?: boolean;
  component: string;
  discovery_id: string | null;
  unique_id?: string | null;
  name?: string | null;
  device?: Record<string, unknown>;
  state: string | null;
  unit_of_measurement?: string;
  attributes?: Record<string, unknown>;
  available: boolean | null;
  command?: { action: string; args?: Record<string, unknown>; topic: string; payload: string; payload_is_json?: boolean; only_message?: boolean };
  entities?: Array<Partial<CorpusExpectation> & { component: string; discovery_id: string }>;
  reject_reason?: string;
  trigger?: { type: string; subtype: string; fired_count: number };
  expanded?: Record<string, unknown>;
  broker_still_retains_old_config?: boolean;
}

export interface CorpusCase {
  id: string;
  config_topic: string;
  config_retain: boolean;
  config_payload: string;
  prior_messages?: CorpusMessage[];
  state_messages: CorpusMessage[];
  expect: CorpusExpectation;
}

/** What the replay asks of the hub; implemented over HubApi or over HTTP. */
export interface HubProbe {
  entities(): Promise<EntityView[]>;
  state(entityId: string): Promise<HaState | undefined>;
  devices(): Promise<DeviceView[]>;
  discovery(): Promise<DiscoveryStatusView>;
  diagnostics(deviceId: string): Promise<{ configs: Array<{ discovery_id: string; component: string; config: Record<string, unknown> }> }>;
  callService(domain: string, service: string, data: Record<string, unknown>): Promise<void>;
}

export function loadCorpus(file = path.resolve(import.meta.dirname, "../../../shared/fixtures/discovery/corpus.json")): CorpusCase[] {
  return JSON.parse(fs.readFileSync(file, "utf8")) as CorpusCase[];
}

const SETTLE_TIMEOUT_MS = 4000;

function publish(client: MqttClient, m: CorpusMessage): Promise<void> {
  return client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain ?? false }).then(() => undefined);
}

/** Topics a case leaves retained in the broker, to clear before the next case. */
export function retainedTopics(c: CorpusCase): string[] {
  const topics = new Set<string>([c.config_topic]);
  for (const m of [...(c.prior_messages ?? []), ...c.state_messages]) if (m.retain) topics.add(m.topic);
  return [...topics];
}

/** Polls `check` until it reports no mismatch or the timeout passes; returns the last mismatches. */
export async function eventually(check: () => Promise<string[]>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  for (let i = 0; i < 400; i++) {
    last = await check();
    if (last.length === 0 || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 40));
  }
  return last;
}

/** Replays one case and returns the mismatches (empty = the hub behaves as expected). */
export async function replayCase(c: CorpusCase, client: MqttClient, probe: HubProbe): Promise<string[]> {
  for (const m of c.prior_messages ?? []) await publish(client, m);
  if (c.prior_messages?.length) await new Promise((r) => setTimeout(r, 150));
  await publish(client, { topic: c.config_topic, payload: c.config_payload, retain: c.config_retain });
  // Let the config land before state, as a device's own ordering would.
  await eventually(async () => ((await findSlot(probe, c.expect.component, c.expect.discovery_id)) || !c.expect.accepted || c.expect.removed ? [] : ["pending"]), 1500);
  for (const m of c.state_messages) await publish(client, m);

  const mismatches = await eventually(() => checkCase(c, probe));
  if (mismatches.length > 0 || !c.expect.command) return mismatches;
  return checkCommand(c, client, probe);
}

async function findSlot(probe: HubProbe, component: string, discoveryId: string | null): Promise<EntityView | { trigger: true; device: DeviceView } | undefined> {
  if (component === "device_automation" || component === "tag") {
    const device = (await probe.devices()).find((d) => d.triggers.some((t) => t.component === component && t.discovery_id === discoveryId));
    return device ? { trigger: true, device } : undefined;
  }
  return (await probe.entities()).find((e) => e.component === component && e.discovery_id === discoveryId);
}

async function checkCase(c: CorpusCase, probe: HubProbe): Promise<string[]> {
  const e = c.expect;
  const out: string[] = [];
  if (!e.accepted) {
    if (await findSlot(probe, e.component, e.discovery_id)) out.push(`${e.component} '${e.discovery_id}' exists but should have been rejected`);
    if (e.reject_reason) {
      const status = await probe.discovery();
      const record = status.recent_rejections.find((r) => r.topic === c.config_topic);
      if (!record) out.push(`no rejection recorded for ${c.config_topic}`);
      else if (!record.reason?.toLowerCase().includes(e.reject_reason.toLowerCase())) out.push(`reject reason ${JSON.stringify(record.reason)} lacks ${JSON.stringify(e.reject_reason)}`);
    }
    return out;
  }
  // Device-based cases list each component's own expectation; nothing is inherited from the first.
  const targets: CorpusExpectation[] = e.entities ? e.entities.map((t) => ({ accepted: true, state: null, available: null, ...t })) : [e];
  for (const t of targets) out.push(...(await checkOne(c, t, probe)));
  return out;
}

async function checkOne(c: CorpusCase, e: CorpusExpectation, probe: HubProbe): Promise<string[]> {
  const out: string[] = [];
  const label = `${e.component} '${e.discovery_id}'`;
  const found = await findSlot(probe, e.component, e.discovery_id);
  if (e.removed) {
    if (found) out.push(`${label} still exists after removal`);
    return out;
  }
  if (!found) return [`${label} was not discovered`];
  if ("trigger" in found) {
    const trigger = found.device.triggers.find((t) => t.discovery_id === e.discovery_id)!;
    if (e.trigger) {
      if (trigger.type !== e.trigger.type || trigger.subtype !== e.trigger.subtype) out.push(`${label}: trigger ${trigger.type}/${trigger.subtype}`);
      if (trigger.fired_count !== e.trigger.fired_count) out.push(`${label}: fired ${trigger.fired_count} times, expected ${e.trigger.fired_count}`);
    }
    if (e.device) out.push(...compareDevice(label, found.device, e.device));
    return out;
  }
  const entity = found;
  if (e.unique_id !== undefined && entity.unique_id !== e.unique_id) out.push(`${label}: unique_id ${entity.unique_id}, expected ${e.unique_id}`);
  if (e.name !== undefined && entity.original_name !== e.name) out.push(`${label}: name ${JSON.stringify(entity.original_name)}, expected ${JSON.stringify(e.name)}`);
  if (e.available !== null && e.available !== undefined && entity.available !== e.available) out.push(`${label}: available ${entity.available}, expected ${e.available}`);
  const state = await probe.state(entity.entity_id);
  if (!state) return [...out, `${label}: no state for ${entity.entity_id}`];
  const expectedState = e.state ?? "unknown";
  if (e.available === false) {
    if (state.state !== "unavailable") out.push(`${label}: state ${state.state}, expected unavailable`);
    if ((entity.last_state ?? "unknown") !== expectedState) out.push(`${label}: last value ${entity.last_state}, expected ${expectedState}`);
  } else if (state.state !== expectedState) {
    out.push(`${label}: state ${JSON.stringify(state.state)}, expected ${JSON.stringify(expectedState)}`);
  }
  if (e.unit_of_measurement !== undefined && state.attributes.unit_of_measurement !== e.unit_of_measurement) {
    out.push(`${label}: unit ${String(state.attributes.unit_of_measurement)}, expected ${e.unit_of_measurement}`);
  }
  for (const [key, want] of Object.entries(e.attributes ?? {})) {
    const got = state.attributes[key];
    const close = key === "brightness" && typeof got === "number" && typeof want === "number" && Math.abs(got - want) <= 1;
    if (!close && JSON.stringify(got) !== JSON.stringify(want)) out.push(`${label}: attribute ${key} = ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (e.device) {
    const device = (await probe.devices()).find((d) => d.id === entity.device_id);
    if (!device) out.push(`${label}: no device`);
    else out.push(...compareDevice(label, device, e.device));
  }
  if (e.expanded) {
    const device = entity.device_id;
    if (device) {
      const diag = await probe.diagnostics(device);
      const config = diag.configs.find((x) => x.discovery_id === e.discovery_id)?.config ?? {};
      for (const [key, want] of Object.entries(e.expanded)) if (JSON.stringify(config[key]) !== JSON.stringify(want)) out.push(`${label}: expanded ${key} = ${JSON.stringify(config[key])}`);
    } else {
      for (const [key, want] of Object.entries(e.expanded)) {
        const got = key === "state_topic" ? entity.state_topic : key === "command_topic" ? entity.command_topic : undefined;
        if (got !== undefined && got !== want) out.push(`${label}: expanded ${key} = ${JSON.stringify(got)}`);
      }
    }
  }
  return out;
}

function compareDevice(label: string, device: DeviceView, want: Record<string, unknown>): string[] {
  const out: string[] = [];
  const got: Record<string, unknown> = { ...device, name: device.original_name };
  for (const [key, value] of Object.entries(want)) {
    if (JSON.stringify(got[key]) !== JSON.stringify(value)) out.push(`${label}: device ${key} = ${JSON.stringify(got[key])}, expected ${JSON.stringify(value)}`);
  }
  return out;
}

async function checkCommand(c: CorpusCase, client: MqttClient, probe: HubProbe): Promise<string[]> {
  const cmd = c.expect.command!;
  const entity = await findSlot(probe, c.expect.component, c.expect.discovery_id);
  if (!entity || "trigger" in entity) return ["no entity to command"];
  const received: string[] = [];
  const onMessage = (topic: string, payload: Buffer) => {
    if (topic === cmd.topic) received.push(payload.toString("utf8"));
  };
  client.on("message", onMessage);
  await client.subscribeAsync(cmd.topic, { qos: 1 });
  try {
    await probe.callService(c.expect.component, cmd.action, { entity_id: entity.entity_id, ...(cmd.args ?? {}) });
    const deadline = Date.now() + 3000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    if (received.length === 0) return [`no command on ${cmd.topic}`];
    const matches = (p: string) => {
      if (!cmd.payload_is_json) return p === cmd.payload;
      try {
        return JSON.stringify(sortKeys(JSON.parse(p))) === JSON.stringify(sortKeys(JSON.parse(cmd.payload)));
      } catch {
        return false;
      }
    };
    if (cmd.only_message && received.length !== 1) return [`${received.length} command messages, expected one: ${JSON.stringify(received)}`];
    return received.some(matches) ? [] : [`command payload ${JSON.stringify(received)}, expected ${JSON.stringify(cmd.payload)}`];
  } finally {
    client.off("message", onMessage);
    await client.unsubscribeAsync(cmd.topic);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** Clears what a case left retained, so the next case starts from an empty broker and registry. */
export async function cleanUpCase(c: CorpusCase, client: MqttClient, probe: HubProbe): Promise<void> {
  const components = [c.expect, ...(c.expect.entities ?? [])];
  for (const topic of retainedTopics(c)) await client.publishAsync(topic, "", { qos: 1, retain: true });
  for (const m of c.prior_messages ?? []) if (m.topic.endsWith("/config")) await client.publishAsync(m.topic, "", { qos: 1, retain: true });
  await eventually(async () => {
    const left: string[] = [];
    for (const e of components) if (e.discovery_id && (await findSlot(probe, e.component, e.discovery_id))) left.push(e.discovery_id);
    return left;
  }, 2000);
}
