import type { Logger } from "./logger";

export type Role = "owner" | "admin" | "user";
export type UnitSystem = "metric" | "us_customary";

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: Role;
  createdAt: number;
}

export interface ApiTokenView {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface MqttUserView {
  username: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  lastConnectedAt: number | null;
  connections: number;
}

export interface HomeView {
  locationName: string;
  timeZone: string;
  unitSystem: UnitSystem;
}

export interface OnboardingInput {
  name: string;
  username: string;
  password: string;
  locationName: string;
  timeZone: string;
  unitSystem: UnitSystem;
}

/** A new session: the secret goes into an HttpOnly cookie and nowhere else. */
export interface SessionGrant {
  sessionToken: string;
  expiresAt: number;
  user: UserView;
}

export interface MqttClientView {
  clientId: string;
  username: string | null;
  address: string | null;
  transport: "tcp" | "ws" | "tls";
  connectedAt: number;
}

export interface ListenerView {
  protocol: "mqtt" | "mqtts" | "ws" | "wss" | "http" | "https";
  address: string;
  port: number;
  path?: string;
}

export interface HubStatus {
  version: string;
  startedAt: number;
  uptimeS: number;
  locationName: string | null;
  listeners: ListenerView[];
  mqtt: {
    mode: "embedded" | "external";
    connected: boolean;
    anonymous: boolean;
    clients: MqttClientView[];
    messagesPerSecond: number;
    messagesTotal: number;
  };
  db: { file: string; sizeBytes: number };
  memory: { rssBytes: number; heapUsedBytes: number };
  discoveryPrefix: string;
}

export interface HealthView {
  status: "ok";
  version: string;
  uptime_s: number;
  mqtt: { mode: "embedded" | "external"; connected: boolean; clients: number; messages_per_second: number };
  db: { ok: boolean; size_bytes: number };
}

/** HA's GET /api/config shape. */
export interface HaConfigView {
  location_name: string;
  version: string;
  time_zone: string;
  unit_system: Record<string, string>;
  components: string[];
  config_dir: string | null;
  state: "RUNNING";
  latitude: number;
  longitude: number;
  elevation: number;
  currency: string;
  country: string | null;
  language: string;
  external_url: string | null;
  internal_url: string | null;
}

/** Who made a request: a person through a session cookie or a long-lived token. */
export interface Principal {
  user: UserView;
  via: "session" | "token";
}

/** Everything app/ may ask of the running hub. Plain, JSON-safe values only. */

/** Home Assistant's state object, exactly as its REST and WebSocket APIs send it. */
export interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_reported: string;
  last_updated: string;
  context: HaContext;
}

export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface EntityView {
  entity_id: string;
  unique_id: string | null;
  component: string;
  name: string;
  /** The entity's own name from discovery; null when the entity is the device. */
  original_name: string | null;
  device_id: string | null;
  room_id: string | null;
  available: boolean;
  /** The last value the device reported, even while unavailable ("unknown" before any). */
  last_state: string | null;
  discovery_topic: string;
  discovery_id: string;
  state_topic: string | null;
  command_topic: string | null;
  entity_category: string | null;
  device_class: string | null;
  enabled_by_default: boolean;
  origin: string | null;
}

export interface DeviceTriggerView {
  discovery_id: string;
  component: "device_automation" | "tag";
  type: string | null;
  subtype: string | null;
  topic: string | null;
  payload: string | null;
  fired_count: number;
  last_fired: number | null;
}

export interface DeviceView {
  id: string;
  name: string;
  name_by_user: string | null;
  original_name: string | null;
  identifiers: string[];
  connections: Array<[string, string]>;
  manufacturer: string | null;
  model: string | null;
  model_id: string | null;
  hw_version: string | null;
  sw_version: string | null;
  serial_number: string | null;
  configuration_url: string | null;
  suggested_area: string | null;
  via_device: string | null;
  /** Hearth's id of the parent device when `via_device` is known. */
  via_device_id: string | null;
  room_id: string | null;
  /** True when every entity with availability is available (devices without availability: true). */
  available: boolean;
  origin: string | null;
  entities: EntityView[];
  triggers: DeviceTriggerView[];
  created_at: number;
  updated_at: number;
}

/** One MQTT message kept for diagnostics. */
export interface RecentMessageView {
  topic: string;
  payload: string;
  retained: boolean;
  at: number;
}

export interface DiscoveryRecordView {
  topic: string;
  payload: string;
  retained: boolean;
  at: number;
  outcome: "accepted" | "unchanged" | "removed" | "rejected" | "illegal" | "migrated";
  reason: string | null;
  count: number;
}

export interface ProblemView {
  at: number;
  topic: string;
  kind: "config" | "template" | "payload";
  reason: string;
  count: number;
}

export interface DeviceDiagnosticsView {
  device: DeviceView;
  discovery: DiscoveryRecordView[];
  /** Expanded configs, per slot. */
  configs: Array<{ discovery_id: string; component: string; config: Record<string, unknown> }>;
  recent_messages: RecentMessageView[];
  problems: ProblemView[];
}

export interface DiscoveryStatusView {
  prefix: string;
  configs_seen: number;
  accepted: number;
  rejected: number;
  entities: number;
  devices: number;
  birth_published_at: number | null;
  recent_rejections: DiscoveryRecordView[];
}

export interface ServiceCallInput {
  domain: string;
  service: string;
  data: Record<string, unknown>;
  userId: string | null;
}

export interface HubApi {
  /** GET /api/health: liveness, no auth. */
  health(): HealthView;
  /** The status page: listeners, connected clients, message rate, database size. */
  status(): HubStatus;
  /** GET /api/config in Home Assistant's shape. */
  haConfig(): HaConfigView;
  auth: {
    /** True until the first person exists: the web UI then shows onboarding. */
    needsOnboarding(): boolean;
    /** Creates the owner and names the home; only while no user exists. */
    onboard(input: OnboardingInput, userAgent: string | null): Promise<SessionGrant>;
    login(username: string, password: string, userAgent: string | null): Promise<SessionGrant>;
    logout(sessionToken: string): void;
    /** The person behind a session cookie or bearer token, if it is valid. */
    authenticate(credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined }): Principal | undefined;
  };
  tokens: {
    list(userId: number): ApiTokenView[];
    /** Returns the token once; only its hash is kept. */
    create(userId: number, name: string): { token: string; info: ApiTokenView };
    revoke(userId: number, tokenId: number): void;
  };
  mqttUsers: {
    list(): MqttUserView[];
    /** Creates credentials; a password is generated when none is given and returned once. */
    add(input: { username: string; password?: string | undefined; description?: string | undefined }): Promise<{ user: MqttUserView; password: string }>;
    regeneratePassword(username: string): Promise<{ password: string }>;
    /** Deletes the user and closes its connections at once. */
    revoke(username: string): void;
  };
  home(): HomeView | null;
  states: {
    list(): HaState[];
    find(entityId: string): HaState | undefined;
  };
  services: {
    /** Runs a service; answers with the states it changed (HA's POST /api/services). */
    call(input: ServiceCallInput): Promise<HaState[]>;
    /** HA's GET /api/services shape: domains and their services. */
    list(): Array<{ domain: string; services: Record<string, { name: string; fields: Record<string, unknown> }> }>;
  };
  devices: {
    list(): DeviceView[];
    get(deviceId: string): DeviceView;
    update(deviceId: string, patch: { name?: string | null }): DeviceView;
    /** Forgets the device and clears its retained discovery topics so it does not come back. */
    remove(deviceId: string): Promise<void>;
    diagnostics(deviceId: string): DeviceDiagnosticsView;
  };
  entities: {
    list(): EntityView[];
  };
  discovery: {
    status(): DiscoveryStatusView;
    /** Publishes the birth message again so devices re-announce. */
    announce(): Promise<void>;
  };
  logger: Logger;
}
