"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useNotifications } from "./use-notifications";
import "../../notifications.css";

/** The top bar's bell: how many notifications are active, and the way to the inbox. */
export function NotificationBell({ activeCount: rendered }: { activeCount: number }) {
  const { activeCount } = useNotifications(rendered).snapshot;
  const here = usePathname() === "/notifications";
  const label = activeCount === 0 ? "Notifications, none active" : `Notifications, ${activeCount} active`;
  return (
    <Link href="/notifications" className="bell" aria-label={label} title={label} aria-current={here ? "page" : undefined}>
      <svg className="icon" width={24} height={24} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.9} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        <path d="M6 9a6 6 0 1 1 12 0c0 4.5 1.6 6.4 2.5 7.2a.5.5 0 0 1-.3.8H3.8a.5.5 0 0 1-.3-.8C4.4 15.4 6 13.5 6 9Z" />
        <path d="M10 20.5a2.2 2.2 0 0 0 4 0" />
      </svg>
      {activeCount > 0 && (
        <span className="bell-badge" aria-hidden="true">
          {activeCount > 99 ? "99+" : activeCount}
        </span>
      )}
    </Link>
  );
}
