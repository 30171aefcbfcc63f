import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { StatisticsStore } from "@/db/queries/statistics";
import { authed } from "../live/testing";
import type { HubApi } from "../hub-api";
import { dataPaths } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { CsvExporter, csvField } from "./statistics-export";
import { StatisticsReader } from "./statistics-reader";

// Long-term statistics in a running hub: MQTT.js devices publish a known series on the hub's test clock, the
// recorder writes it, the compiler makes 5-minute and hourly rows, and the API reads them back; every expected
// number below is worked out by hand in the comments.

const M = 60_000;
const H = 60 * M;
/** Monday 6 January 2025, 23:00 in Amsterdam (the home's zone): the series crosses local midnight. */
const T0 = Date.parse("2025-01-06T22:00:00Z");
const TEMP = "sensor.living_temperature";
const ENERGY = "sensor.energy_meter";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const dbs: HubDatabase[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
  for (const db of dbs.splice(0)) db.$client.close();
});

async function start(clock: { now: number }, dataDir?: string) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "60000" }, dataDir, { now: () => clock.now });
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `stats-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  return { t, api: t.hub.api, device };
}

async function stop(t: TestHub) {
  for (const c of clients.splice(0)) await c.endAsync();
  await t.stop();
  hubs.splice(hubs.indexOf(t), 1);
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

/** A temperature (measurement, with availability), an energy meter (total_increasing) and a sensor without a state class. */
async function announce(api: HubApi, device: MqttClient) {
  const configs: Array<[string, Record<string, unknown>]> = [
    [
      "temp",
      { name: "Living temperature", stat_t: "st/temp", avty_t: "st/temp/availability", json_attr_t: "st/temp/attrs", uniq_id: "st_temp", unit_of_meas: "°C", dev_cla: "temperature", stat_cla: "measurement" },
    ],
    ["energy", { name: "Energy meter", stat_t: "st/energy", uniq_id: "st_energy", unit_of_meas: "kWh", dev_cla: "energy", stat_cla: "total_increasing" }],
    ["mood", { name: "Mood", stat_t: "st/mood", uniq_id: "st_mood" }],
  ];
  for (const [id, config] of configs) await device.publishAsync(`homeassistant/sensor/st/${id}/config`, JSON.stringify(config), { retain: true, qos: 1 });
  await until(() => [TEMP, ENERGY, "sensor.mood"].every((id) => api.states.find(id) !== undefined), "the three sensors");
  await device.publishAsync("st/temp/availability", "online", { retain: true, qos: 1 });
  await device.publishAsync("st/mood", "fine", { qos: 1 });
  await until(() => api.states.find("sensor.mood")?.state === "fine", "mood");
}

/** [minute after T0, topic, payload, the state the hub then shows]. */
const SERIES: Array<[number, string, string, string, string]> = [
  [0, "st/temp", "20", TEMP, "20"],
  [0, "st/energy", "100", ENERGY, "100"],
  [1, "st/energy", "100.5", ENERGY, "100.5"],
  [2, "st/temp", "22", TEMP, "22"],
  [3, "st/energy", "101", ENERGY, "101"],
  [4, "st/temp/availability", "offline", TEMP, "unavailable"],
  [6, "st/temp/availability", "online", TEMP, "22"],
  [7, "st/temp", "18", TEMP, "18"],
  [20, "st/energy", "102", ENERGY, "102"],
  [30, "st/temp", "24", TEMP, "24"],
  [50, "st/energy", "103", ENERGY, "103"],
  [65, "st/energy", "104", ENERGY, "104"],
  // A counter reset: 2 < 90 % of 104.
  [70, "st/energy", "2", ENERGY, "2"],
  [80, "st/energy", "3", ENERGY, "3"],
  [90, "st/temp", "26", TEMP, "26"],
  // An absurd step: 4997 is more than 10 × the largest hourly change so far (3, the first hour's).
  [100, "st/energy", "5000", ENERGY, "5000"],
  [110, "st/energy", "5001", ENERGY, "5001"],
];

async function publishSeries(api: HubApi, device: MqttClient, clock: { now: number }) {
  for (const [minute, topic, payload, entityId, state] of SERIES) {
    clock.now = T0 + minute * M;
    await device.publishAsync(topic, payload, { qos: 1, retain: topic.endsWith("availability") });
    await until(() => api.states.find(entityId)?.state === state, `${entityId} = ${state} at minute ${minute}`);
  }
}

/**
 * The 5-minute rows by hand. Temperature, minute by minute: 20 (0–2), 22 (2–4), unavailable (4–6), 22 (6–7),
 * 18 (7–30), 24 (30–90), 26 (90–).
 * - 0–5: (20×2 + 22×2)/4 min = 21 (the unavailable minute counts for nothing), min 20, max 22
 * - 5–10: (22×1 + 18×3)/4 = 19, min 18, max 22
 * - then 18 four times, 24 eighteen times (30–120 less the 26s), 26 six times.
 * Energy (state, sum): zero point 100; 101 → sum 1; 102 → 2; 103 → 3; 104 → 4; the reset to 2 adds the new
 * cycle from 0: 4 + 2 = 6; 3 → 7; the spike to 5000 is left out: 7; 5001 → 8.
 */
const TEMP_5MIN = [21, 19, 18, 18, 18, 18, ...Array<number>(12).fill(24), ...Array<number>(6).fill(26)];
const TEMP_5MIN_MIN = [20, 18, ...TEMP_5MIN.slice(2)];
const TEMP_5MIN_MAX = [22, 22, ...TEMP_5MIN.slice(2)];
const ENERGY_5MIN: Array<[number, number]> = [
  [101, 1], [101, 1], [101, 1], [101, 1], [102, 2], [102, 2], [102, 2], [102, 2], [102, 2], [102, 2], [103, 3], [103, 3],
  [103, 3], [104, 4], [2, 6], [2, 6], [3, 7], [3, 7], [3, 7], [3, 7], [5000, 7], [5000, 7], [5001, 8], [5001, 8],
];

function expectSeriesCompiled(api: HubApi) {
  const range = { start_time: new Date(T0).toISOString(), end_time: new Date(T0 + 2 * H).toISOString() };
  const fiveMinutes = api.history.statistics({ statistic_ids: [TEMP, ENERGY], period: "5minute", ...range });
  const temp = fiveMinutes[TEMP]!;
  expect(temp.map((r) => r.start)).toEqual(TEMP_5MIN.map((_, i) => T0 + i * 5 * M));
  expect(temp.map((r) => r.end - r.start)).toEqual(TEMP_5MIN.map(() => 5 * M));
  temp.forEach((r, i) => expect(r.mean, `mean of period ${i}`).toBeCloseTo(TEMP_5MIN[i]!, 10));
  expect(temp.map((r) => [r.min, r.max])).toEqual(TEMP_5MIN.map((_, i) => [TEMP_5MIN_MIN[i], TEMP_5MIN_MAX[i]]));
  expect(temp.every((r) => r.sum === null && r.state === null && r.change === null)).toBe(true);
  expect(fiveMinutes[ENERGY]!.map((r) => [r.state, r.sum])).toEqual(ENERGY_5MIN);
  expect(fiveMinutes[ENERGY]!.every((r) => r.mean === null && r.min === null && r.max === null)).toBe(true);

  // Hours: the mean of the twelve 5-minute means, (21 + 19 + 18×4 + 24×6)/12 = 256/12; then (24×6 + 26×6)/12 = 25.
  const hours = api.history.statistics({ statistic_ids: TEMP, period: "hour", ...range, types: "mean,max" });
  expect(Object.keys(hours)).toEqual([TEMP]);
  expect(hours[TEMP]!.map((r) => Object.keys(r).sort())).toEqual([["end", "max", "mean", "start"], ["end", "max", "mean", "start"]]);
  expect(hours[TEMP]![0]!.mean).toBeCloseTo(256 / 12, 10);
  expect(hours[TEMP]!.map((r) => [r.start, r.end, r.max])).toEqual([[T0, T0 + H, 24], [T0 + H, T0 + 2 * H, 26]]);
  expect(hours[TEMP]![1]!.mean).toBe(25);
  const energyHours = api.history.statistics({ statistic_ids: ENERGY, period: "hour", ...range, types: ["state", "sum", "change"] });
  expect(energyHours[ENERGY]).toEqual([
    { start: T0, end: T0 + H, state: 103, sum: 3, change: 3 },
    { start: T0 + H, end: T0 + 2 * H, state: 5001, sum: 8, change: 5 },
  ]);
}

describe("long-term statistics", () => {
  it("compiles a known series into hand-computed 5-minute, hourly, daily, weekly and monthly rows, with a reset and a spike", async () => {
    const clock = { now: T0 - 10 * M };
    const { t, api, device } = await start(clock);
    await t.hub.accounts.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "Europe/Amsterdam", unitSystem: "metric" }, null);
    await announce(api, device);
    await publishSeries(api, device, clock);
    clock.now = T0 + 2 * H + 10_000;
    await t.hub.statistics.compileNow();
    expect(t.hub.statistics.status()).toMatchObject({ lastPeriod: T0 + 2 * H - 5 * M, lastError: null });
    expectSeriesCompiled(api);

    // Nothing more to compile: a second run does nothing and changes nothing.
    expect(await t.hub.statistics.compileNow()).toBe(0);

    // Local days in Amsterdam: the first hour is Monday (23:00–24:00), the second Tuesday.
    const mondayNoon = "2025-01-06T12:00:00Z";
    const days = api.history.statistics({ statistic_ids: [TEMP, ENERGY, "sensor.mood", "sensor.nothing"], period: "day", start_time: mondayNoon, end_time: new Date(T0 + 2 * H).toISOString() });
    expect(Object.keys(days).sort()).toEqual([ENERGY, TEMP]);
    const monday = Date.parse("2025-01-05T23:00:00Z");
    const tuesday = Date.parse("2025-01-06T23:00:00Z");
    const wednesday = Date.parse("2025-01-07T23:00:00Z");
    expect(days[TEMP]!.map((r) => [r.start, r.end, r.min, r.max])).toEqual([[monday, tuesday, 18, 24], [tuesday, wednesday, 24, 26]]);
    expect(days[TEMP]![0]!.mean).toBeCloseTo(256 / 12, 10);
    expect(days[TEMP]![1]!.mean).toBe(25);
    expect(days[ENERGY]!.map((r) => [r.start, r.state, r.sum, r.change, r.last_reset, r.mean])).toEqual([
      [monday, 103, 3, 3, null, null],
      [tuesday, 5001, 8, 5, null, null],
    ]);
    // Weeks start on Monday (local), months on the 1st (local).
    const week = api.history.statistics({ statistic_ids: [TEMP, ENERGY], period: "week", start_time: mondayNoon });
    expect(week[TEMP]!.map((r) => [r.start, r.end])).toEqual([[monday, Date.parse("2025-01-12T23:00:00Z")]]);
    expect(week[TEMP]![0]!.mean).toBeCloseTo((256 / 12 + 25) / 2, 10);
    expect(week[ENERGY]!.map((r) => [r.sum, r.change])).toEqual([[8, 8]]);
    const month = api.history.statistics({ statistic_ids: [ENERGY], period: "month", start_time: mondayNoon, types: ["change"] });
    expect(month[ENERGY]).toEqual([{ start: Date.parse("2024-12-31T23:00:00Z"), end: Date.parse("2025-01-31T23:00:00Z"), change: 8 }]);
    // A range starting later counts `change` from the last sum before it.
    const later = api.history.statistics({ statistic_ids: [ENERGY], period: "5minute", start_time: new Date(T0 + 70 * M).toISOString(), end_time: new Date(T0 + 80 * M).toISOString(), types: ["change"] });
    expect(later[ENERGY]!.map((r) => r.change)).toEqual([2, 0]);

    // The reset and the spike are on record; the metadata says what each statistic is.
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    dbs.push(db);
    const issues = new StatisticsStore(db).issues(ENERGY).map((i) => ({ ...i, detail: JSON.parse(i.detail) as unknown }));
    expect(issues).toEqual([
      { statisticId: ENERGY, ts: T0 + 70 * M, kind: "reset", detail: { from: 104, to: 2 } },
      { statisticId: ENERGY, ts: T0 + 100 * M, kind: "spike", detail: { from: 3, to: 5000, step: 4997, reference: 3, factor: 10, after_reset: false } },
    ]);
    expect(api.history.statisticIds()).toEqual([
      expect.objectContaining({ statistic_id: ENERGY, has_mean: false, has_sum: true, name: "Energy meter", statistics_unit_of_measurement: "kWh", source: "recorder" }),
      expect.objectContaining({ statistic_id: TEMP, has_mean: true, mean_type: 1, has_sum: false, name: "Living temperature", display_unit_of_measurement: "°C" }),
    ]);
    expect(api.history.statisticIds("sum").map((s) => s.statistic_id)).toEqual([ENERGY]);
  });

  it("a restart compiles the periods it missed, and the rows come out as if it had never stopped", async () => {
    const clock = { now: T0 - 10 * M };
    const first = await start(clock);
    await announce(first.api, first.device);
    await publishSeries(first.api, first.device, clock);
    // Compiled up to 30 minutes in (from the first recorded state, the mood 10 minutes before T0), then down for
    // an hour and a half.
    expect(await first.t.hub.statistics.compileNow(T0 + 30 * M)).toBe(8);
    await stop(first.t);

    clock.now = T0 + 2 * H + 5 * M + 10_000;
    const second = await start(clock, first.t.dataDir);
    // Nobody asks: the compiler catches up on its own at start.
    await until(() => second.t.hub.statistics.status().lastPeriod === T0 + 2 * H, "the missed periods compiled");
    expectSeriesCompiled(second.api);
    const db = openDatabase({ file: dataPaths(first.t.dataDir).database });
    dbs.push(db);
    expect(new StatisticsStore(db).runsBetween(T0, T0 + 2 * H + 5 * M)).toBe(25);
    // No issue twice: each period was compiled once.
    expect(new StatisticsStore(db).issues(ENERGY).map((i) => i.kind)).toEqual(["reset", "spike"]);
  });
});

describe("statistics API", () => {
  it("answers HA's WebSocket commands and refuses bad input with clear errors", async () => {
    const clock = { now: T0 - 10 * M };
    const { t, api, device } = await start(clock);
    const { user } = await t.hub.accounts.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
    await announce(api, device);
    clock.now = T0;
    await device.publishAsync("st/energy", "10", { qos: 1 });
    await until(() => api.states.find(ENERGY)?.state === "10", "energy 10");
    clock.now = T0 + 5 * M;
    await device.publishAsync("st/energy", "12.5", { qos: 1 });
    await until(() => api.states.find(ENERGY)?.state === "12.5", "energy 12.5");
    clock.now = T0 + 10 * M + 10_000;
    // From the first recorded state (the mood, 10 minutes before T0) to T0 + 10 min.
    expect(await t.hub.statistics.compileNow()).toBe(4);

    const socket = await authed(t, t.hub.api.tokens.create(user.id, "ws").token);
    socket.send({ id: 1, type: "recorder/statistics_during_period", start_time: new Date(T0).toISOString(), statistic_ids: [ENERGY], period: "5minute", types: ["sum", "change", "last_reset"] });
    expect(await socket.message()).toEqual({
      id: 1,
      type: "result",
      success: true,
      result: {
        [ENERGY]: [
          { start: T0, end: T0 + 5 * M, sum: 0, change: 0, last_reset: null },
          { start: T0 + 5 * M, end: T0 + 10 * M, sum: 2.5, change: 2.5, last_reset: null },
        ],
      },
    });
    socket.send({ id: 2, type: "recorder/list_statistic_ids", statistic_type: "mean" });
    const listed = await socket.message();
    expect((listed.result as Array<{ statistic_id: string }>).map((s) => s.statistic_id)).toEqual([TEMP]);
    socket.send({ id: 3, type: "recorder/get_statistics_metadata", statistic_ids: [ENERGY, "sensor.nothing"] });
    expect(await socket.message()).toMatchObject({
      id: 3,
      success: true,
      result: [{ statistic_id: ENERGY, has_sum: true, has_mean: false, statistics_unit_of_measurement: "kWh", display_unit_of_measurement: "kWh", unit_class: null }],
    });
    socket.send({ id: 4, type: "recorder/statistics_during_period", start_time: "soon", statistic_ids: [ENERGY], period: "hour" });
    expect(await socket.message()).toMatchObject({ id: 4, success: false, error: { code: "invalid_format", message: "Invalid start_time" } });
    socket.send({ id: 5, type: "recorder/statistics_during_period", start_time: new Date(T0).toISOString(), statistic_ids: [ENERGY], period: "fortnight" });
    expect(await socket.message()).toMatchObject({ id: 5, success: false, error: { code: "invalid_format" } });
    socket.send({ id: 6, type: "recorder/statistics_during_period", start_time: new Date(T0).toISOString(), statistic_ids: [], period: "hour" });
    expect(await socket.message()).toMatchObject({ id: 6, success: false, error: { code: "invalid_format" } });
    socket.ws.terminate();

    const bad = (q: Partial<Parameters<HubApi["history"]["statistics"]>[0]>) => () =>
      api.history.statistics({ statistic_ids: ENERGY, period: "hour", start_time: new Date(T0).toISOString(), ...q });
    expect(bad({ period: "fortnight" })).toThrow(/period must be one of 5minute, hour, day, week, month/);
    expect(bad({ start_time: "yesterday" })).toThrow(/Invalid start_time/);
    expect(bad({ end_time: "2025-13-01" })).toThrow(/Invalid end_time/);
    expect(bad({ statistic_ids: "" })).toThrow(/statistic_ids is missing/);
    expect(bad({ types: "mean,median" })).toThrow(/types must be among/);
    expect(() => api.history.exportCsv({ start_time: new Date(T0).toISOString() })).toThrow(/entity_id is missing/);
    expect(() => api.history.exportCsv({ entity_id: ENERGY, statistics: "fortnight" })).toThrow(/statistics must be one of/);
    expect(() => api.history.exportCsv({ entity_id: ENERGY, start_time: new Date(T0).toISOString(), end_time: new Date(T0 - H).toISOString() })).toThrow(/end_time is before start_time/);
    try {
      bad({ period: "fortnight" })();
    } catch (err) {
      expect((err as { code: string }).code).toBe("invalid_input");
    }
  });

  it("exports raw history and statistics as RFC 4180 CSV, and refuses a range over the row limit", async () => {
    const clock = { now: T0 - 10 * M };
    const { t, api, device } = await start(clock);
    await announce(api, device);
    await device.publishAsync("st/temp/attrs", JSON.stringify({ note: 'a "quoted", comma\nand a new line' }), { qos: 1, retain: true });
    await until(() => typeof api.states.find(TEMP)?.attributes.note === "string", "the note attribute");
    await publishSeries(api, device, clock);
    clock.now = T0 + 2 * H + 10_000;
    await t.hub.statistics.compileNow();

    const csv = api.history.exportCsv({ entity_id: TEMP, start_time: new Date(T0).toISOString(), end_time: new Date(T0 + 2 * H).toISOString() });
    expect(csv.filename).toBe("history_sensor.living_temperature_2025-01-06_2025-01-07.csv");
    const text = await collect(csv.body);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["entity_id", "state", "last_changed", "last_updated", "attributes"]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(["20", "22", "unavailable", "22", "18", "24", "26"]);
    expect(csv.rows).toBe(7);
    expect(rows[1]![2]).toBe(new Date(T0).toISOString());
    expect(JSON.parse(rows[1]![4]!)).toMatchObject({ note: 'a "quoted", comma\nand a new line', unit_of_measurement: "°C" });
    expect(text.endsWith("\r\n")).toBe(true);

    const stats = api.history.exportCsv({ entity_id: `${ENERGY},${TEMP}`, start_time: new Date(T0).toISOString(), end_time: new Date(T0 + 2 * H).toISOString(), statistics: "hour" });
    expect(stats.filename).toBe("statistics_hour_2_entities_2025-01-06_2025-01-07.csv");
    const statRows = parseCsv(await collect(stats.body));
    expect(statRows).toEqual([
      ["statistic_id", "start", "end", "mean", "min", "max", "last_reset", "state", "sum", "change"],
      [ENERGY, new Date(T0).toISOString(), new Date(T0 + H).toISOString(), "", "", "", "", "103", "3", "3"],
      [ENERGY, new Date(T0 + H).toISOString(), new Date(T0 + 2 * H).toISOString(), "", "", "", "", "5001", "8", "5"],
      [TEMP, new Date(T0).toISOString(), new Date(T0 + H).toISOString(), String(256 / 12), "18", "24", "", "", "", ""],
      [TEMP, new Date(T0 + H).toISOString(), new Date(T0 + 2 * H).toISOString(), "25", "24", "26", "", "", "", ""],
    ]);

    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    dbs.push(db);
    const small = new CsvExporter({ db, statistics: new StatisticsReader({ db }), maxRows: 6 });
    expect(() => small.export({ entity_id: TEMP, start_time: new Date(T0).toISOString(), end_time: new Date(T0 + 2 * H).toISOString() })).toThrow(
      /7 states in this range; an export holds at most 6/,
    );
    expect(small.export({ entity_id: TEMP, start_time: new Date(T0 + 30 * M).toISOString(), end_time: new Date(T0 + 2 * H).toISOString() }).rows).toBe(2);
  });

  it("quotes CSV fields only when they need it", () => {
    expect([csvField("plain"), csvField('say "hi"'), csvField("a,b"), csvField("line\nbreak"), csvField(null), csvField(2.5)]).toEqual([
      "plain",
      '"say ""hi"""',
      '"a,b"',
      '"line\nbreak"',
      "",
      "2.5",
    ]);
  });

  it("reads a year of hourly statistics for one entity, by hour, day and month", async () => {
    const clock = { now: Date.parse("2026-01-01T00:00:00Z") };
    const { t, api } = await start(clock);
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    dbs.push(db);
    const yearStart = Date.parse("2025-01-01T00:00:00Z");
    const hours = 365 * 24;
    db.$client.prepare("INSERT INTO statistics_meta (id, statistic_id, unit, has_mean, has_sum, name) VALUES (900, 'sensor.year', 'W', 1, 0, 'Year')").run();
    const insert = db.$client.prepare("INSERT INTO statistics (meta_ref, start_ts, mean, min, max) VALUES (900, ?, ?, ?, ?)");
    db.$client.transaction(() => {
      for (let i = 0; i < hours; i++) insert.run(yearStart + i * H, 100 + (i % 24), 90, 130);
    })();
    const timed = (period: string) => {
      const t0 = performance.now();
      const result = api.history.statistics({ statistic_ids: "sensor.year", period, start_time: new Date(yearStart).toISOString(), end_time: new Date(yearStart + hours * H).toISOString() });
      return { ms: performance.now() - t0, rows: result["sensor.year"] ?? [] };
    };
    // The best of five runs: the box is shared, and the goal is what the code costs, not what a neighbour does.
    const best = (period: string) => {
      const runs = Array.from({ length: 5 }, () => timed(period));
      return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    };
    const hour = best("hour");
    const day = best("day");
    const month = best("month");
    console.log(`a year of hourly statistics: hour ${hour.ms.toFixed(1)} ms (${hour.rows.length} rows), day ${day.ms.toFixed(1)} ms, month ${month.ms.toFixed(1)} ms`);
    expect(hour.rows).toHaveLength(hours);
    expect(day.rows).toHaveLength(365);
    expect(month.rows).toHaveLength(12);
    expect(day.rows[0]!.mean).toBeCloseTo(111.5, 10);
    // The time goal (< 100 ms) is measured by `npm run bench -- --scenarios history`, not asserted here: a
    // loaded CI box would make it flaky. A second is a broken query plan, not a slow machine.
    expect(hour.ms).toBeLessThan(1000);
  });
});

async function collect(body: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of body) text += chunk;
  return text;
}

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}
