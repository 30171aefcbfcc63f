"use client";
import { useId, useState } from "react";
import { DEFAULT_Z2M_BASE_TOPIC, PAIRING_KIND_LABELS, PAIRING_KINDS, type PairingKind } from "@/devices/onboarding/firmware-snippets";

const DETAILS: Record<PairingKind, string> = {
  zigbee2mqtt: "A Zigbee coordinator running Zigbee2MQTT; then pair Zigbee devices through it",
  tasmota: "Plugs, switches and bulbs flashed with Tasmota",
  esphome: "ESP32/ESP8266 boards built with ESPHome",
  shelly: "Shelly Plus, Pro and Gen3 relays and plugs",
  generic: "Anything that speaks MQTT with Home Assistant discovery",
};

export interface KindChoice {
  kind: PairingKind;
  name: string;
  baseTopic: string;
}

/** Step 1: which firmware the new device runs, and a name used for its MQTT topic. */
export function KindStep({ busy, error, onNext }: { busy: boolean; error: string | undefined; onNext: (choice: KindChoice) => void }) {
  const id = useId();
  const [kind, setKind] = useState<PairingKind | undefined>();
  const [name, setName] = useState("");
  const [baseTopic, setBaseTopic] = useState(DEFAULT_Z2M_BASE_TOPIC);
  return (
    <form
      className="card stack"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (kind) onNext({ kind, name: name.trim(), baseTopic: baseTopic.trim() || DEFAULT_Z2M_BASE_TOPIC });
      }}
    >
      <h2 id={`${id}-title`} className="card-title">
        What are you adding?
      </h2>
      <fieldset className="choice-group">
        <legend className="field-label">Firmware</legend>
        <div className="kind-choices">
          {PAIRING_KINDS.map((k) => (
            <label key={k} className="choice">
              <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span className="choice-text">
                <span className="choice-title">{PAIRING_KIND_LABELS[k]}</span>
                <span className="choice-detail">{DETAILS[k]}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-name`} className="field-label">
          Name <span className="muted">(optional)</span>
        </label>
        <input id={`${id}-name`} className="input" value={name} maxLength={80} placeholder="Kitchen plug" onChange={(e) => setName(e.target.value)} />
        <span className="field-hint muted small">Used for the device’s MQTT topic and the login’s description.</span>
      </div>
      {kind === "zigbee2mqtt" && (
        <div className="field">
          <label htmlFor={`${id}-base`} className="field-label">
            Zigbee2MQTT base topic
          </label>
          <input id={`${id}-base`} className="input mono" value={baseTopic} maxLength={128} autoCapitalize="off" autoCorrect="off" spellCheck={false} onChange={(e) => setBaseTopic(e.target.value)} />
        </div>
      )}
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={!kind || busy}>
        {busy ? "Creating a login…" : "Get connection settings"}
      </button>
    </form>
  );
}
