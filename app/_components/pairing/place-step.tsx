"use client";
import Link from "next/link";
import { useId, useState } from "react";
import type { RoomView } from "@/server/hub-api";
import type { PairingDeviceView } from "@/server/pairing/pairing-views";
import { callApi, goToLogin } from "../api-client";

const NEW_ROOM = "__new__";

/** Step 4: name the device and put it in a room (an existing one or a new one). */
export function PlaceStep({ device, rooms, onBack, onAnother }: { device: PairingDeviceView; rooms: RoomView[]; onBack: () => void; onAnother: () => void }) {
  const id = useId();
  const [name, setName] = useState(device.name);
  const [room, setRoom] = useState<string>(device.room_id ?? (rooms.length > 0 ? (rooms[0]?.room_id ?? NEW_ROOM) : NEW_ROOM));
  const [newRoom, setNewRoom] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [placed, setPlaced] = useState<{ roomId: string; roomName: string; name: string } | undefined>();

  const save = async () => {
    setBusy(true);
    setError(undefined);
    let roomId = room;
    let roomName = rooms.find((r) => r.room_id === room)?.name ?? "";
    if (room === NEW_ROOM) {
      const res = await callApi<RoomView>("/api/rooms", { method: "POST", body: { name: newRoom.trim() } });
      if (!res.ok) {
        setBusy(false);
        if (res.error.status === 401) goToLogin();
        setError(res.error.message);
        return;
      }
      roomId = res.data.room_id;
      roomName = res.data.name;
    }
    const res = await callApi<{ name: string }>(`/api/devices/${encodeURIComponent(device.id)}`, { method: "PATCH", body: { name: name.trim() || null, room_id: roomId } });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) goToLogin();
      setError(res.error.message);
      return;
    }
    setPlaced({ roomId, roomName, name: res.data.name });
  };

  if (placed) {
    return (
      <section className="card stack" aria-labelledby={`${id}-done`}>
        <h2 id={`${id}-done`} className="card-title">
          {placed.name} is in {placed.roomName}
        </h2>
        <div className="actions">
          <Link className="btn btn-primary" href={`/rooms/${encodeURIComponent(placed.roomId)}`}>
            Open {placed.roomName}
          </Link>
          <button type="button" className="btn btn-secondary" onClick={onAnother}>
            Add another device
          </button>
        </div>
      </section>
    );
  }

  return (
    <form
      className="card stack"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id={`${id}-title`} className="card-title">
        Name and place {device.name}
      </h2>
      <div className="field">
        <label htmlFor={`${id}-name`} className="field-label">
          Device name
        </label>
        <input id={`${id}-name`} className="input" value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-room`} className="field-label">
          Room
        </label>
        <select id={`${id}-room`} className="input select" value={room} onChange={(e) => setRoom(e.target.value)}>
          {rooms.map((r) => (
            <option key={r.room_id} value={r.room_id}>
              {r.name}
            </option>
          ))}
          <option value={NEW_ROOM}>New room…</option>
        </select>
      </div>
      {room === NEW_ROOM && (
        <div className="field">
          <label htmlFor={`${id}-new-room`} className="field-label">
            New room name
          </label>
          <input id={`${id}-new-room`} className="input" value={newRoom} maxLength={64} required onChange={(e) => setNewRoom(e.target.value)} />
        </div>
      )}
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || (room === NEW_ROOM && newRoom.trim() === "")}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}
