import { ClimateFeature, WaterHeaterFeature, supports } from "@/devices/presentation/features";
import { humanize, modeWording, stateWording } from "@/devices/presentation/state-wording";
import { formatNumber, withUnit } from "@/devices/presentation/value-format";
import { Action, Choice, Slider, Switch } from "./primitives";
import { num, shown, str, strings, type ControlParts, type ControlProps } from "./control-types";

function decimals(step: number): number {
  const text = String(step);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** A set point: −/+ buttons for one-handed nudges and a slider for big moves. */
function TargetTemperature({ p, service, value, min, max, step }: { p: ControlProps; service: { domain: string; name: string }; value: number; min: number; max: number; step: number }) {
  const digits = decimals(step);
  const fmt = (v: number) => withUnit(formatNumber(v, digits), p.temperatureUnit);
  const send = (v: number) => {
    const temperature = Math.min(max, Math.max(min, Math.round(v / step) * step));
    void p.cmd.run(service.domain, service.name, { temperature }, { temperature });
  };
  return (
    <div className="setpoint">
      <Action label={`Lower ${p.name} target temperature`} disabled={p.disabled || value <= min} onClick={() => send(value - step)}>
        −
      </Action>
      <Slider label={`${p.name} target temperature`} caption="Target" value={value} min={min} max={max} step={step} format={fmt} disabled={p.disabled} onCommit={send} />
      <Action label={`Raise ${p.name} target temperature`} disabled={p.disabled || value >= max} onClick={() => send(value + step)}>
        +
      </Action>
    </div>
  );
}

/** climate: HVAC mode, target temperature (or range), current temperature, presets and fan modes. */
export function climateParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const mode = shown(p, "state", p.state.state);
  const current = num(a.current_temperature);
  const target = num(shown(p, "temperature", a.temperature));
  const action = str(a.hvac_action);
  const stateText = [
    stateWording(p.entityId, mode),
    action && action !== "idle" && action !== "off" ? humanize(action) : undefined,
    current !== undefined ? `${withUnit(formatNumber(current), p.temperatureUnit)} now` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
  const low = num(a.target_temp_low);
  const high = num(a.target_temp_high);
  return {
    stateText,
    body: (
      <>
        {supports(a, ClimateFeature.TARGET_TEMPERATURE) && target !== undefined && mode !== "off" && (
          <TargetTemperature p={p} service={{ domain: "climate", name: "set_temperature" }} value={target} min={num(a.min_temp) ?? 7} max={num(a.max_temp) ?? 35} step={num(a.target_temp_step) ?? 0.5} />
        )}
        {supports(a, ClimateFeature.TARGET_TEMPERATURE_RANGE) && low !== undefined && high !== undefined && (
          <p className="muted small">
            Range {withUnit(formatNumber(low), p.temperatureUnit)} – {withUnit(formatNumber(high), p.temperatureUnit)}
          </p>
        )}
        {strings(a.hvac_modes).length > 0 && (
          <Choice label={`${p.name} mode`} caption="Mode" value={mode} options={strings(a.hvac_modes)} display={modeWording} disabled={p.disabled} onChange={(hvac_mode) => void p.cmd.run("climate", "set_hvac_mode", { hvac_mode }, { state: hvac_mode })} />
        )}
        {supports(a, ClimateFeature.PRESET_MODE) && strings(a.preset_modes).length > 0 && (
          <Choice label={`${p.name} preset`} caption="Preset" value={str(a.preset_mode)} options={strings(a.preset_modes)} display={humanize} disabled={p.disabled} onChange={(preset_mode) => void p.cmd.run("climate", "set_preset_mode", { preset_mode })} />
        )}
        {supports(a, ClimateFeature.FAN_MODE) && strings(a.fan_modes).length > 0 && (
          <Choice label={`${p.name} fan mode`} caption="Fan" value={str(a.fan_mode)} options={strings(a.fan_modes)} display={humanize} disabled={p.disabled} onChange={(fan_mode) => void p.cmd.run("climate", "set_fan_mode", { fan_mode })} />
        )}
      </>
    ),
  };
}

/** water_heater: operation mode, target temperature, away mode, on/off. */
export function waterHeaterParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const current = num(a.current_temperature);
  const target = num(shown(p, "temperature", a.temperature));
  const mode = shown(p, "state", p.state.state);
  const away = shown(p, "away_mode", a.away_mode) === "on";
  return {
    stateText: [stateWording(p.entityId, mode), current !== undefined ? `${withUnit(formatNumber(current), p.temperatureUnit)} now` : undefined].filter(Boolean).join(" · "),
    body: (
      <>
        {supports(a, WaterHeaterFeature.TARGET_TEMPERATURE) && target !== undefined && (
          <TargetTemperature p={p} service={{ domain: "water_heater", name: "set_temperature" }} value={target} min={num(a.min_temp) ?? 40} max={num(a.max_temp) ?? 60} step={num(a.target_temp_step) ?? 1} />
        )}
        {supports(a, WaterHeaterFeature.OPERATION_MODE) && strings(a.operation_list).length > 0 && (
          <Choice label={`${p.name} operation mode`} caption="Mode" value={mode} options={strings(a.operation_list)} display={(m) => stateWording(p.entityId, m)} disabled={p.disabled} onChange={(operation_mode) => void p.cmd.run("water_heater", "set_operation_mode", { operation_mode }, { state: operation_mode })} />
        )}
        {supports(a, WaterHeaterFeature.AWAY_MODE) && (
          <div className="inline-switch">
            <span>Away mode</span>
            <Switch label={`${p.name} away mode`} checked={away} busy={p.cmd.pending} disabled={p.disabled} onToggle={(next) => void p.cmd.run("water_heater", "set_away_mode", { away_mode: next }, { away_mode: next ? "on" : "off" })} />
          </div>
        )}
        {supports(a, WaterHeaterFeature.ON_OFF) && (
          <div className="action-row">
            <Action label={`Turn on ${p.name}`} disabled={p.disabled || mode !== "off"} onClick={() => void p.cmd.run("water_heater", "turn_on")}>
              Turn on
            </Action>
            <Action label={`Turn off ${p.name}`} disabled={p.disabled || mode === "off"} onClick={() => void p.cmd.run("water_heater", "turn_off", {}, { state: "off" })}>
              Turn off
            </Action>
          </div>
        )}
      </>
    ),
  };
}
