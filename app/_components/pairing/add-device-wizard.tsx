"use client";
import { useRef, useState } from "react";
import type { RoomView } from "@/server/hub-api";
import type { PairingDeviceView, PairingStartView } from "@/server/pairing/pairing-views";
import { callApi, goToLogin } from "../api-client";
import { KindStep, type KindChoice } from "./kind-step";
import { PermitJoin } from "./permit-join";
import { PlaceStep } from "./place-step";
import { SettingsStep } from "./settings-step";
import { WaitingStep } from "./waiting-step";

type Step = { at: "kind" } | { at: "setup"; started: PairingStartView } | { at: "place"; started: PairingStartView; device: PairingDeviceView };

const AFTER_CONNECT_HINT: Partial<Record<PairingStartView["kind"], string>> = {
  zigbee2mqtt: "The bridge announces each Zigbee device it knows. Use Permit join below to pair new ones.",
  shelly: "Shelly firmware does not announce its switches by itself; see the note above.",
};

/** The "Add device" wizard: firmware → settings and credentials → live wait → name and room. */
export function AddDeviceWizard({ rooms }: { rooms: RoomView[] }) {
  const [step, setStep] = useState<Step>({ at: "kind" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const top = useRef<HTMLDivElement>(null);

  const go = (next: Step) => {
    setStep(next);
    top.current?.scrollIntoView({ block: "start" });
  };

  const start = async (choice: KindChoice) => {
    setBusy(true);
    setError(undefined);
    const body = { kind: choice.kind, ...(choice.name ? { name: choice.name } : {}), ...(choice.kind === "zigbee2mqtt" ? { base_topic: choice.baseTopic } : {}) };
    const res = await callApi<PairingStartView>("/api/pairing", { method: "POST", body });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) goToLogin();
      setError(res.error.message);
      return;
    }
    go({ at: "setup", started: res.data });
  };

  const index = step.at === "kind" ? 0 : step.at === "setup" ? 1 : 3;
  return (
    <div className="wizard" ref={top}>
      <ol className="wizard-progress" aria-label={`Step ${index + 1} of 4`}>
        {[0, 1, 2, 3].map((i) => (
          <li key={i} data-done={i <= index} />
        ))}
      </ol>
      {step.at === "kind" && <KindStep busy={busy} error={error} onNext={(c) => void start(c)} />}
      {step.at === "setup" && (
        <>
          <SettingsStep started={step.started} />
          <WaitingStep
            sessionId={step.started.session_id}
            username={step.started.username}
            hint={AFTER_CONNECT_HINT[step.started.kind]}
            onPick={(device) => go({ at: "place", started: step.started, device })}
          />
          {step.started.kind === "zigbee2mqtt" && step.started.base_topic && <PermitJoin baseTopic={step.started.base_topic} />}
        </>
      )}
      {step.at === "place" && (
        <PlaceStep
          device={step.device}
          rooms={rooms}
          onBack={() => go({ at: "setup", started: step.started })}
          onAnother={() => go({ at: "kind" })}
        />
      )}
    </div>
  );
}
