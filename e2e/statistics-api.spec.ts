import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { StatisticIdView } from "../server/history/statistics-reader";
import { MQTT_URL, OWNER } from "./fixtures/hub";

// The statistics and export routes on the shipped server: auth, HA's shapes, clear errors, and a real CSV
// download of what a device just reported. Compiling statistics takes 5 minutes of real time, so the numbers
// themselves are covered by server/history/statistics.test.ts; this checks the HTTP edge. Protocol-level: desktop only.

test.describe.configure({ mode: "serial" });

let request: APIRequestContext;
let client: MqttClient | undefined;
const username = `e2e-stats-${Date.now()}`;
const CONFIG_TOPIC = "homeassistant/sensor/e2e_stats/probe/config";
const ENTITY = "sensor.e2e_stats_probe";

test.beforeAll(async ({ playwright }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "protocol-level: runs once");
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
});

test.afterAll(async () => {
  if (client) {
    await client.publishAsync(CONFIG_TOPIC, "", { retain: true, qos: 1 });
    await client.endAsync();
  }
  if (request) {
    await request.delete(`/api/mqtt-users/${encodeURIComponent(username)}`).catch(() => undefined);
    await request.dispose();
  }
});

async function errorOf(res: { status(): number; json(): Promise<unknown> }): Promise<[number, string]> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return [res.status(), body.error.code];
}

test("statistics, statistic ids and the CSV export over HTTP", async ({ playwright }, testInfo) => {
  const anonymous = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  for (const path of ["/api/history/statistics?statistic_ids=sensor.x&start_time=2025-01-01", "/api/history/statistic-ids", "/api/history/export.csv?entity_id=sensor.x"]) {
    expect((await anonymous.get(path)).status(), path).toBe(401);
  }
  await anonymous.dispose();

  const created = await request.post("/api/mqtt-users", { data: { username, description: "statistics journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username, password, clientId: username, reconnectPeriod: 0 });
  await client.publishAsync(
    CONFIG_TOPIC,
    JSON.stringify({ name: "E2E stats probe", uniq_id: "e2e_stats_probe", stat_t: "e2e/stats/probe", unit_of_meas: "W", dev_cla: "power", stat_cla: "measurement" }),
    { retain: true, qos: 1 },
  );
  const since = new Date(Date.now() - 60_000).toISOString();
  // A sensor with a state_class is listed before its first compile, as HA lists it.
  await expect
    .poll(async () => ((await (await request.get("/api/history/statistic-ids?statistic_type=mean")).json()) as StatisticIdView[]).find((s) => s.statistic_id === ENTITY))
    .toMatchObject({ statistic_id: ENTITY, has_mean: true, has_sum: false, statistics_unit_of_measurement: "W", name: "E2E stats probe", source: "recorder" });
  for (const value of ["12.5", "15"]) {
    await client.publishAsync("e2e/stats/probe", value, { qos: 1 });
    await expect.poll(async () => ((await (await request.get(`/api/states/${ENTITY}`)).json()) as { state?: string }).state).toBe(value);
  }

  const stats = await request.get(`/api/history/statistics?statistic_ids=${ENTITY}&period=hour&start_time=${encodeURIComponent(since)}&types=mean,max`);
  expect(stats.status()).toBe(200);
  expect(await stats.json()).toEqual({});
  expect(await errorOf(await request.get(`/api/history/statistics?statistic_ids=${ENTITY}&period=fortnight&start_time=${encodeURIComponent(since)}`))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.get(`/api/history/statistics?statistic_ids=${ENTITY}&period=hour`))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.get("/api/history/statistic-ids?statistic_type=median"))).toEqual([400, "invalid_input"]);

  // The recorder commits every second: poll until both states are in the export.
  const url = `/api/history/export.csv?entity_id=${ENTITY}&start_time=${encodeURIComponent(since)}`;
  await expect.poll(async () => (await (await request.get(url)).text()).trim().split("\r\n").length).toBe(3);
  const csv = await request.get(url);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="history_sensor\.e2e_stats_probe_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = (await csv.text()).split("\r\n");
  expect(lines[0]).toBe("entity_id,state,last_changed,last_updated,attributes");
  expect(lines.slice(1, 3).map((l) => l.split(",").slice(0, 2).join(","))).toEqual([`${ENTITY},12.5`, `${ENTITY},15`]);
  // The attributes column is JSON, quoted as RFC 4180 says: in quotes, with its quotes doubled.
  expect(lines[1]).toMatch(/,"\{.*\}"$/);
  expect(lines[1]).toContain('""friendly_name"":""E2E stats probe""');
  expect(await errorOf(await request.get("/api/history/export.csv"))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.get(`/api/history/export.csv?entity_id=${ENTITY}&statistics=fortnight`))).toEqual([400, "invalid_input"]);
});
