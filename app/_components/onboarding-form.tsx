"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { callApi } from "./api-client";
import { parseApiErrors, sentence } from "./form-errors";
import { TextField } from "./text-field";
import { TimeZoneField, detectTimeZone } from "./time-zone-field";

type Field = "name" | "username" | "password" | "confirm" | "locationName" | "timeZone" | "unitSystem";
type UnitSystem = "metric" | "us_customary";

const FIELD_ORDER: Field[] = ["name", "username", "password", "confirm", "locationName", "timeZone", "unitSystem"];
const fieldId = (field: Field) => `onboarding-${field}`;

const API_FIELDS: Record<string, Field> = {
  name: "name",
  username: "username",
  password: "password",
  location_name: "locationName",
  locationName: "locationName",
  time_zone: "timeZone",
  timeZone: "timeZone",
  unit_system: "unitSystem",
  unitSystem: "unitSystem",
};

// Regions that measure in miles and Fahrenheit.
const US_CUSTOMARY_REGIONS = new Set(["US", "LR", "MM"]);

/** First run: the owner's account, the home's name, time zone and units. */
export function OnboardingForm() {
  const [values, setValues] = useState({ name: "", username: "", password: "", confirm: "", locationName: "", timeZone: "" });
  const [unitSystem, setUnitSystem] = useState<UnitSystem>("metric");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [general, setGeneral] = useState<string>();
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setValues((v) => (v.timeZone ? v : { ...v, timeZone: detectTimeZone() }));
    const region = new Intl.Locale(navigator.language).maximize().region;
    if (region && US_CUSTOMARY_REGIONS.has(region)) setUnitSystem("us_customary");
  }, []);

  const set = (field: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    if (values.password !== values.confirm) {
      setErrors({ confirm: "The passwords don’t match." });
      summaryRef.current?.focus();
      return;
    }
    setBusy(true);
    const result = await callApi<{ user: unknown }>("/api/onboarding", {
      method: "POST",
      body: {
        name: values.name,
        username: values.username,
        password: values.password,
        location_name: values.locationName,
        time_zone: values.timeZone.trim(),
        unit_system: unitSystem,
      },
    });
    if (result.ok) {
      window.location.assign("/");
      return;
    }
    setBusy(false);
    if (result.error.status === 409) {
      setErrors({});
      setGeneral("This hub is already set up. Sign in instead.");
      return;
    }
    const parsed = parseApiErrors(result.error.message, API_FIELDS);
    setErrors(parsed.fields);
    setGeneral(parsed.general ?? (Object.keys(parsed.fields).length > 0 ? undefined : sentence(result.error.message)));
  }

  const problems = FIELD_ORDER.flatMap((field) => {
    const message = errors[field];
    return message ? [{ field, message }] : [];
  });
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
      <div ref={summaryRef} tabIndex={-1} className="form-summary">
        {(general || problems.length > 0) && (
          <div role="alert" className="alert alert-error">
            {general ? (
              <p>
                {general}
                {general.includes("Sign in") && (
                  <>
                    {" "}
                    <a href="/login">Go to sign in</a>
                  </>
                )}
              </p>
            ) : (
              <>
                <p>{problems.length === 1 ? "Please fix this:" : `Please fix these ${problems.length} things:`}</p>
                <ul className="alert-list">
                  {problems.map(({ field, message }) => (
                    <li key={field}>
                      <a
                        href={`#${fieldId(field)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          document.getElementById(fieldId(field))?.focus();
                        }}
                      >
                        {message}
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>

      <fieldset className="fieldset">
        <legend className="fieldset-legend">You</legend>
        <TextField id={fieldId("name")} label="Full name" name="name" autoComplete="name" value={values.name} onChange={set("name")} error={errors.name} />
        <TextField
          id={fieldId("username")}
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={values.username}
          onChange={set("username")}
          error={errors.username}
          hint="Letters, digits and _ . @ - only. You sign in with this."
        />
        <TextField
          id={fieldId("password")}
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          revealable
          value={values.password}
          onChange={set("password")}
          error={errors.password}
          hint="At least 8 characters."
        />
        <TextField
          id={fieldId("confirm")}
          label="Confirm password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={values.confirm}
          onChange={set("confirm")}
          error={errors.confirm}
        />
      </fieldset>

      <fieldset className="fieldset">
        <legend className="fieldset-legend">Your home</legend>
        <TextField
          id={fieldId("locationName")}
          label="Home name"
          name="location_name"
          placeholder="e.g. Seaside Cottage"
          value={values.locationName}
          onChange={set("locationName")}
          error={errors.locationName}
        />
        <TimeZoneField id={fieldId("timeZone")} value={values.timeZone} onChange={(timeZone) => setValues((v) => ({ ...v, timeZone }))} error={errors.timeZone} />
        <fieldset className="field choice-group" aria-describedby={errors.unitSystem ? "unit-error" : undefined}>
          <legend className="field-label">Units</legend>
          <div className="choices">
            <label className="choice">
              <input id={fieldId("unitSystem")} type="radio" name="unit_system" value="metric" checked={unitSystem === "metric"} onChange={() => setUnitSystem("metric")} />
              <span className="choice-text">
                <span className="choice-title">Metric</span>
                <span className="choice-detail">°C, km, kg</span>
              </span>
            </label>
            <label className="choice">
              <input
                type="radio"
                name="unit_system"
                value="us_customary"
                checked={unitSystem === "us_customary"}
                onChange={() => setUnitSystem("us_customary")}
              />
              <span className="choice-text">
                <span className="choice-title">US customary</span>
                <span className="choice-detail">°F, mi, lb</span>
              </span>
            </label>
          </div>
          {errors.unitSystem && (
            <p id="unit-error" className="field-error">
              {errors.unitSystem}
            </p>
          )}
        </fieldset>
      </fieldset>

      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? "Setting up…" : "Create account and start"}
      </button>
    </form>
  );
}
