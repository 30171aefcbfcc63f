import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../_lib/current-user";
import { AppShell } from "../_components/app-shell";
import { RoomManager } from "../_components/rooms/room-manager";

export const metadata: Metadata = { title: "Rooms" };

/** Rooms settings: the list in dashboard order, with create, rename, icon, reorder and delete for owners and admins. */
export default async function RoomsPage() {
  const { api, principal } = await requireUser("/rooms");
  const home = api.home();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/">Home</Link>
      </nav>
      <h1 className="page-title">Rooms</h1>
      <p className="muted lead">The home view shows rooms in this order. Place devices in rooms from the <Link href="/devices">devices</Link> page.</p>
      <RoomManager initialRooms={api.rooms.list()} canManage={canManage(principal.user)} />
    </AppShell>
  );
}
