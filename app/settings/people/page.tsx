import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { PeopleManager } from "../../_components/people-manager";
import { canManage } from "@/devices/auth/access";

export const metadata: Metadata = { title: "People" };

/** Settings → People: the household's accounts, roles, rooms and the home-network flag (owners and admins). */
export default async function PeoplePage() {
  const { api, principal } = await requireUser("/settings/people");
  const home = api.home();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="db-back">
        <Link href="/settings/mqtt">← Settings</Link>
      </p>
      <h1 className="page-title">People</h1>
      <p className="muted lead">Who signs in to this hub. A member can see only some rooms (a guest, a child); a wall tablet shows one dashboard and nothing else.</p>
      {canManage(principal.user) ? (
        <PeopleManager initial={api.people.list()} rooms={api.rooms.list().map((r) => ({ room_id: r.room_id, name: r.name }))} me={principal.user} />
      ) : (
        <p className="note">Only the owner or an admin manages people.</p>
      )}
    </AppShell>
  );
}
