"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { AutomationIcon, BroadcastIcon, DevicesIcon, HomeIcon, PersonIcon, PulseIcon } from "./icons";
import "../nav-tabs.css";

interface Tab {
  href: string;
  label: string;
  icon: ReactNode;
  isActive: (path: string) => boolean;
}

const TABS: Tab[] = [
  { href: "/", label: "Home", icon: <HomeIcon />, isActive: (p) => p === "/" || p.startsWith("/rooms") },
  { href: "/devices", label: "Devices", icon: <DevicesIcon />, isActive: (p) => p.startsWith("/devices") || p.startsWith("/health") },
  { href: "/automations", label: "Automations", icon: <AutomationIcon />, isActive: (p) => p === "/automations" || p.startsWith("/automations/") },
  { href: "/status", label: "Status", icon: <PulseIcon />, isActive: (p) => p.startsWith("/status") },
  { href: "/settings/mqtt", label: "MQTT", icon: <BroadcastIcon />, isActive: (p) => p.startsWith("/settings") },
];

/**
 * The main navigation: five tabs (a bottom tab bar on phones, within thumb reach; inline in the top bar on wider
 * screens) and the profile as a round button that stays in the top bar, as six labelled tabs do not fit 360 px.
 */
export function NavTabs({ inboxCount = 0, tabs = true }: { inboxCount?: number; tabs?: boolean }) {
  const path = usePathname();
  const onProfile = path.startsWith("/profile");
  return (
    <nav className="main-nav" aria-label="Main">
      {tabs && (
      <div className="tabs">
        <ul>
          {TABS.map((tab) => {
            const active = tab.isActive(path);
            return (
              <li key={tab.href}>
                <Link href={tab.href} className="tab" aria-current={active ? "page" : undefined}>
                  <span className="tab-icon">
                    {tab.icon}
                    {tab.href === "/devices" && inboxCount > 0 && (
                      <span className="tab-badge">
                        {inboxCount}
                        <span className="visually-hidden"> new</span>
                      </span>
                    )}
                  </span>
                  <span className="tab-label">{tab.label}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
      )}
      <Link href="/profile" className="profile-link" aria-current={onProfile ? "page" : undefined} title="Profile">
        <PersonIcon />
        <span className="visually-hidden">Profile</span>
      </Link>
    </nav>
  );
}
