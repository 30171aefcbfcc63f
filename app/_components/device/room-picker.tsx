"use client";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { callApi, goToLogin } from "../api-client";

const NEW_ROOM = "__new__";

/**
 * Moves a device to a room (or back to "New devices"), or creates a room for it on the spot. With `suggested`
 * (a room guessed from the device's name), one tap puts it there.
 */
export function RoomPicker({
  deviceId,
  deviceName,
  roomId,
  rooms,
  suggested,
}: {
  deviceId: string;
  deviceName: string;
  roomId: string | null;
  rooms: ReadonlyArray<{ room_id: string; name: string }>;
  suggested?: { room_id: string; name: string } | undefined;
}) {
  const router = useRouter();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<string | undefined>();

  const move = async (room_id: string | null) => {
    setBusy(true);
    setError(undefined);
    const res = await callApi(`/api/devices/${encodeURIComponent(deviceId)}`, { method: "PATCH", body: { room_id } });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) goToLogin();
      setError(res.error.message);
      return;
    }
    router.refresh();
  };

  const create = async () => {
    const name = newName.trim();
    if (!name) return;
    setBusy(true);
    setError(undefined);
    const res = await callApi<{ room_id: string }>("/api/rooms", { method: "POST", body: { name } });
    setBusy(false);
    if (!res.ok) {
      setError(res.error.message);
      return;
    }
    setCreating(false);
    setNewName("");
    await move(res.data.room_id);
  };

  return (
    <div className="room-picker">
      {suggested && roomId === null && (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void move(suggested.room_id)} aria-label={`Put ${deviceName} in ${suggested.name}`}>
          Put in {suggested.name}
        </button>
      )}
      <label htmlFor={`${id}-room`} className="visually-hidden">
        Room for {deviceName}
      </label>
      <select
        id={`${id}-room`}
        className="input select"
        value={creating ? NEW_ROOM : (roomId ?? "")}
        disabled={busy}
        onChange={(e) => {
          const value = e.target.value;
          if (value === NEW_ROOM) {
            setCreating(true);
            return;
          }
          setCreating(false);
          void move(value === "" ? null : value);
        }}
      >
        <option value="">New devices (no room)</option>
        {rooms.map((r) => (
          <option key={r.room_id} value={r.room_id}>
            {r.name}
          </option>
        ))}
        <option value={NEW_ROOM}>New room…</option>
      </select>
      {creating && (
        <form
          className="entry"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label className="entry-field">
            <span className="choice-label">New room’s name</span>
            <input className="input" value={newName} maxLength={64} onChange={(e) => setNewName(e.target.value)} autoFocus />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy || newName.trim() === ""}>
            Create and move
          </button>
        </form>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
