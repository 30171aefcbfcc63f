import Link from "next/link";
import { domainOf, isShownByDefault, orderEntities } from "@/devices/presentation/entity-kind";
import { roomIconName } from "@/devices/presentation/room-icon";
import type { DeviceHealthSummary } from "@/server/hub-api";
import type { DeviceItem, EntityItem, HomeSnapshot } from "../../_lib/home-snapshot";
import { EntityCard } from "../entity/entity-card";
import { EntityIcon } from "../entity/entity-icon";
import { HealthStrip } from "./health-strip";
import { LinkIndicator, SummaryLine } from "./summary-line";

const QUICK_DOMAINS = new Set(["light", "switch", "fan", "cover", "climate", "lock"]);
const QUICK_MAX = 6;

function RoomSection({ snapshot, room, entities, devices }: { snapshot: HomeSnapshot; room: { room_id: string; name: string; icon: string | null }; entities: EntityItem[]; devices: DeviceItem[] }) {
  const visible = orderEntities(entities.filter(isShownByDefault));
  const quick = visible.filter((e) => QUICK_DOMAINS.has(domainOf(e.entity_id))).slice(0, QUICK_MAX);
  const headingId = `room-${room.room_id}`;
  const icon = roomIconName(room.icon);
  return (
    <section className="room-section" aria-labelledby={headingId}>
      <div className="room-section-head">
        <h2 id={headingId} className="room-title">
          {icon && <EntityIcon name={icon} size={20} />}
          <Link href={`/rooms/${encodeURIComponent(room.room_id)}`}>{room.name}</Link>
        </h2>
        <span className="muted small">
          {devices.length} {devices.length === 1 ? "device" : "devices"}
        </span>
      </div>
      <SummaryLine entityIds={entities.map((e) => e.entity_id)} devices={devices} label={`${room.name} summary`} />
      {quick.length > 0 ? (
        <div className="tiles">
          {quick.map((e) => (
            <EntityCard key={e.entity_id} compact entityId={e.entity_id} fallbackName={e.name} deviceName={e.device_name} showDevice deviceClass={e.device_class} timeZone={snapshot.timeZone} temperatureUnit={snapshot.temperatureUnit} />
          ))}
        </div>
      ) : (
        <p className="muted small">Nothing to switch here; open the room for its sensors.</p>
      )}
      <Link className="room-more" href={`/rooms/${encodeURIComponent(room.room_id)}`}>
        Open {room.name}
      </Link>
    </section>
  );
}

/**
 * The home view: summary, the inbox of new devices, pinned entities, then every room with its quick controls.
 * Without `manage` (a member, a room-limited person, a wall tablet) it is the controls alone: no inbox, health,
 * logbook or setup links.
 */
export function HomeDashboard({ snapshot, health, manage = true }: { snapshot: HomeSnapshot; health?: DeviceHealthSummary | undefined; manage?: boolean }) {
  const { rooms, devices, entities } = snapshot;
  const inbox = manage ? devices.filter((d) => d.room_id === null) : [];
  const pinned = orderEntities(entities.filter((e) => e.pinned && !e.hidden));
  return (
    <div className="home">
      <div className="page-head">
        <h1 className="page-title">{snapshot.homeName}</h1>
        {manage && (
          <div className="page-head-actions">
            <Link className="btn btn-ghost" href="/logbook">
              Logbook
            </Link>
          </div>
        )}
      </div>
      <div className="head-meta">
        <SummaryLine entityIds={entities.map((e) => e.entity_id)} devices={devices} label="Home summary" withHealth={!health} />
        <LinkIndicator />
      </div>
      {health && <HealthStrip initial={health} />}

      {inbox.length > 0 && (
        <Link href="/devices#new-devices" className="inbox-banner">
          <span className="badge" aria-hidden="true">
            {inbox.length}
          </span>
          <span>
            <strong>
              {inbox.length} new {inbox.length === 1 ? "device" : "devices"}
            </strong>
            <span className="muted small"> · place {inbox.length === 1 ? "it" : "them"} in a room</span>
          </span>
        </Link>
      )}
      {inbox.length > 0 && (
        <p className="small">
          <Link href="/devices/add">Add another device</Link>
        </p>
      )}

      {pinned.length > 0 && (
        <section aria-labelledby="pinned-title" className="pinned">
          <h2 id="pinned-title" className="section-title">
            Pinned
          </h2>
          <div className="cards">
            {pinned.map((e) => (
              <EntityCard key={e.entity_id} entityId={e.entity_id} fallbackName={e.name} deviceName={e.device_name} showDevice deviceClass={e.device_class} timeZone={snapshot.timeZone} temperatureUnit={snapshot.temperatureUnit} />
            ))}
          </div>
        </section>
      )}

      {rooms.length === 0 && !manage ? (
        <section className="card empty-rooms">
          <h2 className="card-title">Nothing here yet</h2>
          <p className="muted">No room has been shared with this account. Ask whoever runs the hub to add one.</p>
        </section>
      ) : rooms.length === 0 ? (
        <section className="card empty-rooms">
          <h2 className="card-title">No rooms yet</h2>
          <p className="muted">
            Rooms appear when a device suggests one during discovery, or when you place a device from its page. <Link href="/rooms">Create a room</Link> or{" "}
            <Link href="/devices">see all devices</Link>.
          </p>
        </section>
      ) : (
        <div className="rooms">
          {rooms.map((room) => (
            <RoomSection
              key={room.room_id}
              snapshot={snapshot}
              room={room}
              entities={entities.filter((e) => e.room_id === room.room_id)}
              devices={devices.filter((d) => d.room_id === room.room_id)}
            />
          ))}
        </div>
      )}
      {manage && (
        <p className="manage-rooms">
          <Link href="/devices/add">Add a device</Link> · <Link href="/rooms">Manage rooms</Link>
        </p>
      )}
    </div>
  );
}
