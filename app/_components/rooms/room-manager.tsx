"use client";
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { IconName } from "@/devices/presentation/entity-icon";
import { roomIconName } from "@/devices/presentation/room-icon";
import type { RoomView } from "@/server/hub-api";
import { callApi, goToLogin, type ApiError } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { EntityIcon } from "../entity/entity-icon";
import { TextField } from "../text-field";
import { IconPicker } from "./icon-picker";
import "./rooms.css";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function RoomEditor({ room, busy, onSave, onCancel }: { room: RoomView; busy: boolean; onSave: (name: string, icon: IconName | null) => void; onCancel: () => void }) {
  const [name, setName] = useState(room.name);
  const [icon, setIcon] = useState<IconName | null>(roomIconName(room.icon));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(name, icon);
  };
  return (
    <form className="room-edit" onSubmit={submit} aria-label={`Edit ${room.name}`}>
      <TextField label="Room name" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required autoFocus autoComplete="off" />
      <IconPicker value={icon} onChange={setIcon} disabled={busy} />
      <div className="room-edit-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ""}>
          Save
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Rooms settings: create, rename, change the icon, reorder and delete rooms (owners and admins); others see the list. */
export function RoomManager({ initialRooms, canManage }: { initialRooms: RoomView[]; canManage: boolean }) {
  const [rooms, setRooms] = useState(initialRooms);
  const [name, setName] = useState("");
  const [icon, setIcon] = useState<IconName | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<RoomView | null>(null);
  const [deleteError, setDeleteError] = useState<string | undefined>();
  const focusAfter = useRef<string | null>(null);

  // Move buttons stay enabled while a reorder is saved (aria-disabled instead), so the keyboard never drops to the page.
  useEffect(() => {
    if (!focusAfter.current) return;
    const target = document.getElementById(focusAfter.current);
    if (target instanceof HTMLButtonElement && target.disabled) return;
    target?.focus();
    focusAfter.current = null;
  });

  const fail = (e: ApiError) => {
    if (e.status === 401) goToLogin();
    setError(e.message);
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await callApi<RoomView>("/api/rooms", { method: "POST", body: { name, icon } });
      if (!res.ok) return fail(res.error);
      setRooms((list) => [...list, res.data]);
      setName("");
      setIcon(null);
      setNotice(`Created ${res.data.name}.`);
    });
  };

  const save = (room: RoomView, newName: string, newIcon: IconName | null) => {
    void run(async () => {
      const res = await callApi<RoomView>(`/api/rooms/${encodeURIComponent(room.room_id)}`, { method: "PATCH", body: { name: newName, icon: newIcon } });
      if (!res.ok) return fail(res.error);
      setRooms((list) => list.map((r) => (r.room_id === room.room_id ? res.data : r)));
      setEditing(null);
      focusAfter.current = `edit-${room.room_id}`;
      setNotice(`Saved ${res.data.name}.`);
    });
  };

  const move = (room: RoomView, by: -1 | 1) => {
    if (busy) return;
    const from = rooms.findIndex((r) => r.room_id === room.room_id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= rooms.length) return;
    const next = [...rooms];
    next.splice(from, 1);
    next.splice(to, 0, room);
    const previous = rooms;
    setRooms(next);
    // Keep the keyboard where it was; at either end the other arrow takes over.
    const atEdge = to === 0 || to === next.length - 1;
    focusAfter.current = `move-${atEdge ? (by < 0 ? "down" : "up") : by < 0 ? "up" : "down"}-${room.room_id}`;
    void run(async () => {
      const res = await callApi<RoomView[]>("/api/rooms/order", { method: "PUT", body: { room_ids: next.map((r) => r.room_id) } });
      if (!res.ok) {
        setRooms(previous);
        return fail(res.error);
      }
      setRooms(res.data);
      setNotice(`${room.name} moved to position ${to + 1} of ${next.length}.`);
    });
  };

  const remove = () => {
    const room = deleting;
    if (!room) return;
    setDeleteError(undefined);
    void run(async () => {
      const res = await callApi<undefined>(`/api/rooms/${encodeURIComponent(room.room_id)}`, { method: "DELETE" });
      if (!res.ok) {
        if (res.error.status === 401) goToLogin();
        setDeleteError(res.error.message);
        return;
      }
      setRooms((list) => list.filter((r) => r.room_id !== room.room_id));
      setDeleting(null);
      setNotice(`Deleted ${room.name}.`);
    });
  };

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </p>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {!canManage && <p className="note">Only an owner or admin can add, change, reorder or delete rooms.</p>}

      <section className="card" aria-labelledby="room-list-title">
        <h2 id="room-list-title" className="card-title">
          Rooms <span className="count">{rooms.length}</span>
        </h2>
        {rooms.length === 0 ? (
          <p className="muted">No rooms yet.{canManage ? " Create the first one below." : ""}</p>
        ) : (
          <ol className="items room-list" aria-label="Rooms in order">
            {rooms.map((room, index) => {
              const roomIcon = roomIconName(room.icon);
              return (
                <li key={room.room_id} className="item">
                  {editing === room.room_id ? (
                    <RoomEditor room={room} busy={busy} onSave={(n, i) => save(room, n, i)} onCancel={() => {
                      focusAfter.current = `edit-${room.room_id}`;
                      setEditing(null);
                    }} />
                  ) : (
                    <>
                      <div className="room-row">
                        <span className="room-row-icon" aria-hidden="true">
                          {roomIcon ? <EntityIcon name={roomIcon} size={22} /> : null}
                        </span>
                        <span className="room-row-text">
                          <span className="item-title">
                            <Link href={`/rooms/${encodeURIComponent(room.room_id)}`}>{room.name}</Link>
                          </span>
                          <span className="item-meta">
                            {plural(room.device_count, "device", "devices")} · {plural(room.entity_count, "entity", "entities")}
                          </span>
                        </span>
                      </div>
                      {canManage && (
                        <div className="room-actions">
                          <button type="button" id={`move-up-${room.room_id}`} className="btn btn-secondary" aria-label={`Move ${room.name} up`} aria-disabled={busy || undefined} disabled={index === 0} onClick={() => move(room, -1)}>
                            ↑
                          </button>
                          <button type="button" id={`move-down-${room.room_id}`} className="btn btn-secondary" aria-label={`Move ${room.name} down`} aria-disabled={busy || undefined} disabled={index === rooms.length - 1} onClick={() => move(room, 1)}>
                            ↓
                          </button>
                          <button type="button" id={`edit-${room.room_id}`} className="btn btn-secondary" aria-label={`Edit ${room.name}`} disabled={busy} onClick={() => setEditing(room.room_id)}>
                            Edit
                          </button>
                          <button type="button" className="btn btn-danger-ghost" aria-label={`Delete ${room.name}`} disabled={busy} onClick={() => {
                            setDeleteError(undefined);
                            setDeleting(room);
                          }}>
                            Delete
                          </button>
                        </div>
                      )}
                    </>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {canManage && (
        <section className="card section-gap" aria-labelledby="new-room-title">
          <h2 id="new-room-title" className="card-title">
            New room
          </h2>
          <form className="room-edit" onSubmit={create}>
            <TextField label="Room name" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required autoComplete="off" placeholder="Living room" />
            <IconPicker value={icon} onChange={setIcon} disabled={busy} />
            <div className="room-edit-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ""}>
                Create room
              </button>
            </div>
          </form>
        </section>
      )}

      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${deleting.name}?` : "Delete room?"}
        message={
          deleting
            ? `${deleting.device_count === 0 ? "It has no devices." : `Its ${plural(deleting.device_count, "device goes", "devices go")} to “New devices”, where you can place ${deleting.device_count === 1 ? "it" : "them"} in another room.`} Entities moved here on their own follow their device again.`
            : ""
        }
        confirmLabel="Delete room"
        busy={busy}
        error={deleteError}
        onConfirm={remove}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}
