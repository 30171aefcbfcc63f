import Link from "next/link";
import type { ReactNode } from "react";
import { isLimited } from "@/devices/auth/access";
import { currentPrincipal } from "../_lib/current-user";
import { hub } from "../_lib/hub";
import { FlameIcon } from "./icons";
import { NavTabs } from "./nav-tabs";
import { NotificationBell } from "./notifications/notification-bell";

/**
 * The signed-in frame: top bar with the home's name, main navigation (with the new-devices badge), the
 * notifications bell, and the page. A room-limited member gets the dashboard and their profile only; a wall
 * tablet gets the dashboard alone, with nothing to navigate to.
 */
export async function AppShell({ homeName, children }: { homeName: string; children: ReactNode }) {
  const api = await hub();
  const user = (await currentPrincipal(api))?.user;
  const limited = user !== undefined && isLimited(user);
  const kiosk = user?.role === "kiosk";
  const inbox = limited ? 0 : api.devices.list().filter((d) => d.room_id === null).length;
  return (
    <div className={kiosk ? "shell shell-kiosk" : "shell"}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link href="/" className="brand">
            <span className="brand-mark">
              <FlameIcon size={22} />
            </span>
            <span className="brand-text">
              <span className="brand-home">{homeName}</span>
              <span className="brand-app">Hearth</span>
            </span>
          </Link>
          {!kiosk && <NavTabs inboxCount={inbox} tabs={!limited} />}
          {!limited && <NotificationBell activeCount={api.notifications.activeCount()} />}
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** The signed-out frame for onboarding and login: one centred card. */
export function AuthShell({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="auth">
      <div className="auth-brand" aria-hidden="true">
        <span className="brand-mark brand-mark-lg">
          <FlameIcon size={30} />
        </span>
        <span className="auth-brand-name">Hearth</span>
      </div>
      <div className="auth-card">{children}</div>
    </main>
  );
}
