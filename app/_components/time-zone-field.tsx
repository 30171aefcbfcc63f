"use client";
import { useEffect, useId, useMemo, useState } from "react";

interface TimeZoneFieldProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}

function supportedZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : [...zones, "UTC"];
}

function localTimeIn(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone, hour: "numeric", minute: "2-digit", weekday: "short" }).format(Date.now());
  } catch {
    return undefined;
  }
}

/** A searchable time zone input: type "Ber" and pick Europe/Berlin. Preset to this device's zone. */
export function TimeZoneField({ id: idProp, value, onChange, error }: TimeZoneFieldProps) {
  const generatedId = useId();
  const id = idProp ?? generatedId;
  // The list and the device's zone are only known in the browser; filled in after hydration.
  const [zones, setZones] = useState<string[]>([]);
  const [detected, setDetected] = useState<string>();
  useEffect(() => {
    setZones(supportedZones());
    setDetected(Intl.DateTimeFormat().resolvedOptions().timeZone);
  }, []);
  const known = useMemo(() => new Set(zones), [zones]);
  const localTime = value && (known.size === 0 || known.has(value)) ? localTimeIn(value) : undefined;
  const hint =
    value && localTime
      ? `${value === detected ? "From this device. " : ""}It’s ${localTime} there now.`
      : "Start typing a city, for example Berlin or New York.";
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id} className="field-label">
        Time zone
      </label>
      <input
        id={id}
        className="input"
        name="time_zone"
        list={`${id}-zones`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${error ? `${id}-error ` : ""}${id}-hint`}
      />
      <datalist id={`${id}-zones`}>
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
    </div>
  );
}

/** The device's zone, for the form's initial value. */
export function detectTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
