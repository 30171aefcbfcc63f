import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceView, DiscoveryStatusView, EntityView, HaState } from "../server/hub-api";
import { cleanUpCase, loadCorpus, replayCase, type HubProbe } from "../server/testing/corpus-replay";
import { MQTT_URL, OWNER } from "./fixtures/hub";

// The shared discovery corpus through the shipped server: devices publish with MQTT.js, the hub is read
// through the HA-compatible REST API with a bearer token, commands go through POST /api/services.
const corpus = loadCorpus();

test.describe.configure({ mode: "serial" });

let client: MqttClient;
let probe: HubProbe;

let request: APIRequestContext;

test.beforeAll(async ({ playwright }, testInfo) => {
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
  const tokenRes = await request.post("/api/auth/tokens", { data: { name: "corpus replay" } });
  expect(tokenRes.status()).toBe(201);
  const { token } = (await tokenRes.json()) as { token: string };
  const username = `corpus-${Date.now()}`;
  const userRes = await request.post("/api/mqtt-users", { data: { username, description: "corpus replay" } });
  expect(userRes.status()).toBe(201);
  const { password } = (await userRes.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username, password, clientId: username, reconnectPeriod: 0 });
  const headers = { Authorization: `Bearer ${token}` };
  const get = async <T>(path: string): Promise<T> => {
    const res = await request.get(path, { headers });
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  };
  probe = {
    entities: () => get<EntityView[]>("/api/entities"),
    state: async (id) => {
      const res = await request.get(`/api/states/${encodeURIComponent(id)}`, { headers });
      return res.status() === 404 ? undefined : ((await res.json()) as HaState);
    },
    devices: () => get<DeviceView[]>("/api/devices"),
    discovery: () => get<DiscoveryStatusView>("/api/discovery"),
    diagnostics: (id) => get(`/api/devices/${id}/diagnostics`),
    callService: async (domain, service, data) => {
      const res = await request.post(`/api/services/${domain}/${service}`, { headers, data });
      expect(res.status(), await res.text()).toBe(200);
    },
  };
});

test.afterAll(async () => {
  await client?.endAsync();
  await request?.dispose();
});

for (const c of corpus) {
  test(`corpus: ${c.id}`, async () => {
    try {
      expect(await replayCase(c, client, probe)).toEqual([]);
    } finally {
      await cleanUpCase(c, client, probe);
    }
  });
}
