"use client";
import { useState, type FormEvent } from "react";
import type { MqttUserView } from "@/server/hub-api";
import { callApi, goToLogin, type ApiError } from "./api-client";
import { ConfirmDialog } from "./confirm-dialog";
import { parseApiErrors, sentence } from "./form-errors";
import { formatDate, formatRelative } from "./format";
import { SecretReveal } from "./secret-reveal";
import { TextField } from "./text-field";
import { useNow } from "./use-now";
import { usePolling } from "./use-polling";
import { FormAlerts } from "./form-alerts";
import { MqttAclEditor } from "./mqtt-acl-editor";

type Field = "username" | "password" | "description";
type Pending = { kind: "revoke" | "regenerate"; username: string };

const REFRESH_MS = 5000;

/** MQTT logins for devices: add (password shown once), watch connections, new password, revoke. */
export function MqttUserManager({
  initial,
  renderedAt,
  timeZone,
  brokerUrl,
}: {
  initial: MqttUserView[];
  renderedAt: number;
  timeZone: string;
  brokerUrl: string | undefined;
}) {
  const now = useNow(renderedAt);
  const [users, setUsers] = useState(initial);
  const [form, setForm] = useState({ username: "", description: "", password: "" });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ username: string; password: string; isNew: boolean }>();
  const [pending, setPending] = useState<Pending>();
  const [aclOpen, setAclOpen] = useState<string>();
  const [pendingBusy, setPendingBusy] = useState(false);
  const [pendingError, setPendingError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [forbidden, setForbidden] = useState(false);

  function failed(error: ApiError): string {
    if (error.status === 401) goToLogin();
    if (error.status === 403) setForbidden(true);
    return sentence(error.message);
  }

  usePolling(async (signal) => {
    const result = await callApi<{ users: MqttUserView[] }>("/api/mqtt-users", { signal });
    if (signal.aborted) return;
    if (result.ok) setUsers(result.data.users);
    else if (result.error.status === 401 || result.error.status === 403) failed(result.error);
  }, REFRESH_MS);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (adding) return;
    setAdding(true);
    setErrors({});
    setFormError(undefined);
    setNotice(undefined);
    const body: { username: string; description?: string; password?: string } = { username: form.username.trim() };
    if (form.description.trim()) body.description = form.description.trim();
    if (form.password) body.password = form.password;
    const result = await callApi<{ user: MqttUserView; password: string }>("/api/mqtt-users", { method: "POST", body });
    setAdding(false);
    if (!result.ok) {
      if (result.error.code === "conflict") {
        setErrors({ username: sentence(result.error.message) });
        return;
      }
      const parsed = parseApiErrors(result.error.message, { username: "username", password: "password", description: "description" });
      setErrors(parsed.fields);
      if (parsed.general || Object.keys(parsed.fields).length === 0) setFormError(parsed.general ?? failed(result.error));
      return;
    }
    const { user, password } = result.data;
    setUsers((list) => [...list.filter((u) => u.username !== user.username), user].sort((a, b) => a.username.localeCompare(b.username)));
    setSecret({ username: user.username, password, isNew: true });
    setForm({ username: "", description: "", password: "" });
  }

  async function confirmPending(action: Pending) {
    setPendingBusy(true);
    setPendingError(undefined);
    const path = `/api/mqtt-users/${encodeURIComponent(action.username)}`;
    if (action.kind === "revoke") {
      const result = await callApi(path, { method: "DELETE" });
      setPendingBusy(false);
      if (!result.ok && result.error.status !== 404) {
        setPendingError(failed(result.error));
        return;
      }
      setUsers((list) => list.filter((u) => u.username !== action.username));
      if (secret?.username === action.username) setSecret(undefined);
      setNotice(`MQTT user ${action.username} revoked. Its connections were closed.`);
    } else {
      const result = await callApi<{ password: string }>(`${path}/password`, { method: "POST" });
      setPendingBusy(false);
      if (!result.ok) {
        setPendingError(failed(result.error));
        return;
      }
      setSecret({ username: action.username, password: result.data.password, isNew: false });
    }
    setPending(undefined);
  }

  if (forbidden) {
    return (
      <p role="alert" className="alert alert-error">
        Only the home’s owner or an admin can manage MQTT users.
      </p>
    );
  }

  return (
    <div className="stack">
      {secret ? (
        <SecretReveal
          title={secret.isNew ? `MQTT user ${secret.username} added` : `New password for ${secret.username}`}
          label={`Password for ${secret.username}`}
          secret={secret.password}
          copyLabel="Copy password"
          onDone={() => setSecret(undefined)}
        >
          <dl className="summary">
            {brokerUrl && (
              <div>
                <dt>Broker</dt>
                <dd>
                  <code>{brokerUrl}</code>
                </dd>
              </div>
            )}
            <div>
              <dt>Username</dt>
              <dd>
                <code>{secret.username}</code>
              </dd>
            </div>
          </dl>
          {!secret.isNew && <p className="muted">Devices using the old password were disconnected and need this one.</p>}
        </SecretReveal>
      ) : (
        <form className="card" onSubmit={(e) => void add(e)} noValidate aria-labelledby="add-title">
          <h2 id="add-title" className="card-title">
            Add a device login
          </h2>
          <FormAlerts formError={formError} fieldErrors={errors} />
          <div className="form-grid">
            <TextField
              label="Username"
              name="mqtt_username"
              autoComplete="off"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              placeholder="e.g. living-room-sensors"
              value={form.username}
              onChange={(e) => setForm((f) => ({ ...f, username: e.target.value }))}
              error={errors.username}
              hint="Letters, digits and _ . @ - only."
            />
            <TextField
              label="Description (optional)"
              name="mqtt_description"
              autoComplete="off"
              placeholder="e.g. Zigbee2MQTT bridge in the hallway"
              value={form.description}
              onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))}
              error={errors.description}
            />
            <TextField
              label="Password (optional)"
              name="mqtt_password"
              type="password"
              autoComplete="new-password"
              revealable
              value={form.password}
              onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))}
              error={errors.password}
              hint="Leave empty and Hearth makes a strong one for you."
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={adding}>
            {adding ? "Adding…" : "Add MQTT user"}
          </button>
        </form>
      )}

      <p className="visually-hidden" role="status">
        {notice}
      </p>

      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title" className="card-title">
          MQTT users <span className="count">{users.length}</span>
        </h2>
        {users.length === 0 ? (
          <p className="empty-inline">No MQTT users yet. Add one for each device or bridge, so you can revoke them one at a time.</p>
        ) : (
          <ul className="items" aria-label="MQTT users">
            {users.map((user) => (
              <li key={user.username} className="item">
                <div className="item-main">
                  <span className="item-title">
                    <span className="mono">{user.username}</span>
                    {user.connections > 0 ? (
                      <span className="pill pill-ok">{user.connections === 1 ? "1 connection" : `${user.connections} connections`}</span>
                    ) : (
                      <span className="pill">Not connected</span>
                    )}
                  </span>
                  {user.description && <span className="item-desc">{user.description}</span>}
                  <span className="item-meta">
                    {user.lastConnectedAt ? `Last connected ${formatRelative(user.lastConnectedAt, now, timeZone)}` : "Never connected"} · added{" "}
                    {formatDate(user.createdAt, timeZone)}
                  </span>
                </div>
                <div className="item-actions">
                  <button
                    type="button"
                    className="btn btn-secondary"
                    aria-label={`Access rules for ${user.username}`}
                    aria-expanded={aclOpen === user.username}
                    onClick={() => setAclOpen((open) => (open === user.username ? undefined : user.username))}
                  >
                    Access
                  </button>
                  <button
                    type="button"
                    className="btn btn-secondary"
                    aria-label={`New password for ${user.username}`}
                    onClick={() => {
                      setPendingError(undefined);
                      setPending({ kind: "regenerate", username: user.username });
                    }}
                  >
                    New password
                  </button>
                  <button
                    type="button"
                    className="btn btn-danger-ghost"
                    aria-label={`Revoke ${user.username}`}
                    onClick={() => {
                      setPendingError(undefined);
                      setPending({ kind: "revoke", username: user.username });
                    }}
                  >
                    Revoke
                  </button>
                </div>
                {aclOpen === user.username && <MqttAclEditor username={user.username} onClose={() => setAclOpen(undefined)} />}
              </li>
            ))}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={pending !== undefined}
        title={pending?.kind === "regenerate" ? `New password for ${pending.username}?` : `Revoke ${pending?.username ?? ""}?`}
        message={
          pending?.kind === "regenerate"
            ? "The old password stops working and connected devices are disconnected until you give them the new one."
            : "The login is deleted and its devices are disconnected at once. This can’t be undone."
        }
        confirmLabel={pending?.kind === "regenerate" ? "Make new password" : "Revoke MQTT user"}
        busy={pendingBusy}
        error={pendingError}
        onConfirm={() => {
          if (pending) void confirmPending(pending);
        }}
        onCancel={() => setPending(undefined)}
      />
    </div>
  );
}
