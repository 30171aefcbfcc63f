"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { callApi } from "../api-client";
import { TextField } from "../text-field";

interface Props {
  latitude: number | null;
  longitude: number | null;
  canEdit: boolean;
}

const parse = (text: string, limit: number): number | undefined => {
  const n = Number(text.trim().replace(",", "."));
  return text.trim() !== "" && Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
};

/** Where the home is, for sun triggers and conditions: typed in (a phone on plain HTTP may not share its place). */
export function HomeLocationForm({ latitude, longitude, canEdit }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(latitude === null);
  const [lat, setLat] = useState(latitude === null ? "" : String(latitude));
  const [lon, setLon] = useState(longitude === null ? "" : String(longitude));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = latitude !== null && longitude !== null;

  async function save(e: FormEvent) {
    e.preventDefault();
    const la = parse(lat, 90);
    const lo = parse(lon, 180);
    if (la === undefined || lo === undefined) {
      setError("Latitude is a number from -90 to 90 and longitude from -180 to 180, like 52.52 and 13.405.");
      return;
    }
    setBusy(true);
    const r = await callApi("/api/home/location", { method: "PUT", body: { latitude: la, longitude: lo } });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    setError(null);
    setOpen(false);
    router.refresh();
  }

  if (!open) {
    return (
      <p className="muted small home-location-line">
        {set ? `Sun times for ${latitude.toFixed(3)}, ${longitude.toFixed(3)}.` : "Sun rules need the home's location."}{" "}
        {canEdit && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(true)}>
            {set ? "Change location" : "Set location"}
          </button>
        )}
      </p>
    );
  }
  if (!canEdit) return <p className="muted small">Sun rules need the home's location: an owner or admin can set it here.</p>;
  return (
    <form className="card home-location" onSubmit={(e) => void save(e)} aria-labelledby="home-location-title">
      <h2 id="home-location-title" className="card-title">
        Where is the home?
      </h2>
      <p className="muted small">For sunrise and sunset rules. Your map app shows the numbers when you press and hold on the map.</p>
      <div className="home-location-fields">
        <TextField label="Latitude" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="52.520" />
        <TextField label="Longitude" inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} placeholder="13.405" />
      </div>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div className="home-location-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save location
        </button>
        {set && (
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
