"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { BroadcastIcon, DevicesIcon, HomeIcon, PersonIcon, PulseIcon } from "./icons";

interface Tab {
  href: string;
  label: string;
  icon: ReactNode;
  isActive: (path: string) => boolean;
}

const TABS: Tab[] = [
  { href: "/", label: "Home", icon: <HomeIcon />, isActive: (p) => p === "/" || p.startsWith("/rooms") },
  { href: "/devices", label: "Devices", icon: <DevicesIcon />, isActive: (p) => p.startsWith("/devices") || p.startsWith("/health") },
  { href: "/status", label: "Status", icon: <PulseIcon />, isActive: (p) => p.startsWith("/status") },
  { href: "/settings/mqtt", label: "MQTT", icon: <BroadcastIcon />, isActive: (p) => p.startsWith("/settings") },
  { href: "/profile", label: "Profile", icon: <PersonIcon />, isActive: (p) => p.startsWith("/profile") },
];

/** The main navigation: a bottom tab bar on phones (thumb reach), inline in the top bar on wider screens. */
export function NavTabs({ inboxCount = 0 }: { inboxCount?: number }) {
  const path = usePathname();
  return (
    <nav className="tabs" aria-label="Main">
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
                <span>{tab.label}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
