"use client";
import { useState } from "react";
import { AlarmFeature, LockFeature, UpdateFeature, VacuumFeature, supports } from "@/devices/presentation/features";
import { stateWording } from "@/devices/presentation/state-wording";
import { formatAgo, withUnit } from "@/devices/presentation/value-format";
import { ConfirmDialog } from "../confirm-dialog";
import { Action } from "./primitives";
import { num, shown, str, type ControlParts, type ControlProps } from "./control-types";

function CodeField({ label, value, onChange, numeric }: { label: string; value: string; onChange: (v: string) => void; numeric: boolean }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input className="input" type="password" autoComplete="off" inputMode={numeric ? "numeric" : "text"} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** Unlocking (and opening) asks first: a tap in a pocket must not open the front door. */
function LockBody({ p }: { p: ControlProps }) {
  const [asking, setAsking] = useState<"unlock" | "open" | undefined>();
  const [code, setCode] = useState("");
  const a = p.state.attributes;
  const needsCode = typeof a.code_format === "string" && a.code_format.length > 0;
  const s = shown(p, "state", p.state.state);
  const run = (service: "lock" | "unlock" | "open") => {
    const target = service === "lock" ? "locked" : service === "unlock" ? "unlocked" : "open";
    void p.cmd.run("lock", service, needsCode && code ? { code } : {}, { state: target });
    setAsking(undefined);
    setCode("");
  };
  return (
    <>
      <div className="action-row">
        <Action label={`Lock ${p.name}`} disabled={p.disabled || s === "locked" || s === "locking"} onClick={() => run("lock")}>
          Lock
        </Action>
        <Action label={`Unlock ${p.name}`} tone="danger" disabled={p.disabled || s === "unlocked" || s === "unlocking"} onClick={() => setAsking("unlock")}>
          Unlock
        </Action>
        {supports(a, LockFeature.OPEN) && (
          <Action label={`Open ${p.name}`} tone="danger" disabled={p.disabled || s === "open"} onClick={() => setAsking("open")}>
            Open
          </Action>
        )}
      </div>
      <ConfirmDialog
        open={asking !== undefined}
        title={asking === "open" ? `Open ${p.name}?` : `Unlock ${p.name}?`}
        message={asking === "open" ? "This opens the door." : "Anyone can open it while it is unlocked."}
        confirmLabel={asking === "open" ? "Open" : "Unlock"}
        onConfirm={() => run(asking ?? "unlock")}
        onCancel={() => setAsking(undefined)}
      >
        {needsCode && <CodeField label="Code" value={code} onChange={setCode} numeric={/^\^?\\d/.test(String(a.code_format))} />}
      </ConfirmDialog>
    </>
  );
}

export function lockParts(p: ControlProps): ControlParts {
  return { stateText: stateWording(p.entityId, shown(p, "state", p.state.state)), body: <LockBody p={p} /> };
}

/** button: press. */
export function buttonParts(p: ControlProps): ControlParts {
  const last = Date.parse(p.state.state);
  return {
    stateText: Number.isNaN(last) ? "Never pressed" : `Pressed ${formatAgo(last, p.now)}`,
    head: (
      <Action label={`Press ${p.name}`} tone="primary" disabled={p.disabled} onClick={() => void p.cmd.run("button", "press")}>
        Press
      </Action>
    ),
  };
}

/** scene: activate. */
export function sceneParts(p: ControlProps): ControlParts {
  const last = Date.parse(p.state.state);
  return {
    stateText: Number.isNaN(last) ? "Scene" : `Activated ${formatAgo(last, p.now)}`,
    head: (
      <Action label={`Activate ${p.name}`} tone="primary" disabled={p.disabled} onClick={() => void p.cmd.run("scene", "turn_on")}>
        Activate
      </Action>
    ),
  };
}

/** vacuum and lawn_mower: start, pause, stop, dock, locate as offered. */
export function vacuumParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const mower = p.domain === "lawn_mower";
  const battery = num(a.battery_level);
  const start = mower ? "start_mowing" : "start";
  const dock = mower ? "dock" : "return_to_base";
  const can = (flag: number) => mower || supports(a, flag);
  return {
    stateText: [stateWording(p.entityId, shown(p, "state", p.state.state)), battery !== undefined ? `battery ${withUnit(String(battery), "%")}` : undefined].filter(Boolean).join(" · "),
    body: (
      <div className="action-row">
        {can(VacuumFeature.START) && (
          <Action label={`Start ${p.name}`} tone="primary" disabled={p.disabled} onClick={() => void p.cmd.run(p.domain, start)}>
            Start
          </Action>
        )}
        {can(VacuumFeature.PAUSE) && (
          <Action label={`Pause ${p.name}`} disabled={p.disabled} onClick={() => void p.cmd.run(p.domain, "pause")}>
            Pause
          </Action>
        )}
        {!mower && supports(a, VacuumFeature.STOP) && (
          <Action label={`Stop ${p.name}`} disabled={p.disabled} onClick={() => void p.cmd.run(p.domain, "stop")}>
            Stop
          </Action>
        )}
        {can(VacuumFeature.RETURN_HOME) && (
          <Action label={`Send ${p.name} to its dock`} disabled={p.disabled} onClick={() => void p.cmd.run(p.domain, dock)}>
            Dock
          </Action>
        )}
        {!mower && supports(a, VacuumFeature.LOCATE) && (
          <Action label={`Locate ${p.name}`} disabled={p.disabled} onClick={() => void p.cmd.run(p.domain, "locate")}>
            Locate
          </Action>
        )}
      </div>
    ),
  };
}

const ARM_ACTIONS = [
  { flag: AlarmFeature.ARM_HOME, service: "alarm_arm_home", label: "Arm home", state: "armed_home" },
  { flag: AlarmFeature.ARM_AWAY, service: "alarm_arm_away", label: "Arm away", state: "armed_away" },
  { flag: AlarmFeature.ARM_NIGHT, service: "alarm_arm_night", label: "Arm night", state: "armed_night" },
  { flag: AlarmFeature.ARM_VACATION, service: "alarm_arm_vacation", label: "Arm vacation", state: "armed_vacation" },
  { flag: AlarmFeature.ARM_CUSTOM_BYPASS, service: "alarm_arm_custom_bypass", label: "Arm custom", state: "armed_custom_bypass" },
] as const;

/** alarm_control_panel: code entry (when the panel wants one), disarm and the arm modes it offers. */
function AlarmBody({ p }: { p: ControlProps }) {
  const [code, setCode] = useState("");
  const a = p.state.attributes;
  const format = str(a.code_format);
  const needsCode = format === "number" || format === "text";
  const armNeedsCode = needsCode && a.code_arm_required !== false;
  const s = p.state.state;
  const send = (service: string, withCode: boolean, state: string) => {
    void p.cmd.run("alarm_control_panel", service, withCode && code ? { code } : {}, { state });
    setCode("");
  };
  return (
    <div className="stack-sm">
      {needsCode && <CodeField label={`${p.name} code`} value={code} onChange={setCode} numeric={format === "number"} />}
      <div className="action-row">
        {s !== "disarmed" && (
          <Action label={`Disarm ${p.name}`} tone="primary" disabled={p.disabled || (needsCode && !code)} onClick={() => send("alarm_disarm", true, "disarmed")}>
            Disarm
          </Action>
        )}
        {ARM_ACTIONS.filter((x) => supports(a, x.flag)).map((x) => (
          <Action key={x.service} label={`${x.label} ${p.name}`} disabled={p.disabled || s === x.state || (armNeedsCode && !code)} onClick={() => send(x.service, armNeedsCode, x.state)}>
            {x.label}
          </Action>
        ))}
        {supports(a, AlarmFeature.TRIGGER) && (
          <Action label={`Trigger ${p.name}`} tone="danger" disabled={p.disabled} onClick={() => send("alarm_trigger", needsCode, "triggered")}>
            Trigger
          </Action>
        )}
      </div>
    </div>
  );
}

export function alarmParts(p: ControlProps): ControlParts {
  return { stateText: stateWording(p.entityId, shown(p, "state", p.state.state)), body: <AlarmBody p={p} /> };
}

/** update: installed and latest versions; install with progress. */
export function updateParts(p: ControlProps): ControlParts {
  const a = p.state.attributes;
  const installed = str(a.installed_version);
  const latest = str(a.latest_version);
  const inProgress = a.in_progress === true || typeof a.in_progress === "number";
  const percent = num(a.update_percentage) ?? (typeof a.in_progress === "number" ? a.in_progress : undefined);
  return {
    stateText: inProgress ? (percent !== undefined ? `Installing · ${percent}%` : "Installing") : stateWording(p.entityId, p.state.state),
    body: (
      <div className="stack-sm">
        <dl className="versions">
          <div>
            <dt>Installed</dt>
            <dd>{installed ?? "—"}</dd>
          </div>
          <div>
            <dt>Latest</dt>
            <dd>{latest ?? "—"}</dd>
          </div>
        </dl>
        {inProgress && <progress className="progress" aria-label={`${p.name} install progress`} max={100} value={percent} />}
        {supports(a, UpdateFeature.INSTALL) && p.state.state === "on" && !inProgress && (
          <Action label={`Install update for ${p.name}`} tone="primary" disabled={p.disabled} onClick={() => void p.cmd.run("update", "install")}>
            Install {latest ?? "update"}
          </Action>
        )}
      </div>
    ),
  };
}
