// Automations written for Home Assistant, pasted as YAML unchanged, run against simulated devices on the real
// broker: a motion light with a timeout, a Zigbee2MQTT button, a thermostat schedule.
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../testing/manual-clock";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

// Wednesday 2026-11-18, 06:00 UTC.
const START = Date.UTC(2026, 10, 18, 6, 0, 0);

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A simulated home: a motion sensor, a lamp that obeys its command topic, a thermostat; commands are logged. */
async function home(clock: ManualClock) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, undefined, { clock });
  hubs.push(t);
  await t.hub.automations.ready;
  const dev = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
  clients.push(dev);
  const commands: Array<[string, string]> = [];
  dev.on("message", (topic, payload) => {
    commands.push([topic, payload.toString()]);
    // The lamp confirms what it is told.
    if (topic === "lamp/set") void dev.publishAsync("lamp/state", payload.toString(), { retain: true }).catch(() => undefined); // the client may end with this in flight
  });
  await dev.subscribeAsync(["lamp/set", "thermostat/+/set"]);
  const device = (id: string, name: string) => ({ identifiers: [id], name });
  const configs: Array<[string, Record<string, unknown>]> = [
    ["binary_sensor/hall_motion/config", { name: "Motion", unique_id: "hall_motion", device_class: "motion", state_topic: "motion/state", device: device("hall_motion", "Hall motion") }],
    ["light/hall_lamp/config", { name: null, unique_id: "hall_lamp", command_topic: "lamp/set", state_topic: "lamp/state", device: device("hall_lamp", "Hall lamp") }],
    [
      "climate/living_thermostat/config",
      {
        name: null,
        unique_id: "living_thermostat",
        modes: ["off", "heat"],
        mode_command_topic: "thermostat/mode/set",
        mode_state_topic: "thermostat/mode/state",
        temperature_command_topic: "thermostat/temperature/set",
        temperature_state_topic: "thermostat/temperature/state",
        current_temperature_topic: "thermostat/current",
        device: device("living_thermostat", "Living room thermostat"),
      },
    ],
  ];
  for (const [topic, config] of configs) await dev.publishAsync(`homeassistant/${topic}`, JSON.stringify(config), { retain: true, qos: 1 });
  await dev.publishAsync("motion/state", "OFF", { retain: true, qos: 1 });
  await dev.publishAsync("lamp/state", "OFF", { retain: true, qos: 1 });
  await dev.publishAsync("thermostat/mode/state", "heat", { retain: true, qos: 1 });
  await dev.publishAsync("thermostat/temperature/state", "18", { retain: true, qos: 1 });
  await until(() => ["binary_sensor.hall_motion_motion", "light.hall_lamp", "climate.living_room_thermostat"].every((id) => t.hub.api.states.find(id)?.state !== undefined), "the devices");
  return { t, dev, commands };
}

const paste = (t: TestHub, yaml: string) => t.hub.api.automations.create({ source: yaml, format: "yaml", by: null });

describe("Home Assistant automations pasted unchanged", () => {
  it("motion light with a timeout (wait_for_trigger, mode restart)", async () => {
    const clock = new ManualClock(START);
    const { t, dev, commands } = await home(clock);
    await paste(
      t,
      `- id: '1700000000001'
  alias: Motion light
  description: Turn on the hall light on motion, off two minutes after it stops
  mode: restart
  trigger:
    - platform: state
      entity_id: binary_sensor.hall_motion_motion
      from: 'off'
      to: 'on'
  action:
    - service: light.turn_on
      target:
        entity_id: light.hall_lamp
    - wait_for_trigger:
        - platform: state
          entity_id: binary_sensor.hall_motion_motion
          from: 'on'
          to: 'off'
    - delay: 120
    - service: light.turn_off
      target:
        entity_id: light.hall_lamp
`,
    );
    await dev.publishAsync("motion/state", "ON", { retain: true });
    await until(() => commands.some(([topic, p]) => topic === "lamp/set" && p === "ON"), "the lamp on");
    await dev.publishAsync("motion/state", "OFF", { retain: true });
    await until(() => t.hub.api.states.find("binary_sensor.hall_motion_motion")?.state === "off", "motion to clear");
    await clock.advance(119_000);
    expect(commands.filter(([topic]) => topic === "lamp/set").map(([, p]) => p)).toEqual(["ON"]);
    await clock.advance(1000);
    await until(() => commands.some(([topic, p]) => topic === "lamp/set" && p === "OFF"), "the lamp off");
    await until(() => t.hub.api.states.find("light.hall_lamp")?.state === "off", "the lamp to confirm");
    const [trace] = t.hub.api.automations.traces("1700000000001");
    expect(trace).toMatchObject({ outcome: "success" });
    expect(trace!.steps.map((s) => s.kind)).toEqual(["service", "wait_for_trigger", "delay", "service"]);
  });

  it("a Zigbee2MQTT button: one rule, a choose on the action", async () => {
    const clock = new ManualClock(START);
    const { t, dev, commands } = await home(clock);
    await paste(
      t,
      `alias: Hall button
id: hall_button
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/hall_button
conditions:
  - condition: template
    value_template: "{{ trigger.payload_json.action in ['single', 'double'] }}"
actions:
  - choose:
      - conditions: "{{ trigger.payload_json.action == 'single' }}"
        sequence:
          - action: light.toggle
            target: { entity_id: light.hall_lamp }
      - conditions:
          - condition: template
            value_template: "{{ trigger.payload_json.action == 'double' }}"
        sequence:
          - action: climate.set_temperature
            target: { entity_id: climate.living_room_thermostat }
            data: { temperature: 21.5 }
`,
    );
    await dev.publishAsync("zigbee2mqtt/hall_button", JSON.stringify({ action: "single", battery: 97 }));
    await until(() => commands.some(([topic, p]) => topic === "lamp/set" && p === "ON"), "the toggle");
    await dev.publishAsync("zigbee2mqtt/hall_button", JSON.stringify({ action: "double", battery: 97 }));
    await until(() => commands.some(([topic]) => topic === "thermostat/temperature/set"), "the thermostat command");
    expect(commands.find(([topic]) => topic === "thermostat/temperature/set")![1]).toBe("21.5");
    await dev.publishAsync("zigbee2mqtt/hall_button", JSON.stringify({ action: "hold" }));
    await until(() => t.hub.api.automations.traces("hall_button").length === 3, "three traces");
    expect(t.hub.api.automations.traces("hall_button").map((x) => x.outcome)).toEqual(["near_miss", "success", "success"]);
  });

  it("a thermostat schedule: time triggers on weekdays", async () => {
    const clock = new ManualClock(START); // Wednesday 06:00 UTC (the test hub's home has no time zone: UTC)
    const { t, commands } = await home(clock);
    await paste(
      t,
      `alias: Thermostat schedule
id: thermostat_schedule
trigger:
  - platform: time
    at: "06:30:00"
    id: morning
  - platform: time
    at: "22:00:00"
    id: night
condition:
  - condition: time
    weekday: [mon, tue, wed, thu, fri]
action:
  - service: climate.set_temperature
    target:
      entity_id: climate.living_room_thermostat
    data:
      temperature: "{{ 21 if trigger.id == 'morning' else 17 }}"
`,
    );
    await clock.advance(30 * 60_000);
    await until(() => commands.some(([topic]) => topic === "thermostat/temperature/set"), "the morning setting");
    await clock.advance(15.5 * 3_600_000);
    await until(() => commands.filter(([topic]) => topic === "thermostat/temperature/set").length === 2, "the night setting");
    expect(commands.filter(([topic]) => topic === "thermostat/temperature/set").map(([, p]) => Number(p))).toEqual([21, 17]);
  });
});
