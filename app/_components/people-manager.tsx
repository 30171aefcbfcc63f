"use client";
import "../people.css";
import { useId, useState, type FormEvent } from "react";
import { ROLE_HINT, ROLE_LABEL, type Role } from "@/devices/auth/access";
import type { UserView } from "@/server/hub-api";
import { callApi, goToLogin, type ApiError } from "./api-client";
import { ConfirmDialog } from "./confirm-dialog";
import { FormAlerts } from "./form-alerts";
import { parseApiErrors, sentence } from "./form-errors";
import { TextField } from "./text-field";

interface RoomOption {
  room_id: string;
  name: string;
}

/** What the form edits: the rooms as a set, `all` for every room. */
interface Rights {
  role: Role;
  all: boolean;
  rooms: string[];
  localOnly: boolean;
}

type Field = "username" | "name" | "password" | "role" | "rooms";
const ALIASES: Record<string, Field> = { username: "username", name: "name", password: "password", role: "role", rooms: "rooms" };

const rightsOf = (u: UserView): Rights => ({ role: u.role, all: u.rooms === null, rooms: u.rooms ?? [], localOnly: u.local_only });

/** The rooms and role as one phrase: "Member · Living room, Kitchen · home network only". */
function describe(u: UserView, rooms: readonly RoomOption[]): string {
  const names = u.rooms?.map((id) => rooms.find((r) => r.room_id === id)?.name ?? id);
  const where = u.role === "owner" || u.role === "admin" ? "every room" : names === undefined ? "every room" : names.length === 0 ? "no rooms" : names.join(", ");
  return [ROLE_LABEL[u.role], where, u.local_only ? "home network only" : undefined].filter(Boolean).join(" · ");
}

/** Role, rooms and the home-network flag, for adding a person or changing one. */
function RightsFields({ value, onChange, rooms, roles, error }: { value: Rights; onChange: (next: Rights) => void; rooms: readonly RoomOption[]; roles: readonly Role[]; error?: string | undefined }) {
  const id = useId();
  const limitable = value.role === "user" || value.role === "kiosk";
  return (
    <>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-role`}>
          Role
        </label>
        <select id={`${id}-role`} className="input select" value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as Role })} aria-describedby={`${id}-role-hint`}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
        <p id={`${id}-role-hint`} className="field-hint">
          {ROLE_HINT[value.role]}
        </p>
      </div>
      {limitable && (
        <fieldset className={error ? "field field-invalid people-rooms" : "field people-rooms"}>
          <legend className="field-label">Rooms</legend>
          <label className="check">
            <input type="checkbox" checked={value.all} onChange={(e) => onChange({ ...value, all: e.target.checked })} /> Every room
          </label>
          {!value.all &&
            (rooms.length === 0 ? (
              <p className="field-hint">There are no rooms yet: this person sees nothing until you share one.</p>
            ) : (
              rooms.map((r) => (
                <label key={r.room_id} className="check">
                  <input
                    type="checkbox"
                    checked={value.rooms.includes(r.room_id)}
                    onChange={(e) => onChange({ ...value, rooms: e.target.checked ? [...value.rooms, r.room_id] : value.rooms.filter((x) => x !== r.room_id) })}
                  />{" "}
                  {r.name}
                </label>
              ))
            ))}
          {error && (
            <p role="alert" className="field-error">
              {error}
            </p>
          )}
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={value.localOnly} onChange={(e) => onChange({ ...value, localOnly: e.target.checked })} /> Only from the home network
        <span className="field-hint"> Sign-in, sessions and tokens work only from this network (not through a port forward or tunnel).</span>
      </label>
    </>
  );
}

const rightsBody = (r: Rights) => ({ role: r.role, rooms: r.role === "user" || r.role === "kiosk" ? (r.all ? null : r.rooms) : null, local_only: r.localOnly });

/**
 * The household (owners and admins): who signs in, as what, for which rooms. A member can be limited to some
 * rooms (a guest who sees only the living room); a wall tablet shows one dashboard; either can be kept to the
 * home network. Changes apply at once: the person's open pages reconnect with the new rights.
 */
export function PeopleManager({ initial, rooms, me }: { initial: UserView[]; rooms: RoomOption[]; me: UserView }) {
  const [people, setPeople] = useState(initial);
  const roles: Role[] = me.role === "owner" ? ["admin", "user", "kiosk"] : ["user", "kiosk"];
  const [form, setForm] = useState({ username: "", name: "", password: "" });
  const [rights, setRights] = useState<Rights>({ role: "user", all: false, rooms: [], localOnly: false });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState<{ id: number; rights: Rights; password: string; error?: string | undefined; busy: boolean }>();
  const [removing, setRemoving] = useState<UserView>();
  const [removeError, setRemoveError] = useState<string>();
  const [removeBusy, setRemoveBusy] = useState(false);

  const failed = (error: ApiError) => {
    if (error.status === 401) goToLogin();
    return sentence(error.message);
  };
  const manageable = (u: UserView) => u.id !== me.id && u.role !== "owner" && (u.role !== "admin" || me.role === "owner");

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (adding) return;
    setAdding(true);
    setErrors({});
    setFormError(undefined);
    setNotice(undefined);
    const body = { username: form.username.trim(), password: form.password, ...(form.name.trim() ? { name: form.name.trim() } : {}), ...rightsBody(rights) };
    const result = await callApi<{ user: UserView }>("/api/users", { method: "POST", body });
    setAdding(false);
    if (!result.ok) {
      if (result.error.code === "conflict") return setErrors({ username: sentence(result.error.message) });
      const parsed = parseApiErrors(result.error.message, ALIASES);
      setErrors(parsed.fields);
      if (parsed.general || Object.keys(parsed.fields).length === 0) setFormError(parsed.general ?? failed(result.error));
      return;
    }
    setPeople((list) => [...list, result.data.user]);
    setNotice(`${result.data.user.name} can sign in now as ${result.data.user.username}.`);
    setForm({ username: "", name: "", password: "" });
    setRights({ role: "user", all: false, rooms: [], localOnly: false });
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!editing || editing.busy) return;
    setEditing({ ...editing, busy: true, error: undefined });
    const body = { ...rightsBody(editing.rights), ...(editing.password ? { password: editing.password } : {}) };
    const result = await callApi<{ user: UserView }>(`/api/users/${editing.id}`, { method: "PATCH", body });
    if (!result.ok) return setEditing({ ...editing, busy: false, error: failed(result.error) });
    setPeople((list) => list.map((u) => (u.id === result.data.user.id ? result.data.user : u)));
    setNotice(`Saved. ${result.data.user.name}'s open pages reconnect with the new rights.`);
    setEditing(undefined);
  }

  async function remove(u: UserView) {
    setRemoveBusy(true);
    setRemoveError(undefined);
    const result = await callApi(`/api/users/${u.id}`, { method: "DELETE" });
    setRemoveBusy(false);
    if (!result.ok && result.error.status !== 404) return setRemoveError(failed(result.error));
    setPeople((list) => list.filter((p) => p.id !== u.id));
    setNotice(`${u.name} was removed and signed out everywhere.`);
    setRemoving(undefined);
  }

  return (
    <div className="stack">
      {notice && (
        <p role="status" className="note note-ok">
          {notice}
        </p>
      )}
      <section className="card" aria-labelledby="people-title">
        <h2 id="people-title" className="card-title">
          People
        </h2>
        <ul className="people-list">
          {people.map((u) => (
            <li key={u.id} className="people-item">
              <div className="people-who">
                <strong>{u.name}</strong> <span className="muted">@{u.username}</span>
                {u.id === me.id && <span className="pill">You</span>}
                <p className="muted small">{describe(u, rooms)}</p>
              </div>
              {manageable(u) && (
                <div className="people-actions">
                  <button type="button" className="btn btn-secondary" aria-expanded={editing?.id === u.id} onClick={() => setEditing(editing?.id === u.id ? undefined : { id: u.id, rights: rightsOf(u), password: "", busy: false })}>
                    Change<span className="visually-hidden"> {u.name}</span>
                  </button>
                  <button type="button" className="btn btn-ghost" onClick={() => setRemoving(u)}>
                    Remove<span className="visually-hidden"> {u.name}</span>
                  </button>
                </div>
              )}
              {editing?.id === u.id && (
                <form className="people-edit stack" onSubmit={(e) => void save(e)} aria-label={`Change ${u.name}`}>
                  <RightsFields value={editing.rights} onChange={(r) => setEditing({ ...editing, rights: r })} rooms={rooms} roles={u.role === "admin" || me.role === "owner" ? ["admin", "user", "kiosk"] : roles} />
                  <TextField label="New password" hint="Leave empty to keep it. A new one (8 characters or more) signs them out everywhere and revokes their API tokens." type="password" autoComplete="new-password" revealable value={editing.password} onChange={(e) => setEditing({ ...editing, password: e.target.value })} />
                  {editing.error && (
                    <p role="alert" className="alert alert-error">
                      {editing.error}
                    </p>
                  )}
                  <div className="people-buttons">
                    <button type="submit" className="btn btn-primary" disabled={editing.busy}>
                      {editing.busy ? "Saving…" : "Save"}
                    </button>
                    <button type="button" className="btn btn-ghost" onClick={() => setEditing(undefined)}>
                      Cancel
                    </button>
                  </div>
                </form>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="add-person-title">
        <h2 id="add-person-title" className="card-title">
          Add a person
        </h2>
        <form className="stack" onSubmit={(e) => void add(e)} noValidate>
          <FormAlerts formError={formError} fieldErrors={errors} />
          <TextField label="Username" autoComplete="off" autoCapitalize="none" required value={form.username} error={errors.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
          <TextField label="Name" hint="How the hub greets them; the username if empty." value={form.name} error={errors.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <TextField label="Password" hint="At least 8 characters. They can change it on their profile." type="password" autoComplete="new-password" revealable required value={form.password} error={errors.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          <RightsFields value={rights} onChange={setRights} rooms={rooms} roles={roles} error={errors.rooms} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={adding}>
              {adding ? "Adding…" : "Add person"}
            </button>
          </div>
        </form>
      </section>

      <ConfirmDialog
        open={removing !== undefined}
        title={`Remove ${removing?.name ?? ""}?`}
        message="They are signed out everywhere, and their tokens stop working."
        confirmLabel="Remove"
        busy={removeBusy}
        error={removeError}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => {
          setRemoving(undefined);
          setRemoveError(undefined);
        }}
      />
    </div>
  );
}
