import { canManage as mayManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isHubError } from "@/server/errors";
import type { DeviceView, HubApi } from "@/server/hub-api";
import { formatAgo } from "@/devices/presentation/value-format";
import { humanize } from "@/devices/presentation/state-wording";
import { requireUser } from "../../_lib/current-user";
import { hub } from "../../_lib/hub";
import { readHome, statesFor } from "../../_lib/home-snapshot";
import { LiveStatesProvider } from "../../_lib/use-live-states";
import { AppShell } from "../../_components/app-shell";
import { DeviceAvailability, DeviceEntities } from "../../_components/device/device-entities";
import { DeviceDiagnostics } from "../../_components/device/device-diagnostics";
import { DeviceManage } from "../../_components/device/device-manage";
import { RoomPicker } from "../../_components/device/room-picker";
import { DeviceHistory } from "../../_components/history/device-history";

function findDevice(api: HubApi, id: string): DeviceView | undefined {
  try {
    return api.devices.get(id);
  } catch (err) {
    if (isHubError(err) && err.code === "not_found") return undefined;
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ deviceId: string }> }): Promise<Metadata> {
  const { deviceId } = await params;
  const device = findDevice(await hub(), decodeURIComponent(deviceId));
  return { title: device ? (device.name_by_user ?? device.name) : "Device" };
}

export default async function DevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const { deviceId: raw } = await params;
  const { api, principal } = await requireUser(`/devices/${raw}`);
  const device = findDevice(api, decodeURIComponent(raw));
  if (!device) notFound();
  const snapshot = readHome(api);
  const diagnostics = api.devices.diagnostics(device.id);
  const via = device.via_device_id ? findDevice(api, device.via_device_id) : undefined;
  const name = device.name_by_user ?? device.name;
  const entities = snapshot.entities.filter((e) => e.device_id === device.id);
  const canManage = mayManage(principal.user);
  const room = snapshot.rooms.find((r) => r.room_id === device.room_id);
  const now = snapshot.renderedAt;
  const facts: Array<[string, string | null]> = [
    ["Manufacturer", device.manufacturer],
    ["Model", [device.model, device.model_id && device.model_id !== device.model ? `(${device.model_id})` : null].filter(Boolean).join(" ") || null],
    ["Firmware", device.sw_version],
    ["Hardware", device.hw_version],
    ["Serial number", device.serial_number],
  ];
  return (
    <AppShell homeName={snapshot.homeName}>
      <LiveStatesProvider initial={statesFor(api, entities.map((e) => e.entity_id))} renderedAt={now}>
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href="/devices">Devices</Link>
          {room && (
            <>
              {" · "}
              <Link href={`/rooms/${encodeURIComponent(room.room_id)}`}>{room.name}</Link>
            </>
          )}
        </nav>
        <div className="page-head">
          <div>
            <h1 className="page-title">{name}</h1>
            <p className="muted">{[device.manufacturer, device.model].filter(Boolean).join(" · ") || "Unknown device"}</p>
          </div>
          <DeviceAvailability entityIds={entities.map((e) => e.entity_id)} timeZone={snapshot.timeZone} />
        </div>
        <p>
          <Link className="btn btn-ghost" href={`/logbook?device=${encodeURIComponent(device.id)}`}>
            Logbook for this device
          </Link>
        </p>

        <div className="columns">
          <section className="card" aria-labelledby="about-title">
            <h2 id="about-title" className="card-title">
              About
            </h2>
            <dl className="facts">
              {facts
                .filter(([, v]) => v)
                .map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              {device.via_device_id && (
                <div>
                  <dt>Connected via</dt>
                  <dd>{via ? <Link href={`/devices/${encodeURIComponent(via.id)}`}>{via.name_by_user ?? via.name}</Link> : (device.via_device ?? "Unknown")}</dd>
                </div>
              )}
              {device.configuration_url && (
                <div>
                  <dt>Configuration</dt>
                  <dd>
                    <a href={device.configuration_url} target="_blank" rel="noreferrer">
                      Open the device’s own page
                    </a>
                  </dd>
                </div>
              )}
              <div>
                <dt>Room</dt>
                <dd>
                  {canManage ? <RoomPicker deviceId={device.id} deviceName={name} roomId={device.room_id} rooms={snapshot.rooms} /> : (room?.name ?? "New devices (no room)")}
                </dd>
              </div>
            </dl>
          </section>

          <section className="card" aria-labelledby="entities-title">
            <h2 id="entities-title" className="card-title">
              Entities <span className="count">{entities.length}</span>
            </h2>
            <DeviceEntities entities={entities} deviceName={name} timeZone={snapshot.timeZone} temperatureUnit={snapshot.temperatureUnit} />
            {device.triggers.length > 0 && (
              <>
                <h3 className="subhead">Triggers</h3>
                <ul className="items">
                  {device.triggers.map((t) => (
                    <li key={t.discovery_id} className="item">
                      <span className="item-title">{[t.type, t.subtype].filter(Boolean).map((x) => humanize(x ?? "")).join(": ") || t.component}</span>
                      <span className="item-meta">{t.last_fired ? `Last ${formatAgo(t.last_fired, now)} · ${t.fired_count}×` : "Not fired yet"}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        </div>

        <section className="card section-gap" aria-labelledby="history-title">
          <h2 id="history-title" className="card-title">
            History
          </h2>
          <DeviceHistory entities={entities} deviceName={name} timeZone={snapshot.timeZone} temperatureUnit={snapshot.temperatureUnit} />
        </section>

        <section className="card section-gap" aria-labelledby="diag-title">
          <h2 id="diag-title" className="card-title">
            Diagnostics
          </h2>
          <DeviceDiagnostics diagnostics={diagnostics} now={now} timeZone={snapshot.timeZone} />
        </section>

        {canManage && (
          <section className="card section-gap" aria-labelledby="manage-title">
            <h2 id="manage-title" className="card-title">
              Manage
            </h2>
            <DeviceManage deviceId={device.id} name={name} discoveredName={device.name} />
          </section>
        )}
      </LiveStatesProvider>
    </AppShell>
  );
}
