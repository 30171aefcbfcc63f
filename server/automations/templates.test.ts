// Automation templates over a fixed set of states: HA's `states` as a function, by member, and iterated.
import { describe, expect, it } from "vitest";
import type { HaState } from "../hub-api";
import { AutomationTemplates } from "./templates";

const AT = "2026-11-18T10:00:00.000+00:00";
const NOW = Date.parse("2026-11-18T10:05:00.000Z");

const haState = (entityId: string, state: string, attributes: Record<string, unknown> = {}): HaState => ({
  entity_id: entityId,
  state,
  attributes,
  last_changed: AT,
  last_reported: AT,
  last_updated: AT,
  context: { id: "c1", parent_id: null, user_id: null },
});

// Deliberately out of order: iteration sorts by entity id, as HA does.
const STATES = [
  haState("sensor.outside", "3.5", { friendly_name: "Outside", unit_of_measurement: "°C" }),
  haState("light.kitchen", "on", { friendly_name: "Kitchen", brightness: 120 }),
  haState("sensor.attic", "18"),
  haState("light.hall", "off", { friendly_name: "Hall" }),
  haState("switch.fan", "on", { friendly_name: "Fan" }),
];

function templates(): { t: AutomationTemplates; listed: () => number } {
  let listed = 0;
  const t = new AutomationTemplates({
    state: (id) => STATES.find((s) => s.entity_id === id),
    states: () => {
      listed++;
      return [...STATES];
    },
    now: () => NOW,
    timeZone: () => "UTC",
  });
  return { t, listed: () => listed };
}

describe("automation templates: states", () => {
  it.each([
    ["{% for s in states.sensor %}{{ s.entity_id }}={{ s.state }};{% endfor %}", "sensor.attic=18;sensor.outside=3.5;"],
    ["{{ states.light | selectattr('state', 'eq', 'on') | map(attribute='entity_id') | list }}", "['light.kitchen']"],
    ["{{ states.light | map(attribute='entity_id') | list }}", "['light.hall', 'light.kitchen']"],
    ["{{ states | count }}|{{ states.light | count }}|{{ states.light | length }}|{{ states.climate | count }}", "5|2|2|0"],
    ["{{ states | map(attribute='entity_id') | join(',') }}", "light.hall,light.kitchen,sensor.attic,sensor.outside,switch.fan"],
    ["{% for s in states.climate %}x{% else %}none{% endfor %}", "none"],
    ["{{ states | selectattr('domain', 'eq', 'switch') | map(attribute='name') | list }}", "['Fan']"],
    ["{% for s in states.sensor %}{{ s.name }}/{{ s.domain }}/{{ s.object_id }} {% endfor %}", "attic/sensor/attic Outside/sensor/outside"],
    ["{{ (states.light | first).entity_id }}|{{ (states.light | first).attributes.brightness is defined }}", "light.hall|False"],
    ["{{ (states.light | last).attributes.brightness }}", "120"],
    ["{{ states.sensor | map(attribute='state') | map('float') | sum }}", "21.5"],
    ["{% for s in states.light if s.state == 'off' %}{{ s.entity_id }}{% endfor %}", "light.hall"],
    ["{{ (states.sensor | first).last_changed.isoformat() }}", "2026-11-18T10:00:00+00:00"],
    ["{{ ((now() - (states.sensor | first).last_updated).total_seconds()) | int }}", "300"],
  ])("%s", (source, want) => {
    expect(templates().t.renderText(source, {})).toBe(want);
  });

  it("member access and states('x') keep working without listing every state", () => {
    const { t, listed } = templates();
    expect(t.renderText("{{ states('sensor.outside') }}|{{ states.sensor.outside.state }}|{{ states.sensor.outside.attributes.unit_of_measurement }}|{{ states.light.kitchen.name }}", {})).toBe(
      "3.5|3.5|°C|Kitchen",
    );
    expect(t.renderText("{{ states.sensor.nowhere is defined }}|{{ states('sensor.nowhere') }}", {})).toBe("False|unknown");
    expect(listed()).toBe(0);
    expect(t.renderText("{{ states.sensor | count }}", {})).toBe("2");
    expect(listed()).toBe(1);
  });

  it("a state object's times are datetimes, as in HA", () => {
    const { t } = templates();
    expect(t.renderText("{{ states.sensor.attic.last_changed }}", {})).toBe("2026-11-18 10:00:00+00:00");
    expect(t.render("{{ as_timestamp(states.sensor.attic.last_changed) }}", {})).toBe(Date.parse(AT) / 1000);
  });
});
