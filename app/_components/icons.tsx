import type { ReactNode } from "react";

// Decorative line icons (24×24, currentColor); the text next to them carries the meaning.
function Icon({ children, size = 24 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const FlameIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M12 22c4.2 0 7-2.9 7-6.8 0-3.6-2.4-6.2-4.3-8.2-.5 2-1.6 3.2-2.9 3.7.3-3.3-1-6.3-3.8-8.7.1 3.6-1.6 5.6-3.2 7.6C3.6 11.1 5 8.9 5 15.2 5 19.1 7.8 22 12 22Z" />
    <path d="M12 22c-1.8 0-3-1.3-3-3 0-2 1.6-3.1 3-5 1.4 1.9 3 3 3 5 0 1.7-1.2 3-3 3Z" />
  </Icon>
);

export const PulseIcon = () => (
  <Icon>
    <path d="M3 12h4l2.5-6 5 12L17 12h4" />
  </Icon>
);

export const BroadcastIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="2" />
    <path d="M16.2 7.8a6 6 0 0 1 0 8.4M7.8 16.2a6 6 0 0 1 0-8.4M19 5a10 10 0 0 1 0 14M5 19A10 10 0 0 1 5 5" />
  </Icon>
);

export const PersonIcon = () => (
  <Icon>
    <circle cx="12" cy="8" r="4" />
    <path d="M4 21c.8-4 4-6 8-6s7.2 2 8 6" />
  </Icon>
);

export const CopyIcon = () => (
  <Icon size={20}>
    <rect x="9" y="9" width="12" height="12" rx="2" />
    <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
  </Icon>
);

export const CheckIcon = () => (
  <Icon size={20}>
    <path d="m5 12.5 4.5 4.5L19 7.5" />
  </Icon>
);

export const WarningIcon = () => (
  <Icon size={20}>
    <path d="M12 3 2 20h20L12 3Z" />
    <path d="M12 10v4M12 17.5v.01" />
  </Icon>
);

export const PlugIcon = () => (
  <Icon>
    <path d="M9 2v5M15 2v5M6 7h12v4a6 6 0 0 1-12 0V7ZM12 17v5" />
  </Icon>
);

export const HomeIcon = () => (
  <Icon>
    <path d="M3 11.5 12 4l9 7.5M5.5 9.5V20h13V9.5M10 20v-5.5h4V20" />
  </Icon>
);

export const DevicesIcon = () => (
  <Icon>
    <rect x="3" y="4" width="12" height="16" rx="2" />
    <path d="M18 8h2a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-5M7 16h4" />
  </Icon>
);

export const AutomationIcon = () => (
  <Icon>
    <path d="M13 2.5 4.5 13.5H11l-1 8 8.5-11H12l1-8Z" />
  </Icon>
);
