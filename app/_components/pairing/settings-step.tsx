"use client";
import Link from "next/link";
import { useId, useMemo, useState } from "react";
import { firmwareSnippet, PAIRING_KIND_LABELS } from "@/devices/onboarding/firmware-snippets";
import type { PairingStartView } from "@/server/pairing/pairing-views";
import { CopyButton } from "../copy-button";
import { QrCode } from "./qr-code";

function Setting({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="address">
      <dt>{label}</dt>
      <dd>
        <code className="address-value" data-setting={label}>
          {value}
        </code>
        <CopyButton value={value} label="Copy" iconOnly accessibleName={`Copy ${copyLabel}`} className="btn btn-ghost btn-copy" />
      </dd>
    </div>
  );
}

/** Step 2: where to connect, the new login, the snippet for the firmware and a QR code of it. */
export function SettingsStep({ started }: { started: PairingStartView }) {
  const id = useId();
  const [host, setHost] = useState(started.hosts[0]?.address ?? "127.0.0.1");
  const port = started.port ?? 1883;
  // The server's snippet is for the first host; another host is a pure re-render of the same generator.
  const snippet = useMemo(
    () =>
      host === started.hosts[0]?.address
        ? started.snippet
        : firmwareSnippet({
            kind: started.kind,
            host,
            port,
            username: started.username,
            password: started.password,
            discoveryPrefix: started.discovery_prefix,
            deviceTopic: started.name ?? undefined,
            baseTopic: started.base_topic ?? undefined,
          }),
    [host, port, started],
  );
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Settings for your {PAIRING_KIND_LABELS[started.kind]}
      </h2>
      {started.port === null && (
        <p className="note note-warn">
          <strong>The MQTT TCP listener is off</strong> (HEARTH_MQTT_PORT=0). Devices can’t connect until it is turned on.
        </p>
      )}
      {started.hosts.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-host`} className="field-label">
            Hub address for the device
          </label>
          <select id={`${id}-host`} className="input select" value={host} onChange={(e) => setHost(e.target.value)}>
            {started.hosts.map((h) => (
              <option key={h.address} value={h.address}>
                {h.address} — {h.label}
              </option>
            ))}
          </select>
          <span className="field-hint muted small">Pick an address the device can reach. Many devices can’t resolve .local names; an IP address always works.</span>
        </div>
      )}
      <dl className="addresses" aria-label="Connection settings">
        <Setting label="Broker address" value={host} copyLabel="the broker address" />
        <Setting label="Port" value={String(port)} copyLabel="the port" />
        {started.tls_port !== null && <Setting label="TLS port" value={String(started.tls_port)} copyLabel="the TLS port" />}
        <Setting label="Username" value={started.username} copyLabel="the username" />
        <Setting label="Password" value={started.password} copyLabel="the password" />
      </dl>
      <p className="note note-warn small">
        <strong>The password is shown only now.</strong> It’s saved as a login under <Link href="/settings/mqtt">MQTT users</Link>, where you can revoke it.
      </p>
      <div className="stack">
        <div className="snippet-head">
          <h3 className="field-label">Paste into {snippet.target}</h3>
          <CopyButton value={snippet.text} label="Copy snippet" className="btn btn-secondary" />
        </div>
        <pre className="snippet" aria-label={`Settings for ${snippet.target}`}>
          {snippet.text}
        </pre>
        <ul className="snippet-notes">
          {snippet.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </div>
      <div className="qr-block">
        <QrCode value={snippet.text} label={`QR code of the settings for ${snippet.target}`} size={220} />
        <span className="muted small">Scan with the phone you configure the device from, to copy the settings there.</span>
      </div>
    </section>
  );
}
