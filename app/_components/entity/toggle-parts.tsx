import { FanFeature, HumidifierFeature, SirenFeature, lightCapabilities, supports } from "@/devices/presentation/features";
import { humanize } from "@/devices/presentation/state-wording";
import { brightnessPercent, withUnit } from "@/devices/presentation/value-format";
import { Choice, Slider, Switch } from "./primitives";
import { num, shown, str, strings, type ControlParts, type ControlProps } from "./control-types";

function onOffSwitch(p: ControlProps, service: { on: string; off: string } = { on: "turn_on", off: "turn_off" }) {
  const on = shown(p, "state", p.state.state) === "on";
  return (
    <Switch
      label={p.name}
      checked={on}
      busy={p.cmd.pending}
      disabled={p.disabled}
      onToggle={(next) => void p.cmd.run(p.domain, next ? service.on : service.off, {}, { state: next ? "on" : "off" })}
    />
  );
}

const onOffText = (p: ControlProps) => (shown(p, "state", p.state.state) === "on" ? "On" : "Off");

/** switch, input_boolean: one switch. */
export function toggleParts(p: ControlProps): ControlParts {
  return { stateText: onOffText(p), head: onOffSwitch(p) };
}

function rgbToHex(rgb: unknown): string {
  if (!Array.isArray(rgb) || rgb.length < 3) return "#ffffff";
  return `#${rgb
    .slice(0, 3)
    .map((c) => Math.max(0, Math.min(255, Math.round(Number(c)))).toString(16).padStart(2, "0"))
    .join("")}`;
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** light: switch, brightness, and (under "More") colour temperature, colour and effect as offered. */
export function lightParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const caps = lightCapabilities(a);
  const on = shown(p, "state", p.state.state) === "on";
  const brightness = brightnessPercent(shown(p, "brightness", on ? a.brightness : 0));
  const minK = num(a.min_color_temp_kelvin) ?? 2000;
  const maxK = num(a.max_color_temp_kelvin) ?? 6500;
  const kelvin = num(shown(p, "color_temp_kelvin", a.color_temp_kelvin)) ?? Math.round((minK + maxK) / 2);
  const more = caps.colorTemp || caps.color || caps.effects.length > 0;
  return {
    stateText: on ? (caps.brightness ? `On · ${brightness}%` : "On") : "Off",
    head: onOffSwitch(p),
    body: (
      <>
        {caps.brightness && (
          <Slider
            label={`${p.name} brightness`}
            caption="Brightness"
            value={brightness}
            min={0}
            max={100}
            unit="%"
            format={(pct) => (pct === 0 ? "Off" : `${pct}%`)}
            disabled={p.disabled}
            // Off reads as 0 and dragging up turns the light on at that level; back to 0 turns it off.
            onCommit={(pct) =>
              void (pct === 0
                ? p.cmd.run("light", "turn_off", {}, { state: "off" })
                : p.cmd.run("light", "turn_on", { brightness_pct: pct }, { state: "on", brightness: Math.round((pct / 100) * 255) }))
            }
          />
        )}
        {more && (
          <details className="more">
            <summary>Colour and effects</summary>
            <div className="more-body">
              {caps.colorTemp && (
                <Slider
                  label={`${p.name} colour temperature`}
                  caption="Warm to cool"
                  value={kelvin}
                  min={minK}
                  max={maxK}
                  step={50}
                  unit=" K"
                  disabled={p.disabled}
                  onCommit={(k) => void p.cmd.run("light", "turn_on", { color_temp_kelvin: k }, { state: "on", color_temp_kelvin: k })}
                />
              )}
              {caps.color && (
                <label className="color-field">
                  <span className="choice-label">Colour</span>
                  <input
                    type="color"
                    className="color-input"
                    aria-label={`${p.name} colour`}
                    value={rgbToHex(a.rgb_color)}
                    disabled={p.disabled}
                    onChange={(e) => void p.cmd.run("light", "turn_on", { rgb_color: hexToRgb(e.target.value) }, { state: "on" })}
                  />
                </label>
              )}
              {caps.effects.length > 0 && (
                <Choice
                  label={`${p.name} effect`}
                  caption="Effect"
                  value={str(a.effect) ?? undefined}
                  options={caps.effects}
                  display={humanize}
                  disabled={p.disabled}
                  onChange={(effect) => void p.cmd.run("light", "turn_on", { effect }, { effect })}
                />
              )}
            </div>
          </details>
        )}
      </>
    ),
  };
}

/** fan: switch, speed, oscillation, direction, preset. */
export function fanParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const on = shown(p, "state", p.state.state) === "on";
  const pct = num(shown(p, "percentage", a.percentage)) ?? 0;
  const step = num(a.percentage_step) ?? 1;
  const oscillating = shown(p, "oscillating", a.oscillating) === true;
  return {
    stateText: on ? (supports(a, FanFeature.SET_SPEED) ? `On · ${pct}%` : "On") : "Off",
    head: onOffSwitch(p),
    body: (
      <>
        {supports(a, FanFeature.SET_SPEED) && (
          <Slider label={`${p.name} speed`} caption="Speed" value={pct} min={0} max={100} step={step} unit="%" disabled={p.disabled} onCommit={(percentage) => void p.cmd.run("fan", "set_percentage", { percentage }, { percentage })} />
        )}
        {supports(a, FanFeature.OSCILLATE) && (
          <div className="inline-switch">
            <span>Oscillate</span>
            <Switch label={`${p.name} oscillation`} checked={oscillating} busy={p.cmd.pending} disabled={p.disabled} onToggle={(next) => void p.cmd.run("fan", "oscillate", { oscillating: next }, { oscillating: next })} />
          </div>
        )}
        {supports(a, FanFeature.DIRECTION) && (
          <Choice label={`${p.name} direction`} caption="Direction" value={str(a.direction)} options={["forward", "reverse"]} display={humanize} disabled={p.disabled} onChange={(direction) => void p.cmd.run("fan", "set_direction", { direction })} />
        )}
        {supports(a, FanFeature.PRESET_MODE) && strings(a.preset_modes).length > 0 && (
          <Choice label={`${p.name} preset`} caption="Preset" value={str(a.preset_mode)} options={strings(a.preset_modes)} display={humanize} disabled={p.disabled} onChange={(preset_mode) => void p.cmd.run("fan", "set_preset_mode", { preset_mode })} />
        )}
      </>
    ),
  };
}

/** humidifier: switch, target humidity, mode. */
export function humidifierParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const target = num(shown(p, "humidity", a.humidity));
  const current = num(a.current_humidity);
  const text = [onOffText(p), current !== undefined ? `${withUnit(String(current), "%")} now` : undefined].filter(Boolean).join(" · ");
  return {
    stateText: text,
    head: onOffSwitch(p),
    body: (
      <>
        {target !== undefined && (
          <Slider label={`${p.name} target humidity`} caption="Target humidity" value={target} min={num(a.min_humidity) ?? 0} max={num(a.max_humidity) ?? 100} unit="%" disabled={p.disabled} onCommit={(humidity) => void p.cmd.run("humidifier", "set_humidity", { humidity }, { humidity })} />
        )}
        {supports(a, HumidifierFeature.MODES) && strings(a.available_modes).length > 0 && (
          <Choice label={`${p.name} mode`} caption="Mode" value={str(a.mode)} options={strings(a.available_modes)} display={humanize} disabled={p.disabled} onChange={(mode) => void p.cmd.run("humidifier", "set_mode", { mode })} />
        )}
      </>
    ),
  };
}

/** siren: switch when it can be turned on and off, and a tone when it offers tones. */
export function sirenParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const tones = Array.isArray(a.available_tones) ? a.available_tones.map(String) : [];
  const switchable = supports(a, SirenFeature.TURN_ON) && supports(a, SirenFeature.TURN_OFF);
  return {
    stateText: onOffText(p),
    ...(switchable ? { head: onOffSwitch(p) } : {}),
    body:
      supports(a, SirenFeature.TONES) && tones.length > 0 ? (
        <Choice label={`${p.name} tone`} caption="Sound a tone" value={undefined} options={tones} disabled={p.disabled} onChange={(tone) => void p.cmd.run("siren", "turn_on", { tone }, { state: "on" })} />
      ) : undefined,
  };
}
