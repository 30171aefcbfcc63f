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
  logger: Logger;
}
