"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { BroadcastIcon, PersonIcon, PulseIcon } from "./icons";

interface Tab {
  href: string;
  label: string;
  icon: ReactNode;
  isActive: (path: string) => boolean;
}

const TABS: Tab[] = [
  { href: "/", label: "Status", icon: <PulseIcon />, isActive: (p) => p === "/" },
  { href: "/settings/mqtt", label: "MQTT", icon: <BroadcastIcon />, isActive: (p) => p.startsWith("/settings") },
  { href: "/profile", label: "Profile", icon: <PersonIcon />, isActive: (p) => p.startsWith("/profile") },
];

/** The main navigation: a bottom tab bar on phones, inline in the top bar on wider screens. */
export function NavTabs() {
  const path = usePathname();
  return (
    <nav className="tabs" aria-label="Main">
      <ul>
        {TABS.map((tab) => {
          const active = tab.isActive(path);
          return (
            <li key={tab.href}>
              <Link href={tab.href} className="tab" aria-current={active ? "page" : undefined}>
                {tab.icon}
                <span>{tab.label}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
