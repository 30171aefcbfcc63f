const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * What counts as unhealthy. The numbers follow what Zigbee2MQTT and Home Assistant users already live with:
 * Z2M's availability marks a passive (battery) device offline after 25 h without a check-in and an active one
 * after 10 min (but Z2M pings active devices first; we cannot, so a quiet mains device is not judged on 10 min).
 */
export const HEALTH_THRESHOLDS = {
  /** Messages closer together than this are one report (a Z2M device or a Tasmota tele burst publishes several topics at once). */
  burstMs: 2_000,
  /** Gaps between reports to learn from before judging a device by its own rhythm. */
  minGaps: 4,
  /** Gaps kept per device for the median (bounded memory: one Float64Array of this length). */
  gapsKept: 16,
  /** Silence longer than `staleFactor` × the usual gap is stale ... */
  staleFactor: 3,
  /** ... and longer than `longestGapFactor` × the longest recent normal gap (event-driven devices: a motion sensor's quiet night) ... */
  longestGapFactor: 1.5,
  /** ... and never sooner than this (a device reporting every 10 s is not stale after 30 s of silence). */
  staleFloorMs: 30 * MINUTE,
  /** The longest recent gap halves in weight every this long, so one quiet weekend does not hide an outage for ever. */
  longestGapHalfLifeMs: 3 * DAY,
  /** Until a device's rhythm is learned, silence longer than Z2M's passive timeout (25 h) is stale. */
  unlearnedStaleMs: 25 * HOUR,
  /** A battery sensor (device_class battery, %) below this is low (HA's and Z2M's usual warning level). */
  lowBatteryPercent: 20,
  /** Zigbee link quality (0–255, Z2M's `linkquality`, unit "lqi") below this is weak. */
  weakLinkQuality: 30,
  /** Wi-Fi / BLE RSSI below this (dBm) is weak. */
  weakRssiDbm: -80,
} as const;
