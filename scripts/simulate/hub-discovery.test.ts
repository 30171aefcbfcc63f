import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HaState, HubApi } from "@/server/hub-api";
import { startTestHub, type TestHub } from "@/server/testing/test-hub";
import { startSimulation, type SimulationHandle } from "./simulation";

// The simulator's devices (Zigbee2MQTT bridge with bulbs and sensors, Tasmota plug, ESPHome node,
// thermostat and cover) discovered by a running hub, showing states, and obeying service calls.

const FAST = { tickMs: 20, physicsIntervalMs: 50, coverTravelMs: 800, z2mBirthDelayMs: 100, connectTimeoutMs: 5000, reconnectPeriodMs: 500 };

let t: TestHub;
let sim: SimulationHandle;
let api: HubApi;

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 2000; i++) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const state = (id: string): HaState => api.states.find(id)!;

beforeAll(async () => {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  api = t.hub.api;
  sim = await startSimulation({ url: t.mqttUrl, devices: 5, rate: 50, seed: 3, tuning: FAST });
});

afterAll(async () => {
  await sim?.stop();
  await new Promise((r) => setTimeout(r, 200));
  await t?.stop();
});

describe("simulated home through the hub", () => {
  it("discovers every announced entity, each available with a state", async () => {
    const configs = (await t.broker.readRetained("homeassistant/+/+/config")).length + (await t.broker.readRetained("homeassistant/+/+/+/config")).length;
    expect(configs).toBeGreaterThanOrEqual(15);
    await until(() => (api.entities.list().length >= configs ? true : undefined), `${configs} entities`);
    await until(() => {
      const pending = api.states.list().filter((s) => s.state === "unknown" || s.state === "unavailable");
      return pending.length === 0 ? true : undefined;
    }, "every entity available with a value").catch(() => {
      const pending = api.states.list().filter((s) => s.state === "unknown" || s.state === "unavailable");
      throw new Error(`still without a value: ${pending.map((s) => `${s.entity_id}=${s.state}`).join(", ")}`);
    });
    expect(api.devices.list().length).toBeGreaterThanOrEqual(5);
  });

  it("switches obey turn_off/turn_on", async () => {
    const switches = api.states.list().filter((s) => s.entity_id.startsWith("switch."));
    expect(switches.length).toBeGreaterThan(0);
    for (const s of switches) {
      for (const [service, want] of [["turn_off", "off"], ["turn_on", "on"]] as const) {
        await api.services.call({ domain: "switch", service, data: { entity_id: s.entity_id }, userId: null });
        await until(() => (state(s.entity_id).state === want ? true : undefined), `${s.entity_id} ${want}`);
      }
    }
  });

  it("lights obey brightness and off", async () => {
    const lights = api.states.list().filter((s) => s.entity_id.startsWith("light."));
    expect(lights.length).toBeGreaterThan(0);
    for (const l of lights) {
      await api.services.call({ domain: "light", service: "turn_on", data: { entity_id: l.entity_id, brightness_pct: 40 }, userId: null });
      await until(() => {
        const s = state(l.entity_id);
        return s.state === "on" && Math.abs(Number(s.attributes.brightness) - 102) <= 2 ? true : undefined;
      }, `${l.entity_id} at 40 %`);
      await api.services.call({ domain: "light", service: "turn_off", data: { entity_id: l.entity_id }, userId: null });
      await until(() => (state(l.entity_id).state === "off" ? true : undefined), `${l.entity_id} off`);
    }
  });

  it("covers move to a position and close", async () => {
    const covers = api.states.list().filter((s) => s.entity_id.startsWith("cover."));
    expect(covers.length).toBeGreaterThan(0);
    for (const c of covers) {
      await api.services.call({ domain: "cover", service: "set_cover_position", data: { entity_id: c.entity_id, position: 60 }, userId: null });
      await until(() => (state(c.entity_id).attributes.current_position === 60 ? true : undefined), `${c.entity_id} at 60`);
      await api.services.call({ domain: "cover", service: "close_cover", data: { entity_id: c.entity_id }, userId: null });
      await until(() => (state(c.entity_id).state === "closed" ? true : undefined), `${c.entity_id} closed`);
    }
  });

  it("thermostats take a set point and a mode", async () => {
    const climates = api.states.list().filter((s) => s.entity_id.startsWith("climate."));
    expect(climates.length).toBeGreaterThan(0);
    for (const c of climates) {
      await api.services.call({ domain: "climate", service: "set_temperature", data: { entity_id: c.entity_id, temperature: 23.5 }, userId: null });
      await until(() => (state(c.entity_id).attributes.temperature === 23.5 ? true : undefined), `${c.entity_id} set to 23.5`);
      const modes = (state(c.entity_id).attributes.hvac_modes as string[]).filter((m) => m !== state(c.entity_id).state);
      expect(modes.length).toBeGreaterThan(0);
      await api.services.call({ domain: "climate", service: "set_hvac_mode", data: { entity_id: c.entity_id, hvac_mode: modes[0] }, userId: null });
      await until(() => (state(c.entity_id).state === modes[0] ? true : undefined), `${c.entity_id} in ${modes[0]}`);
    }
  });
});
