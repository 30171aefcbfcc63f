import { canManage as mayManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { requireUser } from "../_lib/current-user";
import { readHome, type DeviceItem } from "../_lib/home-snapshot";
import { AppShell } from "../_components/app-shell";
import { RoomPicker } from "../_components/device/room-picker";
import { suggestRoom } from "@/devices/presentation/room-suggestion";

export const metadata: Metadata = { title: "Devices" };

function DeviceRow({ device, picker }: { device: DeviceItem; picker?: ReactNode }) {
  return (
    <li className="item device-row">
      <div className="item-main">
        <span className="item-title">
          <Link href={`/devices/${encodeURIComponent(device.id)}`}>{device.name}</Link>
          {device.available ? null : <span className="pill pill-offline">Offline</span>}
        </span>
        <span className="item-meta">
          {[device.manufacturer, device.model].filter(Boolean).join(" · ") || "Unknown device"} · {device.entity_ids.length} {device.entity_ids.length === 1 ? "entity" : "entities"}
        </span>
      </div>
      {picker && <div className="item-actions">{picker}</div>}
    </li>
  );
}

/** Every device by room, with the "New devices" inbox first: place each in a room from here. */
export default async function DevicesPage() {
  const { api, principal } = await requireUser("/devices");
  const snapshot = readHome(api);
  const canManage = mayManage(principal.user);
  const inbox = snapshot.devices.filter((d) => d.room_id === null);
  return (
    <AppShell homeName={snapshot.homeName}>
      <h1 className="page-title">Devices</h1>
      <p className="muted lead">
        {snapshot.devices.length} {snapshot.devices.length === 1 ? "device" : "devices"} in {snapshot.rooms.length} {snapshot.rooms.length === 1 ? "room" : "rooms"}. <Link href="/health">Device health</Link> ·{" "}
        <Link href="/rooms">Manage rooms</Link>
      </p>
      {canManage && (
        <p className="actions">
          <Link href="/devices/add" className="btn btn-primary">
            Add device
          </Link>
        </p>
      )}
      {inbox.length > 0 && (
        <section className="card inbox" id="new-devices" aria-labelledby="new-devices-title">
          <h2 id="new-devices-title" className="card-title">
            New devices <span className="badge">{inbox.length}</span>
          </h2>
          <p className="muted small">Discovered devices without a room. Pick a room for each; they then show on the home view.</p>
          <ul className="items">
            {inbox.map((d) => (
              <DeviceRow
                key={d.id}
                device={d}
                picker={canManage ? <RoomPicker deviceId={d.id} deviceName={d.name} roomId={null} rooms={snapshot.rooms} suggested={suggestRoom(d.name, snapshot.rooms)} /> : undefined}
              />
            ))}
          </ul>
        </section>
      )}
      {snapshot.rooms.map((room) => {
        const devices = snapshot.devices.filter((d) => d.room_id === room.room_id);
        if (devices.length === 0) return null;
        return (
          <section key={room.room_id} className="card section-gap" aria-labelledby={`devices-${room.room_id}`}>
            <h2 id={`devices-${room.room_id}`} className="card-title">
              <Link href={`/rooms/${encodeURIComponent(room.room_id)}`}>{room.name}</Link> <span className="count">{devices.length}</span>
            </h2>
            <ul className="items">
              {devices.map((d) => (
                <DeviceRow key={d.id} device={d} />
              ))}
            </ul>
          </section>
        );
      })}
      {snapshot.devices.length === 0 && (
        <section className="card empty">
          <p className="empty-title">No devices yet</p>
          <p className="muted">
            Devices appear here when they announce themselves with Home Assistant MQTT discovery. <Link href="/devices/add">Add a device</Link> to get its settings and a login, or see the broker address on the <Link href="/status">Status</Link> page.
          </p>
        </section>
      )}
    </AppShell>
  );
}
