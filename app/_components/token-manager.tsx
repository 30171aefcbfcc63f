"use client";
import { useState, type FormEvent } from "react";
import type { ApiTokenView } from "@/server/hub-api";
import { callApi, goToLogin, type ApiError } from "./api-client";
import { ConfirmDialog } from "./confirm-dialog";
import { parseApiErrors, sentence } from "./form-errors";
import { formatDate, formatRelative } from "./format";
import { SecretReveal } from "./secret-reveal";
import { TextField } from "./text-field";
import { useNow } from "./use-now";

/** Long-lived API tokens: create one (shown once), see when each was used, revoke. */
export function TokenManager({ initial, renderedAt, timeZone }: { initial: ApiTokenView[]; renderedAt: number; timeZone: string }) {
  const now = useNow(renderedAt);
  const [tokens, setTokens] = useState(initial);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; name: string }>();
  const [revoking, setRevoking] = useState<ApiTokenView>();
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  function failed(error: ApiError): string {
    if (error.status === 401) goToLogin();
    return sentence(error.message);
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (creating) return;
    setCreating(true);
    setNameError(undefined);
    setNotice(undefined);
    const result = await callApi<{ token: string; info: ApiTokenView }>("/api/auth/tokens", { method: "POST", body: { name } });
    setCreating(false);
    if (!result.ok) {
      const parsed = parseApiErrors(result.error.message, { name: "name", token: "name" });
      setNameError(parsed.fields.name ?? parsed.general ?? failed(result.error));
      return;
    }
    setTokens((list) => [...list, result.data.info]);
    setCreated({ token: result.data.token, name: result.data.info.name });
    setName("");
  }

  async function revoke(token: ApiTokenView) {
    setRevokeBusy(true);
    setRevokeError(undefined);
    const result = await callApi(`/api/auth/tokens/${token.id}`, { method: "DELETE" });
    setRevokeBusy(false);
    if (!result.ok && result.error.status !== 404) {
      setRevokeError(failed(result.error));
      return;
    }
    setTokens((list) => list.filter((t) => t.id !== token.id));
    if (created?.name === token.name) setCreated(undefined);
    setRevoking(undefined);
    setNotice(`Token “${token.name}” revoked.`);
  }

  return (
    <div className="stack">
      {created ? (
        <SecretReveal
          title={`Token “${created.name}” created`}
          label="New API token"
          secret={created.token}
          copyLabel="Copy token"
          onDone={() => setCreated(undefined)}
        >
          <p className="muted">
            Send it as <code>Authorization: Bearer …</code> from scripts and apps.
          </p>
        </SecretReveal>
      ) : (
        <form className="inline-form" onSubmit={(e) => void create(e)} noValidate>
          <TextField
            label="Token name"
            name="token_name"
            placeholder="e.g. Kitchen tablet"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={nameError}
            autoComplete="off"
          />
          <button type="submit" className="btn btn-primary" disabled={creating}>
            {creating ? "Creating…" : "Create token"}
          </button>
        </form>
      )}

      <p className="visually-hidden" role="status">
        {notice}
      </p>

      <h3 className="subhead">
        Your tokens <span className="count">{tokens.length}</span>
      </h3>
      {tokens.length === 0 ? (
        <p className="empty-inline">No tokens yet. Create one for each script or app, so you can revoke them one at a time.</p>
      ) : (
        <ul className="items" aria-label="API tokens">
          {tokens.map((token) => (
            <li key={token.id} className="item">
              <div className="item-main">
                <span className="item-title">{token.name}</span>
                <span className="item-meta">
                  Created {formatDate(token.createdAt, timeZone)} ·{" "}
                  {token.lastUsedAt ? `last used ${formatRelative(token.lastUsedAt, now, timeZone)}` : "never used"}
                </span>
              </div>
              <div className="item-actions">
                <button
                  type="button"
                  className="btn btn-danger-ghost"
                  aria-label={`Revoke ${token.name}`}
                  onClick={() => {
                    setRevokeError(undefined);
                    setRevoking(token);
                  }}
                >
                  Revoke
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        message="Anything using this token stops working at once. This can’t be undone."
        confirmLabel="Revoke token"
        busy={revokeBusy}
        error={revokeError}
        onConfirm={() => {
          if (revoking) void revoke(revoking);
        }}
        onCancel={() => setRevoking(undefined)}
      />
    </div>
  );
}
