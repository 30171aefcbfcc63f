"use client";
import { useRef, useState, type FormEvent } from "react";
import { callApi } from "./api-client";
import { sentence } from "./form-errors";
import { TextField } from "./text-field";

/** Username and password; on success the browser goes to `next` (a same-origin path). */
export function LoginForm({ next }: { next: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError("Enter your username and password.");
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await callApi("/api/auth/login", { method: "POST", body: { username, password } });
    if (result.ok) {
      window.location.assign(next);
      return;
    }
    setBusy(false);
    if (result.error.status === 401) {
      setError("Wrong username or password.");
      setPassword("");
      passwordRef.current?.focus();
    } else {
      setError(sentence(result.error.message));
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
      {error && (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      )}
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        ref={passwordRef}
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        revealable
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
