"use client";
import { useState } from "react";
import { callApi } from "./api-client";

/** Ends this session and returns to the login page. */
export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          void callApi("/api/auth/logout", { method: "POST" }).then((result) => {
            if (result.ok) {
              window.location.assign("/login");
            } else {
              setBusy(false);
              setError(result.error.message);
            }
          });
        }}
      >
        {busy ? "Logging out…" : "Log out"}
      </button>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
    </>
  );
}
