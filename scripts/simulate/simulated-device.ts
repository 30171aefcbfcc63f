/** A retained or live message a device sends; payloads are strings, as firmware builds them. */
export interface OutMessage {
  topic: string;
  payload: string;
}

/** Where a device publishes. Publishing while disconnected drops the message (and counts it), as firmware does. */
export interface Outbox {
  publish(topic: string, payload: string, retain?: boolean, qos?: 0 | 1): void;
}

/** One rate-driven state report; returns how many messages it published. */
export type Reporter = (out: Outbox) => number;

export const DEVICE_KINDS = [
  "zigbee2mqtt-bridge",
  "tasmota-plug",
  "esphome-node",
  "esphome-thermostat",
  "esphome-cover",
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** What every simulated firmware looks like to the connection and the scheduler. */
export interface SimulatedDevice {
  readonly kind: DeviceKind;
  readonly home: number;
  readonly clientId: string;
  /** One line for the "connected" log: firmware, name, what it exposes. */
  readonly description: string;
  readonly keepaliveS: number;
  /** The last will, registered on every CONNECT; also the topic the hub reads availability from. */
  readonly will: OutMessage & { retain: boolean; qos: 0 | 1 };
  /** Subscribed on every connect, before `announce`: command topics and, if the firmware listens, the birth topic. */
  readonly subscriptions: readonly string[];
  /** Rate-driven reports (sensor telemetry); the scheduler spreads the global rate over all of them. */
  readonly reporters: readonly Reporter[];
  /** After every (re)connect: availability, discovery configs and state, in the firmware's order. */
  announce(out: Outbox): void;
  /** A message on a subscribed topic; returns true when it was a command the device obeyed. */
  receive(topic: string, payload: string, out: Outbox): boolean;
  /** Physics (motion, heating, energy metering); called on a fixed interval with the elapsed time. */
  advance(dtMs: number, out: Outbox): void;
  /** What the firmware publishes (retained) on an orderly shutdown: a clean DISCONNECT does not fire the will. */
  farewell(): readonly OutMessage[];
  /** Cancels the device's own timers. */
  dispose(): void;
}

/** Per-device settings handed out by the home plan. */
export interface DeviceContext {
  home: number;
  prefix: string;
  seed: number;
  coverTravelMs: number;
  z2mBirthDelayMs: number;
}
