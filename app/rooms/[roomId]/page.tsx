import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { canManage } from "@/devices/auth/access";
import { currentPrincipal, requireUser } from "../../_lib/current-user";
import { hub } from "../../_lib/hub";
import { readHome, statesFor } from "../../_lib/home-snapshot";
import { LiveStatesProvider } from "../../_lib/use-live-states";
import { AppShell } from "../../_components/app-shell";
import { RoomView } from "../../_components/room/room-view";

export async function generateMetadata({ params }: { params: Promise<{ roomId: string }> }): Promise<Metadata> {
  const { roomId } = await params;
  const id = decodeURIComponent(roomId);
  // The name only for someone who may see the room: a title is sent before the page decides to redirect.
  const api = await hub();
  const principal = await currentPrincipal(api);
  const room = principal && api.access(principal.user).seesRoom(id) ? api.rooms.list().find((r) => r.room_id === id) : undefined;
  return { title: room?.name ?? "Room" };
}

export default async function RoomPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId: raw } = await params;
  const roomId = decodeURIComponent(raw);
  const { api, principal } = await requireUser(`/rooms/${raw}`, "limited");
  const snapshot = readHome(api, principal.user);
  const room = snapshot.rooms.find((r) => r.room_id === roomId);
  if (!room) notFound();
  const entities = snapshot.entities.filter((e) => e.room_id === roomId);
  const devices = snapshot.devices.filter((d) => d.room_id === roomId);
  return (
    <AppShell homeName={snapshot.homeName}>
      <LiveStatesProvider initial={statesFor(api, entities.map((e) => e.entity_id))} renderedAt={snapshot.renderedAt}>
        <RoomView room={{ room_id: room.room_id, name: room.name }} entities={entities} devices={devices} timeZone={snapshot.timeZone} temperatureUnit={snapshot.temperatureUnit} manage={canManage(principal.user)} />
      </LiveStatesProvider>
    </AppShell>
  );
}
