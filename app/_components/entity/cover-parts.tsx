import { CoverFeature, ValveFeature, supports } from "@/devices/presentation/features";
import { stateWording } from "@/devices/presentation/state-wording";
import { Action, Slider } from "./primitives";
import { num, shown, type ControlParts, type ControlProps } from "./control-types";

function positionText(p: ControlProps, position: number | undefined): string {
  const words = stateWording(p.entityId, shown(p, "state", p.state.state));
  return position !== undefined && position > 0 && position < 100 ? `${words} · ${position}%` : words;
}

/** cover: open / stop / close as offered, position and tilt. */
export function coverParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const position = num(shown(p, "current_position", a.current_position));
  const tilt = num(shown(p, "current_tilt_position", a.current_tilt_position));
  const s = p.state.state;
  return {
    stateText: positionText(p, position),
    body: (
      <>
        <div className="action-row">
          {supports(a, CoverFeature.OPEN) && (
            <Action label={`Open ${p.name}`} disabled={p.disabled || s === "open" || s === "opening"} onClick={() => void p.cmd.run("cover", "open_cover", {}, {})}>
              Open
            </Action>
          )}
          {supports(a, CoverFeature.STOP) && (
            <Action label={`Stop ${p.name}`} disabled={p.disabled} onClick={() => void p.cmd.run("cover", "stop_cover")}>
              Stop
            </Action>
          )}
          {supports(a, CoverFeature.CLOSE) && (
            <Action label={`Close ${p.name}`} disabled={p.disabled || s === "closed" || s === "closing"} onClick={() => void p.cmd.run("cover", "close_cover", {}, {})}>
              Close
            </Action>
          )}
        </div>
        {supports(a, CoverFeature.SET_POSITION) && (
          <Slider label={`${p.name} position`} caption="Position" value={position ?? 0} min={0} max={100} unit="%" disabled={p.disabled} onCommit={(v) => void p.cmd.run("cover", "set_cover_position", { position: v }, { current_position: v })} />
        )}
        {supports(a, CoverFeature.SET_TILT_POSITION) ? (
          <Slider label={`${p.name} tilt`} caption="Tilt" value={tilt ?? 0} min={0} max={100} unit="%" disabled={p.disabled} onCommit={(v) => void p.cmd.run("cover", "set_cover_tilt_position", { tilt_position: v }, { current_tilt_position: v })} />
        ) : (
          (supports(a, CoverFeature.OPEN_TILT) || supports(a, CoverFeature.CLOSE_TILT)) && (
            <div className="action-row">
              {supports(a, CoverFeature.OPEN_TILT) && (
                <Action label={`Open ${p.name} tilt`} disabled={p.disabled} onClick={() => void p.cmd.run("cover", "open_cover_tilt")}>
                  Tilt open
                </Action>
              )}
              {supports(a, CoverFeature.STOP_TILT) && (
                <Action label={`Stop ${p.name} tilt`} disabled={p.disabled} onClick={() => void p.cmd.run("cover", "stop_cover_tilt")}>
                  Stop tilt
                </Action>
              )}
              {supports(a, CoverFeature.CLOSE_TILT) && (
                <Action label={`Close ${p.name} tilt`} disabled={p.disabled} onClick={() => void p.cmd.run("cover", "close_cover_tilt")}>
                  Tilt closed
                </Action>
              )}
            </div>
          )
        )}
      </>
    ),
  };
}

/** valve: open / stop / close and position when it reports one. */
export function valveParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const position = num(shown(p, "current_position", a.current_position));
  const s = p.state.state;
  return {
    stateText: positionText(p, position),
    body: (
      <>
        <div className="action-row">
          {supports(a, ValveFeature.OPEN) && (
            <Action label={`Open ${p.name}`} disabled={p.disabled || s === "open"} onClick={() => void p.cmd.run("valve", "open_valve")}>
              Open
            </Action>
          )}
          {supports(a, ValveFeature.STOP) && (
            <Action label={`Stop ${p.name}`} disabled={p.disabled} onClick={() => void p.cmd.run("valve", "stop_valve")}>
              Stop
            </Action>
          )}
          {supports(a, ValveFeature.CLOSE) && (
            <Action label={`Close ${p.name}`} disabled={p.disabled || s === "closed"} onClick={() => void p.cmd.run("valve", "close_valve")}>
              Close
            </Action>
          )}
        </div>
        {supports(a, ValveFeature.SET_POSITION) && (
          <Slider label={`${p.name} position`} caption="Position" value={position ?? 0} min={0} max={100} unit="%" disabled={p.disabled} onCommit={(v) => void p.cmd.run("valve", "set_valve_position", { position: v }, { current_position: v })} />
        )}
      </>
    ),
  };
}
