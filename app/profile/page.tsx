import type { Metadata } from "next";
import { headers } from "next/headers";
import { ROLE_LABEL } from "@/devices/auth/access";
import { requireUser } from "../_lib/current-user";
import { requestClientAddress } from "../_lib/route";
import { AppShell } from "../_components/app-shell";
import { formatDate } from "../_components/format";
import { LogoutButton } from "../_components/logout-button";
import { PasswordForm } from "../_components/password-form";
import { SessionManager } from "../_components/session-manager";
import { TokenManager } from "../_components/token-manager";

export const metadata: Metadata = { title: "Profile" };

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}

export default async function ProfilePage() {
  const { api, principal } = await requireUser("/profile", "member");
  const { user } = principal;
  const home = api.home();
  const timeZone = home?.timeZone ?? "UTC";
  // Where this device connects from, as the hub sees it: what "home network only" checks (behind a proxy, the
  // address it forwards; HEARTH_TRUSTED_PROXIES and HEARTH_HOME_NETWORKS).
  const address = requestClientAddress(await headers());
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <h1 className="page-title">Profile</h1>
      <section className="card profile" aria-label="You">
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <div className="profile-text">
          <p className="profile-name">{user.name}</p>
          <p className="muted">
            @{user.username} · <span className="pill">{ROLE_LABEL[user.role]}</span>
          </p>
          {user.rooms !== null && (
            <p className="muted small">
              Sees {user.rooms.length === 0 ? "no rooms yet" : api.rooms.list().filter((r) => user.rooms?.includes(r.room_id)).map((r) => r.name).join(", ")}
            </p>
          )}
          {user.local_only && <p className="muted small">Signs in only from the home network</p>}
          <p className="muted small">Member since {formatDate(user.createdAt, timeZone)}</p>
        </div>
        <div className="profile-actions">
          <LogoutButton />
        </div>
      </section>

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title" className="card-title">
          Where you’re signed in
        </h2>
        <p className="muted small" data-testid="client-address">
          This device connects from {address ?? "an unknown address"} ·{" "}
          {api.auth.isHomeNetwork(address) ? "on the home network" : "outside the home network"}
        </p>
        <SessionManager initial={api.auth.sessions(principal)} renderedAt={Date.now()} timeZone={timeZone} />
      </section>

      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title" className="card-title">
          Password
        </h2>
        <p className="muted">Changing it signs you out everywhere else.</p>
        <PasswordForm />
      </section>

      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title" className="card-title">
          Long-lived API tokens
        </h2>
        <p className="muted">
          Let scripts and apps use this hub’s API as you, without your password. Each token is shown once when you create it.
        </p>
        <TokenManager initial={api.tokens.list(user.id)} renderedAt={Date.now()} timeZone={timeZone} />
      </section>
    </AppShell>
  );
}
