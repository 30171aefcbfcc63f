// Runs that outlive the hub: queued runs and parallel branches waiting in delays are stored, and a hub restarted
// on the same data dir takes them up at the right times. Driven through MQTT with a manual clock; checked by what
// the hub publishes and the traces it keeps.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { AutomationQueries } from "@/db/queries/automations";
import { openDatabase } from "@/db/open-database";
import { dataPaths, migrationsFolder } from "../paths";
import { ManualClock } from "../testing/manual-clock";
import { startTestHub, type TestHub } from "../testing/test-hub";

const MINUTE = 60_000;
const NOON = Date.UTC(2026, 10, 22, 11, 0, 0);

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

async function hubAt(clock: ManualClock, dir?: string, logs?: Array<Record<string, unknown>>): Promise<TestHub> {
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hearth-durable-"));
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir, { clock, logs });
  hubs.push(t);
  await t.hub.automations.ready;
  return t;
}

/** Stops the hub (as a restart does: what waits stays stored), lets `downMs` pass, and starts a new one on its data. */
async function restart(t: TestHub, clock: ManualClock, downMs = 0, logs?: Array<Record<string, unknown>>): Promise<TestHub> {
  hubs.splice(hubs.indexOf(t), 1);
  await t.stop();
  await clock.advance(downMs);
  return hubAt(clock, t.dataDir, logs);
}

interface Wire {
  pub: (topic: string, payload: string) => Promise<void>;
  /** Payloads published on out/<id>, in order. */
  out: (id: string) => string[];
  /** Resolves once the hub has taken in everything published before (an echo rule answers behind it). */
  settled: () => Promise<void>;
}

const ECHO = { id: "echo", mode: "parallel", triggers: [{ trigger: "mqtt", topic: "echo/in" }], actions: [{ action: "mqtt.publish", data: { topic: "out/echo", payload: "{{ trigger.payload }}" } }] };

async function wire(t: TestHub): Promise<Wire> {
  const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
  clients.push(c);
  const got = new Map<string, string[]>();
  c.on("message", (topic, payload) => {
    const id = topic.slice("out/".length);
    got.set(id, [...(got.get(id) ?? []), payload.toString()]);
  });
  await c.subscribeAsync("out/#");
  let n = 0;
  return {
    pub: async (topic, payload) => void (await c.publishAsync(topic, payload, { qos: 1 })),
    out: (id) => got.get(id) ?? [],
    settled: async () => {
      const mark = `mark-${n++}`;
      await c.publishAsync("echo/in", mark, { qos: 1 });
      await until(() => (got.get("echo") ?? []).includes(mark), "the echo");
    },
  };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const publish = (id: string, payload: string) => ({ action: "mqtt.publish", data: { topic: `out/${id}`, payload } });

/** start <payload>, 5 minutes, end <payload>. */
function queuedRule(id: string, extra: Record<string, unknown> = {}) {
  return { id, mode: "queued", triggers: [{ trigger: "mqtt", topic: `in/${id}` }], actions: [publish(id, "start {{ trigger.payload }}"), { delay: "00:05:00" }, publish(id, "end {{ trigger.payload }}")], ...extra };
}

async function create(t: TestHub, ...rules: object[]): Promise<void> {
  for (const rule of [ECHO, ...rules]) await t.hub.api.automations.create({ source: JSON.stringify(rule), format: "json", by: null });
}

/** Waits until the run started by `payload` is stored waiting (its trace says where). */
async function waiting(t: TestHub, id: string, payload: string): Promise<void> {
  await until(() => t.hub.api.automations.traces(id).some((r) => r.trigger?.payload === payload && r.outcome === "running" && r.summary.includes("waiting at")), `run ${payload} of ${id} to wait`);
}

describe("durable runs", () => {
  it("queued runs survive a restart and run in order behind the resumed one", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    await create(t, queuedRule("q"));
    let w = await wire(t);
    for (const p of ["1", "2", "3"]) await w.pub("in/q", p);
    await w.settled();
    await waiting(t, "q", "1");
    expect(w.out("q")).toEqual(["start 1"]);

    await clock.advance(2 * MINUTE);
    t = await restart(t, clock, MINUTE);
    w = await wire(t);
    await clock.advance(2 * MINUTE - 1000);
    expect(w.out("q")).toEqual([]);
    await clock.advance(1000);
    await until(() => w.out("q").length === 2, "run 1 to end and run 2 to start");
    expect(w.out("q")).toEqual(["end 1", "start 2"]);
    await waiting(t, "q", "2");
    await clock.advance(5 * MINUTE - 1000);
    expect(w.out("q")).toHaveLength(2);
    await clock.advance(1000);
    await until(() => w.out("q").length === 4, "run 2 to end and run 3 to start");
    await waiting(t, "q", "3");
    await clock.advance(5 * MINUTE);
    await until(() => w.out("q").length === 5, "run 3 to end");
    expect(w.out("q")).toEqual(["end 1", "start 2", "end 2", "start 3", "end 3"]);

    const traces = t.hub.api.automations.traces("q").filter((r) => r.outcome !== "near_miss");
    expect(traces.map((r) => [r.trigger?.payload, r.outcome]).sort()).toEqual([
      ["1", "success"],
      ["2", "success"],
      ["3", "success"],
    ]);
    const byPayload = (p: string) => traces.find((r) => r.trigger?.payload === p)!;
    // Each queued run started when the one before it ended, and kept its own trigger time.
    expect(byPayload("2").steps[0]!.startedAt).toBe(NOON + 5 * MINUTE);
    expect(byPayload("3").steps[0]!.startedAt).toBe(NOON + 10 * MINUTE);
    expect(byPayload("3").started_at).toBe(NOON);
    expect(byPayload("1").steps.map((s) => s.path)).toEqual(["actions/0", "actions/1", "actions/2"]);
  });

  it("parallel branches waiting in delays each resume where they were, and the step after them runs once both end", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    await create(t, {
      id: "par",
      triggers: [{ trigger: "mqtt", topic: "in/par" }],
      actions: [
        { variables: { who: "{{ trigger.payload }}" } },
        { parallel: [[{ delay: "00:02:00" }, publish("par", "a {{ who }}")], { sequence: [publish("par", "b0"), { delay: "00:06:00" }, publish("par", "b {{ who }}")] }] },
        publish("par", "done {{ who }}"),
      ],
    });
    let w = await wire(t);
    await w.pub("in/par", "x");
    await until(() => w.out("par").length === 1, "branch b to begin");
    await until(() => t.hub.api.automations.traces("par")[0]?.summary.includes("actions/1/parallel/1/1") ?? false, "both branches to wait");
    expect(t.hub.api.automations.traces("par")[0]!.summary).toMatch(/waiting at actions\/1\/parallel\/0\/0 until .*, actions\/1\/parallel\/1\/1 until/);

    // Down while both branches wait.
    await clock.advance(MINUTE);
    t = await restart(t, clock);
    w = await wire(t);
    await clock.advance(MINUTE - 1000);
    expect(w.out("par")).toEqual([]);
    await clock.advance(1000);
    await until(() => w.out("par").length === 1, "branch a to end");
    expect(w.out("par")).toEqual(["a x"]);

    // Down again between the branches' ends: only branch b waits now.
    await clock.advance(2 * MINUTE);
    t = await restart(t, clock);
    w = await wire(t);
    await clock.advance(2 * MINUTE - 1000);
    expect(w.out("par")).toEqual([]);
    await clock.advance(1000);
    await until(() => w.out("par").length === 2, "branch b and the step after the parallel");
    expect(w.out("par")).toEqual(["b x", "done x"]);

    const [trace] = t.hub.api.automations.traces("par");
    expect(trace).toMatchObject({ outcome: "success", trigger: { payload: "x" } });
    const paths = trace!.steps.map((s) => s.path);
    expect([...paths].sort()).toEqual(["actions/0", "actions/1", "actions/1/parallel/0/0", "actions/1/parallel/0/1", "actions/1/parallel/1/0", "actions/1/parallel/1/1", "actions/1/parallel/1/2", "actions/2"]);
    expect(trace!.steps.find((s) => s.path === "actions/1")!.result).toBe("ran 2 branches");
    expect(trace!.steps.find((s) => s.path === "actions/2")!.startedAt).toBe(NOON + 6 * MINUTE);
  });

  it("drops queued and waiting runs an older revision stored, and their traces say why", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    await create(t, queuedRule("q"));
    let w = await wire(t);
    for (const p of ["1", "2"]) await w.pub("in/q", p);
    await w.settled();
    await waiting(t, "q", "1");
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();

    // The rule changed while they were stored (a save the hub never reloaded: it crashed in between).
    const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
    const changed = queuedRule("q", { alias: "Changed" });
    new AutomationQueries(db).save({ id: "q", source: JSON.stringify(changed), format: "json", enabled: true, at: clock.now(), by: null, action: "update" });
    db.$client.close();

    const logs: Array<Record<string, unknown>> = [];
    t = await hubAt(clock, dir, logs);
    w = await wire(t);
    await clock.advance(15 * MINUTE);
    await w.settled();
    expect(w.out("q")).toEqual([]);
    const traces = t.hub.api.automations.traces("q");
    const of = (p: string) => traces.find((r) => r.trigger?.payload === p);
    expect(of("2")).toMatchObject({ outcome: "stopped", revision: 1, summary: "not run: it waited its turn in the queue, and the automation changed from revision 1 to 2 while the hub was down" });
    expect(of("1")).toMatchObject({ outcome: "aborted", summary: "not resumed: it waited at actions/1, and the automation changed from revision 1 to 2 while the hub was down" });
    const dropped = logs.filter((l) => l.automation === "q" && typeof l.msg === "string" && l.msg.endsWith("run was dropped: its automation changed meanwhile"));
    expect(dropped.map((l) => l.msg).sort()).toEqual(["a queued run was dropped: its automation changed meanwhile", "a waiting run was dropped: its automation changed meanwhile"]);
    // Nothing is left to take up at the next start.
    t = await restart(t, clock);
    w = await wire(t);
    await clock.advance(15 * MINUTE);
    await w.settled();
    expect(w.out("q")).toEqual([]);
  });

  it("resumes a run stored by the previous version (a wait inside `if`, no branches) once, without doubled steps", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    const rule = { id: "old", triggers: [{ trigger: "mqtt", topic: "in/old" }], actions: [publish("old", "before"), { if: "{{ true }}", then: [{ delay: "00:05:00" }, publish("old", "after {{ trigger.payload }}")] }] };
    await create(t, rule);
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    // The row as the version before parallel checkpoints wrote it: its path and due time, no `branches`.
    const context = { id: "01KOLDRUN0000000000000000", parent_id: null, user_id: null };
    const step = (path: string, kind: string, result: string) => ({ path, kind, startedAt: NOON, ms: 0, result });
    const trace = {
      run_id: "old-run",
      automation_id: "old",
      revision: 1,
      started_at: NOON,
      finished_at: null,
      outcome: "running",
      summary: "message on in/old; waiting at actions/1/then/0",
      trigger: { platform: "mqtt", id: "0", idx: "0", topic: "in/old", payload: "stored", qos: 0, description: "mqtt topic in/old" },
      conditions: null,
      steps: [step("actions/0", "service", 'published "before" to out/old'), step("actions/1", "if", "took then"), step("actions/1/then/0", "delay", "waiting 5 min")],
      variables: {},
      error: null,
      context,
    };
    const state = { trace, path: ["1", "then", "0"], dueAt: NOON + 5 * MINUTE, variables: { trigger: trace.trigger }, revision: 1 };
    const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
    new AutomationQueries(db).putPending({ id: "run:old-run", automationId: "old", kind: "run", dueAt: state.dueAt, state: JSON.stringify(state), createdAt: NOON });
    db.$client.close();

    await clock.advance(MINUTE);
    t = await hubAt(clock, dir);
    const w = await wire(t);
    await clock.advance(4 * MINUTE - 1000);
    expect(w.out("old")).toEqual([]);
    await clock.advance(1000);
    await until(() => w.out("old").length === 1, "the resumed run to go on");
    expect(w.out("old")).toEqual(["after stored"]);
    const [done] = t.hub.api.automations.traces("old");
    expect(done).toMatchObject({ run_id: "old-run", outcome: "success" });
    expect(done!.steps.map((s) => s.path)).toEqual(["actions/0", "actions/1", "actions/1/then/0", "actions/1/then/1"]);
  });

  it("after a restart, max counts the resumed and the queued runs, and mode restart replaces a resumed run", async () => {
    const clock = new ManualClock(NOON);
    let t = await hubAt(clock);
    await create(
      t,
      queuedRule("qmax", { max: 2, max_exceeded: "silent" }),
      queuedRule("pmax", { mode: "parallel", max: 2, max_exceeded: "silent" }),
      queuedRule("restart", { mode: "restart" }),
    );
    let w = await wire(t);
    for (const p of ["1", "2", "3"]) await w.pub("in/qmax", p);
    for (const p of ["1", "2"]) await w.pub("in/pmax", p);
    await w.pub("in/restart", "1");
    await w.settled();
    for (const [id, p] of [["qmax", "1"], ["pmax", "1"], ["pmax", "2"], ["restart", "1"]] as const) await waiting(t, id, p);
    expect(w.out("qmax")).toEqual(["start 1"]);

    await clock.advance(MINUTE);
    t = await restart(t, clock);
    w = await wire(t);
    await w.pub("in/qmax", "4");
    await w.pub("in/pmax", "3");
    await w.pub("in/restart", "2");
    await w.settled();
    const summaries = (id: string) => t.hub.api.automations.traces(id).map((r) => [r.trigger?.payload, r.outcome, r.summary]);
    expect(summaries("qmax")).toContainEqual(["4", "near_miss", "message on in/qmax; not run: already 2 runs (max)"]);
    expect(summaries("pmax")).toContainEqual(["3", "near_miss", "message on in/pmax; not run: already 2 runs (max)"]);
    expect(summaries("restart")).toContainEqual(["1", "stopped", "stopped (restarted, changed or turned off)"]);

    await clock.advance(4 * MINUTE);
    await until(() => w.out("qmax").length === 2 && w.out("pmax").length === 2, "the first runs to end");
    await waiting(t, "qmax", "2");
    await clock.advance(MINUTE);
    await until(() => w.out("restart").length === 2, "the second restart run to end");
    await clock.advance(4 * MINUTE);
    await until(() => w.out("qmax").length === 3, "the queued run to end");
    await w.settled();
    expect(w.out("qmax")).toEqual(["end 1", "start 2", "end 2"]);
    expect(w.out("pmax")).toEqual(["end 1", "end 2"]);
    expect(w.out("restart")).toEqual(["start 2", "end 2"]);
    // With the line empty again, a new trigger runs.
    await w.pub("in/qmax", "5");
    await until(() => w.out("qmax").length === 4, "a new run");
    expect(w.out("qmax").at(-1)).toBe("start 5");
  });
});
