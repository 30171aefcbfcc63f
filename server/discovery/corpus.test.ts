import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { cleanUpCase, loadCorpus, replayCase, type HubProbe } from "../testing/corpus-replay";

// Every real-world case in the shared corpus, replayed through a running hub with MQTT.js and checked
// through HubApi (the REST API's source; e2e/discovery-corpus.spec.ts checks the same over HTTP).
const corpus = loadCorpus();

describe("discovery corpus", () => {
  let t: TestHub;
  let client: MqttClient;
  let probe: HubProbe;

  beforeAll(async () => {
    t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    client = await mqtt.connectAsync(t.mqttUrl, { clientId: "corpus-device", reconnectPeriod: 0 });
    const api = t.hub.api;
    probe = {
      entities: () => Promise.resolve(api.entities.list()),
      state: (id) => Promise.resolve(api.states.find(id)),
      devices: () => Promise.resolve(api.devices.list()),
      discovery: () => Promise.resolve(api.discovery.status()),
      diagnostics: (id) => Promise.resolve(api.devices.diagnostics(id)),
      callService: async (domain, service, data) => {
        await api.services.call({ domain, service, data, userId: null });
      },
    };
  });

  afterAll(async () => {
    await client?.endAsync();
    await t?.stop();
  });

  it("holds at least the 38 published cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(38);
  });

  for (const c of corpus) {
    it(c.id, async () => {
      try {
        expect(await replayCase(c, client, probe)).toEqual([]);
      } finally {
        await cleanUpCase(c, client, probe);
      }
    });
  }
});
