import type { BatteryReading, HealthCounts, HealthProblem, LinkReading } from "@/devices/health/device-health";
import type { HistoryPeriodQuery, HistoryState } from "./history/history-reader";
import type { AutomationView, SampleFired, SaveInput as AutomationSaveInput } from "./automations/automation-engine";
import type { RuleTrace as AutomationTrace } from "./automations/rule-runtime";
import type { SceneView } from "./scenes/scene-service";
import type { TriggerSample } from "./automations/trigger-sample";
import type { ConditionResult } from "@/devices/automations/conditions";
import type { RecorderStatus } from "./history/recorder";
import type { DatabaseStatsView } from "./history/database-stats";
import type { RecorderPolicyPatch, RecorderPolicyView } from "./history/recorder-policies";
import type { PurgeReport } from "./history/retention";
import type { LogbookPage } from "./history/logbook";
import type { HaLogbookEntry, HaLogbookEventsRequest, HaLogbookRequest, HaLogbookWsEntry } from "./history/logbook-ha";
import type { LogbookRequest } from "./history/logbook-request";
import type { CsvExport, CsvExportQuery } from "./history/statistics-export";
import type { StatisticIdView, StatisticsQuery, StatisticsResult } from "./history/statistics-reader";
import type { Logger } from "./logger";
import type { PairingApi } from "./pairing/pairing-views";
import type { AclRule } from "@/devices/mqtt-acl/acl-rules";
import type { NotificationsApi, PushApi } from "./notifications/notification-views";
import type { CaCertificateView } from "./net/tls-files";

export type { Role } from "@/devices/auth/access";
import type { Role } from "@/devices/auth/access";
import type { AccessScope } from "./auth/access-scope";
import type { NewPerson, PersonPatch } from "./auth/account-service";
export type UnitSystem = "metric" | "us_customary";

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: Role;
  createdAt: number;
  /** The rooms this person sees and controls; null: every room. */
  rooms: string[] | null;
  /** Signs in only from the home network. */
  local_only: boolean;
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
  /** Where the home is (sun triggers and conditions); null until set. */
  latitude: number | null;
  longitude: number | null;
}

export interface OnboardingInput {
  name: string;
  username: string;
  password: string;
  locationName: string;
  timeZone: string;
  unitSystem: UnitSystem;
  /** Where the home is, for sun triggers and conditions. */
  latitude?: number;
  longitude?: number;
}

/** A new session: the secret goes into an HttpOnly cookie and nowhere else. */
/** One of a person's sign-ins (GET /api/auth/sessions). */
export interface SessionView {
  id: number;
  created_at: number;
  expires_at: number;
  /** Epoch ms, to the request; null when not used since the hub started (kept in memory only). */
  last_used_at: number | null;
  user_agent: string | null;
  /** The address it signed in from (the client a proxy on this machine named, else the TCP peer); null when unknown. */
  client_address: string | null;
  /** The session making this request ("this device"). */
  current: boolean;
}

/** A username whose logins wait out a lockout (GET /api/auth/lockouts). */
export interface LoginLockoutView {
  username: string;
  failures: number;
  /** Epoch ms when logins are accepted again. */
  until: number;
}

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
  /**
   * What signed this principal in: `session:<hash>` or `token:<id>`. A WebSocket opened with a short-lived
   * token carries the credential that token was issued to, so logging out or revoking closes it.
   */
  credential?: string;
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
  /** The room the entity shows in: its own room when it has one, else its device's. */
  room_id: string | null;
  /** The room a person moved this entity to, overriding its device's; null follows the device. */
  own_room_id: string | null;
  /** Hidden from dashboards by a person. */
  hidden: boolean;
  /** Pinned to the home view. */
  pinned: boolean;
  /** Place among its room's entities; null leaves the order automatic. */
  position: number | null;
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
  /** Retained configs replayed byte for byte as applied before (fingerprint match): known, not parsed again. */
  known: number;
  entities: number;
  devices: number;
  birth_published_at: number | null;
  recent_rejections: DiscoveryRecordView[];
}

/** A room (Home Assistant's area). `room_id` is the slug of the first name and never changes. */
export interface RoomView {
  room_id: string;
  name: string;
  icon: string | null;
  position: number;
  /** Devices placed in the room. */
  device_count: number;
  /** Entities shown in the room: their own room, or their device's. */
  entity_count: number;
}

/** One device's health (GET /api/devices/health). Thresholds: devices/health/thresholds.ts. */
export interface DeviceHealthView {
  device_id: string;
  name: string;
  room_id: string | null;
  /** Empty when healthy; offline and stale never both. */
  problems: HealthProblem[];
  /** Epoch ms of the last message on any of its topics since the hub started; null when none. */
  last_seen: number | null;
  /** Silence so far (since the hub started when it never spoke). */
  silent_for_ms: number;
  /** The learned usual gap between reports; null while still learning. */
  usual_interval_ms: number | null;
  /** Silence beyond this is stale. */
  stale_after_ms: number;
  /** Its lowest battery reading, if it has a battery entity. */
  battery: BatteryReading | null;
  /** Its weakest link reading (Zigbee LQI or RSSI), if it has one. */
  link: LinkReading | null;
}

/** Devices per problem, for the home view. */
export interface DeviceHealthSummary extends HealthCounts {
  checked_at: number;
}

/** The Room DTO of GET /api/rooms. */
export type Room = RoomView;

/** PATCH /api/entities/<entity_id>: what a person may set on one entity. Left-out fields stay. */
export interface EntitySettingsInput {
  /** Overrides the device's room; null follows the device again. */
  room_id?: string | null | undefined;
  hidden?: boolean | undefined;
  pinned?: boolean | undefined;
  position?: number | null | undefined;
}

/** HA's token answer: the browser trades its session cookie for this before each WebSocket auth. */
export interface WebSocketTokenView {
  access_token: string;
  token_type: "Bearer";
  /** Seconds. */
  expires_in: number;
}

/** One node of the MQTT explorer's topic tree: a direct child of the level asked for. */
export interface MqttTopicNodeView {
  /** This level's name (may be "" for topics such as "/home/x"). */
  name: string;
  /** The full topic of this node; pass `topic + "/"` as `prefix` to list its children. */
  topic: string;
  /** A message has been seen on exactly this topic. */
  has_message: boolean;
  /** The broker holds a retained message for exactly this topic. */
  retained: boolean;
  /** Topics below this node, not counting itself. */
  children: number;
  /** Topics with a retained message here and below (what clearing this branch would clear). */
  retained_below: number;
  /** Messages seen here and below since the hub started. */
  messages: number;
  /** Epoch ms of the latest message here and below; null when all were restored from the broker's store at start. */
  last_at: number | null;
  /** This exact topic's last payload on one line (its first 160 bytes); null without a message or when binary. */
  preview: string | null;
  /** That payload's full size in bytes; null without a message. */
  payload_size: number | null;
  /** Who published it (`$hub` for the hub); null when unknown or without a message. */
  client_id: string | null;
}

/** The last message on one topic. */
export interface MqttTopicMessageView {
  topic: string;
  /** UTF-8 text, or null when the payload is not text (then `payload_base64`). At most 16 KiB are kept. */
  payload: string | null;
  payload_base64: string | null;
  /** The payload's full size in bytes. */
  size: number;
  /** Only the first 16 KiB were kept. */
  truncated: boolean;
  /** The last message was published with the retain flag. */
  retained: boolean;
  /** The broker holds a retained message for this topic (the last retained one, even after plain messages). */
  retained_stored: boolean;
  qos: 0 | 1 | 2;
  /** Epoch ms; null when the message was restored from the broker's store at start. */
  at: number | null;
  /** The publisher's client id; `$hub` for the hub; null when unknown (restored, or an external broker). */
  client_id: string | null;
  username: string | null;
  /** Messages seen on this topic since the hub started. */
  messages: number;
}

/** One message of the explorer's live log (GET /api/mqtt/stream). */
export interface MqttLiveMessageView {
  topic: string;
  /** UTF-8 text of at most the first 4 KiB, or null when not text (then `payload_base64` of those bytes). */
  payload: string | null;
  payload_base64: string | null;
  size: number;
  truncated: boolean;
  retained: boolean;
  qos: 0 | 1 | 2;
  at: number;
  client_id: string | null;
  username: string | null;
}

/** POST /api/mqtt/publish: `payload` (text) or `payload_base64` (bytes); neither is an empty payload. */
export interface MqttPublishInput {
  topic: string;
  payload?: string | undefined;
  payload_base64?: string | undefined;
  qos?: 0 | 1 | 2 | undefined;
  retain?: boolean | undefined;
}

/** POST /api/mqtt/clear: one topic, or a branch; the whole tree ("" or "#") only with `confirm: true`. */
export type MqttClearInput = { topic: string } | { prefix: string; confirm?: boolean | undefined };

export interface ServiceCallInput {
  domain: string;
  service: string;
  data: Record<string, unknown>;
  userId: string | null;
  /** The caller's context (an automation run's): the change it causes carries it, so the logbook can say who. */
  context?: HaContext;
  /** A room-limited caller's rights: only entities it sees, and no hub-wide services. Absent: full access. */
  scope?: AccessScope;
}

export type { AutomationView, AutomationSaveInput, AutomationTrace, TriggerSample, ConditionResult };

export interface HubApi {
  /** GET /api/health: liveness, no auth. */
  health(): HealthView;
  /** The status page: listeners, connected clients, message rate, database size. */
  status(): HubStatus;
  /** GET /api/config in Home Assistant's shape. */
  haConfig(): HaConfigView;
  /** The local CA that `hearth tls self-signed` made in the data dir (public: phones download it to trust the hub), if any. */
  tlsCa(): CaCertificateView | undefined;
  auth: {
    /** True until the first person exists: the web UI then shows onboarding. */
    needsOnboarding(): boolean;
    /** Creates the owner and names the home; only while no user exists. */
    onboard(input: OnboardingInput, userAgent: string | null): Promise<SessionGrant>;
    /** `remoteAddress`: checked for a home-network-only person, kept with the session, logged on a lockout. */
    login(username: string, password: string, userAgent: string | null, remoteAddress?: string | null): Promise<SessionGrant>;
    logout(sessionToken: string): void;
    /**
     * The person behind a session cookie or bearer token, if it is valid. `clientAddress` (from a network request)
     * makes a home-network-only person's credentials do nothing from elsewhere.
     */
    authenticate(credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined; clientAddress?: string | null | undefined }): Principal | undefined;
    /** Whether a client address is on the home network (HEARTH_HOME_NETWORKS): webhooks' local_only. */
    isHomeNetwork(address: string | null): boolean;
    /** A short-lived token for the WebSocket API's auth message only (POST /api/auth/websocket-token). */
    /** A short-lived WebSocket token, bound to the principal's credential (logging out revokes it). */
    websocketToken(principal: Principal): WebSocketTokenView;
    /** The principal's person's live sessions, newest first; `current` marks the caller's own. */
    sessions(principal: Principal): SessionView[];
    /** Ends one of the person's sessions (and the WebSockets it opened). */
    revokeSession(principal: Principal, sessionId: number): void;
    /** Ends every session of the person except the caller's; answers how many. */
    revokeOtherSessions(principal: Principal): number;
    /** Needs the current password; every other session of the person ends. */
    changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void>;
    /** Usernames locked out by failed logins right now (owners and admins). */
    lockouts(): LoginLockoutView[];
  };
  /** What a person may see and control (their rooms); every answer is yes for owners, admins and unlimited members. */
  access(user: UserView): AccessScope;
  /** The household (owners and admins): rights change at once, and a changed person's live connections reconnect with them. */
  people: {
    list(): UserView[];
    add(by: UserView, input: NewPerson): Promise<UserView>;
    update(by: UserView, userId: number, patch: PersonPatch): Promise<UserView>;
    remove(by: UserView, userId: number): void;
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
    add(input: { username: string; password?: string | undefined; description?: string | undefined; acl?: AclRule[] | undefined }): Promise<{ user: MqttUserView; password: string }>;
    regeneratePassword(username: string): Promise<{ password: string }>;
    /** Deletes the user and closes its connections at once. */
    revoke(username: string): void;
    /** The user's ACL rules in order; an empty list = full access. */
    acl(username: string): { rules: AclRule[] };
    /** Replaces the rules (422 with `issues` for a bad one); connected clients apply them at once. */
    setAcl(username: string, rules: unknown): { rules: AclRule[] };
  };
  home(): HomeView | null;
  /** Sets (or with null clears) where the home is: sun triggers and conditions need it. */
  setHomeLocation(location: { latitude: number; longitude: number } | null): Promise<HomeView>;
  /** Recorded history (HA's GET /api/history/period) and the recorder's own state. */
  history: {
    period(query: HistoryPeriodQuery): HistoryState[][];
    /** The same answer as UTF-8 JSON text (what the route sends: no objects built for a week of states), written an entity per event-loop turn. */
    periodJson(query: HistoryPeriodQuery): Promise<Uint8Array>;
    recorder(): RecorderStatus;
    /** Long-term statistics (HA's recorder/statistics_during_period): 5-minute, hour, day, week or month rows per statistic. */
    statistics(query: StatisticsQuery): StatisticsResult;
    /** The statistics there are or will be (HA's recorder/list_statistic_ids); optionally only those with a mean or a sum. */
    statisticIds(statisticType?: "mean" | "sum"): StatisticIdView[];
    /** Raw history or statistics rows as CSV; a range over the row limit is payload_too_large. */
    exportCsv(query: CsvExportQuery): CsvExport;
    /** The "database" page: file size, table sizes, rows and bytes per entity, top writers, policies, recorder and purge state. */
    database(opts?: { fresh?: boolean }): Promise<DatabaseStatsView>;
    /** Per-entity recording policies (exclude, keep_days, min_change, debounce_ms); an entity may get one before it exists. */
    policies: {
      list(): RecorderPolicyView[];
      get(entityId: string): RecorderPolicyView;
      /** Merges a RecorderPolicyPatch into the entity's policy (validated here: invalid_input); a policy left saying nothing is removed. */
      set(entityId: string, patch: RecorderPolicyPatch | Readonly<Record<string, unknown>>): RecorderPolicyView;
      remove(entityId: string): void;
    };
    /** Purges now (or joins the purge under way) and answers what it removed. */
    purge(): Promise<PurgeReport>;
  };
  /** What happened in the home, in words, with the cause (GET /api/logbook; HA's GET /api/logbook/<datetime>). */
  logbook: {
    /** One page, newest first by default; filter by entity ids, a device or a room. */
    entries(request: LogbookRequest): Promise<LogbookPage>;
    /** Home Assistant's logbook answer: every entry of the range, oldest first. */
    ha(request: HaLogbookRequest): Promise<HaLogbookEntry[]>;
    /** HA's WebSocket `logbook/get_events`: entries of the range for these entities and devices, oldest first. */
    haEvents(request: HaLogbookEventsRequest): Promise<HaLogbookWsEntry[]>;
  };
  /** Device health: offline, stale, low battery, weak link (not the hub's own liveness: that is `health()`). */
  deviceHealth: {
    /** Every device, those with problems first. */
    list(): DeviceHealthView[];
    /** How many devices have each problem. */
    summary(): DeviceHealthSummary;
  };
  states: {
    list(): HaState[];
    find(entityId: string): HaState | undefined;
  };
  /** Automations in HA's format (server/automations): stored as written, with revisions and traces. */
  automations: {
    list(): AutomationView[];
    get(id: string): AutomationView;
    /** From YAML or JSON text; invalid rules are `unprocessable` (422) with every issue's path. */
    create(input: AutomationSaveInput): Promise<AutomationView>;
    update(id: string, input: AutomationSaveInput): Promise<AutomationView>;
    remove(id: string, by: string | null): Promise<void>;
    setEnabled(id: string, enabled: boolean): Promise<AutomationView>;
    /** Runs it now (conditions skipped unless asked); answers the run id. */
    run(id: string, opts?: { skipConditions?: boolean; variables?: Record<string, unknown>; userId?: string | null }): string;
    /** The editor's "fire this trigger": trigger `index` as if `sample` happened (conditions checked), or why it would not fire. */
    fireSample(id: string, index: number, sample: TriggerSample, userId: string | null): SampleFired;
    /** The editor's "test this condition": evaluated now, with the reason of each part. */
    testConditions(input: unknown, variables?: Record<string, unknown>): ConditionResult;
    traces(id: string): AutomationTrace[];
    revisions(id: string): Array<{ revision: number; saved_at: string; saved_by: string | null; action: string; format: "yaml" | "json"; source: string }>;
    restore(id: string, revision: number, by: string | null): Promise<AutomationView>;
    /** A webhook call (POST /api/webhook/<id>); answers whether a rule took it. */
    webhook(webhookId: string, req: { method: string; body: string; json: unknown; query: Record<string, string>; local: boolean }): boolean;
  };
  services: {
    /** Runs a service; answers with the states it changed (HA's POST /api/services). */
    call(input: ServiceCallInput): Promise<HaState[]>;
    /** HA's GET /api/services shape: domains and their services; a limited scope sees only what it may call. */
    list(scope?: AccessScope): Array<{ domain: string; services: Record<string, { name: string; fields: Record<string, unknown> }> }>;
  };
  /** The hub's own scenes (scene.create), kept in SQLite (GET /api/scenes). */
  scenes: {
    list(): SceneView[];
  };
  devices: {
    list(): DeviceView[];
    get(deviceId: string): DeviceView;
    /** Renames (null: back to the discovered name) and moves to a room (null: the "New devices" inbox). */
    update(deviceId: string, patch: { name?: string | null | undefined; room_id?: string | null | undefined }): DeviceView;
    /** Forgets the device and clears its retained discovery topics so it does not come back. */
    remove(deviceId: string): Promise<void>;
    diagnostics(deviceId: string): DeviceDiagnosticsView;
  };
  entities: {
    list(): EntityView[];
    /** Room override, hidden, pinned and position of one entity; settings are kept by entity id. */
    update(entityId: string, patch: EntitySettingsInput): EntityView;
  };
  rooms: {
    /** Every room, by position. */
    list(): RoomView[];
    get(roomId: string): RoomView;
    /** Names are trimmed, 1–64 characters and unique ignoring case; the id is the name's slug. */
    create(input: { name: string; icon?: string | null | undefined }): RoomView;
    /** Renames or changes the icon; the id stays. */
    update(roomId: string, patch: { name?: string | undefined; icon?: string | null | undefined }): RoomView;
    /** Deletes the room; its devices go to the inbox and its entities follow their devices again. */
    remove(roomId: string): void;
    /** Puts the rooms in this order; `roomIds` must list every room exactly once. */
    reorder(roomIds: readonly string[]): RoomView[];
  };
  /** The MQTT explorer (admins only): what the broker has seen, per topic; publish and clear as the hub. */
  mqtt: {
    /** The direct children of a tree level ("" = the top), sorted by name. */
    topics(prefix: string): Promise<MqttTopicNodeView[]>;
    /** The last message on a topic; not_found when none was seen. */
    message(topic: string): Promise<MqttTopicMessageView>;
    /** Publishes as the hub (`$hub`); invalid topics and payloads over 64 KiB are `unprocessable`. */
    publish(input: MqttPublishInput): Promise<void>;
    /** Deletes retained messages with empty retained publishes; answers how many topics were cleared. */
    clear(input: MqttClearInput): Promise<{ cleared: number }>;
  };
  discovery: {
    status(): DiscoveryStatusView;
    /** Publishes the birth message again so devices re-announce. */
    announce(): Promise<void>;
  };
  /** The "Add device" wizard: fresh credentials, a snippet, and what the new client announced (admins only). */
  pairing: PairingApi;
  /** In-app notifications (HA's persistent notifications; what notify.* sends), newest first. */
  notifications: NotificationsApi;
  /** Web Push to phones: the VAPID public key and the phones subscribed. */
  push: PushApi;
  logger: Logger;
}
