"use client";
import { useState, type FormEvent } from "react";
import { callApi, goToLogin } from "./api-client";
import { parseApiErrors, sentence } from "./form-errors";
import { TextField } from "./text-field";

/** Change the password: the current one is required; every other session is signed out. */
export function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ current?: string | undefined; next?: string | undefined }>({});
  const [notice, setNotice] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setNotice(undefined);
    const result = await callApi("/api/auth/password", { method: "POST", body: { current_password: current, new_password: next } });
    setBusy(false);
    if (!result.ok) {
      if (result.error.status === 401) goToLogin();
      if (result.error.status === 403) return setErrors({ current: sentence(result.error.message) });
      const parsed = parseApiErrors(result.error.message, { new_password: "next", password: "next" });
      return setErrors({ next: parsed.fields.next ?? parsed.general ?? sentence(result.error.message) });
    }
    setCurrent("");
    setNext("");
    setNotice("Password changed. Your other sessions were signed out.");
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      <TextField label="Current password" type="password" revealable autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.current} />
      <TextField label="New password" type="password" revealable autoComplete="new-password" hint="At least 8 characters." value={next} onChange={(e) => setNext(e.target.value)} error={errors.next} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </div>
      <p role="status" className="muted">
        {notice}
      </p>
    </form>
  );
}
