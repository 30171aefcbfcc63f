import type { IconName } from "@/devices/presentation/entity-icon";

// 24×24 line drawings in currentColor; decorative (the card's text carries the meaning).
const PATHS: Record<IconName, string> = {
  bulb: "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2V16h5v-.1c0-.8.4-1.5 1-2A6 6 0 0 0 12 3Z",
  power: "M12 3v8M6.3 7.3a7 7 0 1 0 11.4 0",
  blinds: "M4 4h16M5 4v16M19 4v16M5 8h14M5 12h14M5 16h14M12 16v4",
  garage: "M3 10 12 4l9 6v10H3V10ZM7 20v-7h10v7M7 16h10",
  thermostat: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM12 8v5M9.5 15.5h5",
  thermometer: "M14 14.8V5a2 2 0 0 0-4 0v9.8a4 4 0 1 0 4 0ZM12 9v7",
  droplet: "M12 3s6 6.5 6 11a6 6 0 0 1-12 0c0-4.5 6-11 6-11Z",
  fan: "M12 12c0-4 1-8 4-8s2 5-4 8Zm0 0c4 0 8 1 8 4s-5 2-8-4Zm0 0c0 4-1 8-4 8s-2-5 4-8Zm0 0c-4 0-8-1-8-4s5-2 8 4Z",
  lock: "M6 11h12v10H6V11ZM8.5 11V7.5a3.5 3.5 0 0 1 7 0V11M12 15v2",
  "lock-open": "M6 11h12v10H6V11ZM8.5 11V7.5a3.5 3.5 0 0 1 6.8-1.2M12 15v2",
  valve: "M4 8v8M20 8v8M4 12h16M12 12V6M9 6h6",
  siren: "M7 18v-6a5 5 0 0 1 10 0v6M5 18h14v3H5v-3ZM12 3v2M4.2 6.2l1.4 1.4M19.8 6.2l-1.4 1.4",
  button: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z",
  slider: "M4 12h16M8 8v8M4 6h16M4 18h16",
  list: "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01",
  text: "M4 6h16M12 6v13M8 19h8",
  scene: "M5 20 19 6M14 4l1 2 2 1-2 1-1 2-1-2-2-1 2-1 1-2ZM6 5l.7 1.3L8 7l-1.3.7L6 9l-.7-1.3L4 7l1.3-.7L6 5Z",
  vacuum: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10ZM12 11h.01",
  humidifier: "M7 21h10l1-12H6l1 12ZM12 3s2.5 2.6 2.5 4.3a2.5 2.5 0 0 1-5 0C9.5 5.6 12 3 12 3Z",
  "water-heater": "M7 3h10v18H7V3ZM10 7h4M12 17s-2-1.8-2-3.3a2 2 0 0 1 4 0c0 1.5-2 3.3-2 3.3Z",
  shield: "M12 3 4 6v6c0 5 3.4 8.4 8 9 4.6-.6 8-4 8-9V6l-8-3Z",
  update: "M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5M12 8v5l3 2",
  door: "M6 21V3h12v18M3 21h18M14 12h.01",
  window: "M4 4h16v16H4V4ZM12 4v16M4 12h16",
  motion: "M13 4a1.5 1.5 0 1 0 0 .01M9 21l2-6 2 2v4M7 11l3-3 4 1 2 3h3M10 8l-1 6",
  battery: "M3 8h15v8H3V8ZM21 11v2M6 11v2",
  signal: "M4 20v-3M9 20v-7M14 20V9M19 20V5",
  bolt: "M13 3 5 14h6l-1 7 8-11h-6l1-7Z",
  gauge: "M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18ZM12 12l4-4M7 16h10",
  leak: "M12 4s5 5.4 5 9a5 5 0 0 1-10 0c0-3.6 5-9 5-9ZM3 20h18",
  smoke: "M4 17h12a4 4 0 0 0 0-8 5 5 0 0 0-9.6 1.5A3.3 3.3 0 0 0 4 17ZM7 21h10",
  event: "M4 6h16v14H4V6ZM4 10h16M9 3v4M15 3v4M8 14h3",
  sensor: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM12 8v4l3 2",
};

export function EntityIcon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
