import type { HubDatabase } from "@/db/open-database";
import { DiscoveryFingerprints } from "@/db/queries/discovery";
import { databaseSize } from "@/db/open-database";
import { findHome, upsertHome } from "@/db/queries/accounts";
import { NetworkTrust } from "@/devices/auth/network";
import { accessScope, type PlacementLookup } from "./auth/access-scope";
import { People } from "./auth/people-api";
import { AccountService } from "./auth/account-service";
import { MqttAclService, parseAclRules } from "./auth/mqtt-acl-service";
import { SessionAdmin } from "./auth/session-admin";
import { WebSocketTokens } from "./auth/websocket-tokens";
import type { Config } from "./config";
import { EventBus } from "./event-bus";
import type { HubApi, HubStatus, ListenerView, MqttUserView, Principal } from "./hub-api";
import type { Logger } from "./logger";
import { WorkerBroker } from "./mqtt/worker-broker";
import { ExternalBroker } from "./mqtt/external-broker";
import type { MqttBus } from "./mqtt/mqtt-bus";
import type { RequestHandler, UpgradeHandler } from "./http/http-server";
import { EXPLORER_STREAM_PATH, ExplorerStream } from "./explorer/explorer-stream";
import { MqttExplorer } from "./explorer/mqtt-explorer";
import type { ExplorerSource } from "./mqtt/explorer-source";
import { ExternalExplorer } from "./mqtt/external-explorer";
import { WebSocketApi } from "./live/websocket-api";
import { lanHosts } from "./pairing/lan-hosts";
import { PairingService } from "./pairing/pairing-service";
import type { TlsMaterial } from "./net/tls-material";
import { readCaCertificate } from "./net/tls-files";
import { dataPaths } from "./paths";
import { DiscoveryService } from "./discovery/discovery-service";
import { DeviceRegistry } from "./registry/device-registry";
import { DeviceViews } from "./registry/device-views";
import { EntitySettings } from "./registry/entity-settings";
import { RoomRegistry } from "./registry/room-registry";
import { ServiceCaller } from "./state/service-caller";
import { SceneService } from "./scenes/scene-service";
import { StateStore } from "./state/state-store";
import { DeviceLastSeenStore } from "@/db/queries/device-last-seen";
import { DeviceActivity } from "./health/device-activity";
import { HistoryReader } from "./history/history-reader";
import { Recorder } from "./history/recorder";
import { RecorderPolicies } from "./history/recorder-policies";
import { Retention } from "./history/retention";
import { BackupService } from "./backup/backup-service";
import { fileStamp } from "./backup/snapshot";
import { backupRoutes } from "./backup/backup-routes";
import { WalKeeper } from "./history/wal-checkpointer";
import { AutomationEngine } from "./automations/automation-engine";
import { systemClock, type Clock } from "./automations/clock";
import { DatabaseStats } from "./history/database-stats";
import { Logbook } from "./history/logbook";
import { hubDirectory } from "./history/logbook-directory";
import { haLogbook, haLogbookEvents } from "./history/logbook-ha";
import { StatisticsCompiler } from "./history/statistics-compiler";
import { CsvExporter } from "./history/statistics-export";
import { StatisticsReader } from "./history/statistics-reader";
import { DeviceHealthService } from "./health/device-health-service";
import { HubError, isHubError } from "./errors";
import { NotificationService } from "./notifications/notification-service";
import { NotifyServices } from "./notifications/notify-domains";
import { WebPush } from "./notifications/web-push";

export interface HubDeps {
  config: Config;
  log: Logger;
  db: HubDatabase;
  dbFile: string;
  version: string;
  /** Certificate and key when TLS is configured (read once by the caller). */
  tls?: TlsMaterial | undefined;
  /** The broker thread died: the process cannot serve devices any more (main exits; systemd restarts it). */
  onFatal?: (err: Error) => void;
  /** The clock for states and device health (tests move it; default Date.now). */
  now?: () => number;
  /** The HTTP listener, once bound, for the status page. */
  httpListener?: () => ListenerView | undefined;
  /** The host name mDNS advertises (`hearth.local`), once announced; the "Add device" wizard offers it. */
  mdnsHost?: () => string | undefined;
  /** Restarts the process's hub on a checked backup file (main.ts); without it the web UI cannot restore. */
  restore?: ((file: string, passphrase: string | undefined) => void) | undefined;
  /** The automations' clock (tests drive a manual one; default the system clock). */
  clock?: Clock;
}

/** The composition root: builds every module, starts them in dependency order and stops them in reverse. */
export class Hub {
  readonly bus: EventBus;
  readonly accounts: AccountService;
  /** Where requests come from and what is home (HEARTH_TRUSTED_PROXIES, HEARTH_HOME_NETWORKS). */
  readonly network: NetworkTrust;
  /** A person's own sessions and password change (the profile page). */
  readonly sessionAdmin: SessionAdmin;
  readonly mqttAcl: MqttAclService;
  /** How every module reaches MQTT: the embedded broker, or a client of HEARTH_MQTT_URL. */
  readonly mqtt: MqttBus & { start(): Promise<void>; stop(): Promise<void> };
  /** The embedded broker; undefined in external-broker mode. */
  readonly broker: WorkerBroker | undefined;
  /** Home Assistant's WebSocket API at /api/websocket. */
  readonly live: WebSocketApi;
  /** Short-lived tokens that let a browser with a session cookie through the WebSocket API's auth. */
  readonly wsTokens = new WebSocketTokens();
  readonly api: HubApi;
  readonly registry: DeviceRegistry;
  readonly states: StateStore;
  /** Writes every state change and some events to SQLite in batches (HEARTH_HISTORY_COMMIT_MS). */
  readonly recorder: Recorder;
  /** Reads recorded history in Home Assistant's shapes. */
  readonly history: HistoryReader;
  /** Per-entity recording policies: exclude, keep days, minimum change, debounce. */
  readonly recorderPolicies: RecorderPolicies;
  /** Purges old history nightly in small steps and gives the space back (incremental vacuum). */
  readonly retention: Retention;
  /** Backups on demand and nightly into data/backups. */
  readonly backups: BackupService;
  /** The "database" page's figures (measured in a worker thread). */
  readonly databaseStats: DatabaseStats;
  /** What happened in the home, in words, with the cause. */
  readonly logbook: Logbook;
  /** Long-term statistics: 5-minute and hourly rows compiled from recorded sensor states. */
  readonly statistics: StatisticsCompiler;
  readonly statisticsReader: StatisticsReader;
  readonly csvExport: CsvExporter;
  /** Offline, stale, low-battery and weak-link devices; learns each device's reporting rhythm. */
  readonly deviceHealth: DeviceHealthService;
  readonly discovery: DiscoveryService;
  readonly services: ServiceCaller;
  /** The hub's `scene` domain: scene.apply, scene.create (kept in SQLite), scene.turn_on and scene.delete. */
  readonly scenes: SceneService;
  /** In-app notifications (HA's persistent_notification) and Web Push to phones; `notify.*` uses both. */
  readonly notifications: NotificationService;
  readonly push: WebPush;
  readonly #notify: NotifyServices;
  readonly automations: AutomationEngine;
  readonly views: DeviceViews;
  /** Rooms (HA areas), device and entity placement, suggested_area. */
  readonly rooms: RoomRegistry;
  readonly entitySettings: EntitySettings;
  /** The MQTT explorer: topic tree, last messages, publish and clear; its live log at /api/mqtt/stream. */
  readonly explorer: MqttExplorer;
  readonly explorerStream: ExplorerStream;
  /** The "Add device" wizard's sessions and Zigbee2MQTT bridge watches. */
  readonly pairing: PairingService;
  /** External-broker mode only: the explorer's `#` subscription, open while the explorer is in use. */
  readonly #externalExplorer: ExternalExplorer | undefined;
  readonly #deps: HubDeps;
  /** The household (Settings → People): what a change of someone's rights closes, revokes and forgets. */
  readonly #people: People;
  readonly #startedAt = Date.now();
  #started = false;
  /** The WAL checkpoint thread (history/wal-checkpointer.ts), from start to stop. */
  #wal: WalKeeper | undefined;

  constructor(deps: HubDeps) {
    this.#deps = deps;
    const { config, log, db } = deps;
    this.bus = new EventBus(log.child({ module: "event-bus" }));
    this.network = new NetworkTrust(config.network);
    this.accounts = new AccountService({ db, network: this.network });
    this.sessionAdmin = new SessionAdmin({ db });
    this.mqttAcl = new MqttAclService({ db, onChanged: (username) => this.broker?.aclChanged(username) });
    if (config.mqttUrl) {
      this.broker = undefined;
      this.mqtt = new ExternalBroker({
        log: log.child({ module: "external-broker" }),
        url: config.mqttUrl,
        will: { topic: this.birthTopic, payload: "offline" },
      });
    } else {
      this.broker = new WorkerBroker({
        log: log.child({ module: "broker" }),
        bus: this.bus,
        workerData: {
          logLevel: config.logLevel,
          dbFile: deps.dbFile,
          persistenceDir: dataPaths(config.dataDir).broker,
          host: config.host,
          tcpPort: config.mqttPort,
          tls: deps.tls,
          allowAnonymous: config.mqttAnonymous,
          protectedTopics: [this.birthTopic],
          discoveryPrefix: config.discoveryPrefix,
          limits: { maxPacketBytes: config.mqttMaxPacketBytes, maxConnectionsPerUser: config.mqttMaxConnectionsPerUser },
        },
        onCrash: (err) => deps.onFatal?.(err),
      });
      this.mqtt = this.broker;
    }
    this.registry = new DeviceRegistry({ db, bus: this.bus, log: log.child({ module: "registry" }) });
    const now = deps.now ?? Date.now;
    const activity = new DeviceActivity(new DeviceLastSeenStore(db));
    this.states = new StateStore({
      bus: this.bus,
      mqtt: this.mqtt,
      registry: this.registry,
      log: log.child({ module: "state" }),
      now,
      onSeen: (deviceId, at) => activity.seen(deviceId, at),
    });
    this.recorderPolicies = new RecorderPolicies({ db, now, defaultKeepDays: config.historyKeepDays });
    this.recorder = new Recorder({ bus: this.bus, db, log: log.child({ module: "recorder" }), commitMs: config.historyCommitMs, now, policy: this.recorderPolicies });
    this.retention = new Retention({
      db,
      wal: () => this.#wal,
      log: log.child({ module: "retention" }),
      policies: this.recorderPolicies,
      recorder: this.recorder,
      isKnownEntity: (entityId) => this.states.find(entityId) !== undefined,
      now,
      timeZone: () => findHome(db)?.timeZone,
    });
    this.databaseStats = new DatabaseStats({
      db,
      dbFile: deps.dbFile,
      log: log.child({ module: "database-stats" }),
      policies: this.recorderPolicies,
      recorder: () => this.recorder.status(),
      retention: () => this.retention.status(),
      entities: () => this.states.list().map((s) => ({ entityId: s.entity_id, name: typeof s.attributes.friendly_name === "string" ? s.attributes.friendly_name : null })),
      now,
    });
    this.history = new HistoryReader({ db, now, timeZone: () => findHome(db)?.timeZone });
    this.statistics = new StatisticsCompiler({
      db,
      log: log.child({ module: "statistics" }),
      now,
      states: () => this.states.list(),
      flush: () => this.recorder.flush(),
      keepDays: config.historyKeepDays,
    });
    this.statisticsReader = new StatisticsReader({ db, now, timeZone: () => findHome(db)?.timeZone, states: () => this.states.list() });
    this.csvExport = new CsvExporter({ db, statistics: this.statisticsReader });
    this.deviceHealth = new DeviceHealthService({ bus: this.bus, registry: this.registry, states: this.states, activity, now, log: log.child({ module: "health" }) });
    this.discovery = new DiscoveryService({
      mqtt: this.mqtt,
      registry: this.registry,
      log: log.child({ module: "discovery" }),
      prefix: config.discoveryPrefix,
      fingerprints: new DiscoveryFingerprints(db),
    });
    this.entitySettings = new EntitySettings({ db });
    this.rooms = new RoomRegistry({ db, bus: this.bus, log: log.child({ module: "rooms" }), devices: this.registry, settings: this.entitySettings });
    this.services = new ServiceCaller({ mqtt: this.mqtt, registry: this.registry, states: this.states, areas: this.rooms });
    this.scenes = new SceneService({ db, log: log.child({ module: "scenes" }), now, state: (entityId) => this.states.find(entityId), callService: (input) => this.services.call(input) });
    this.services.addDomain("scene", this.scenes);
    this.notifications = new NotificationService({ db, bus: this.bus, log: log.child({ module: "notifications" }), now });
    this.push = new WebPush({ db, log: log.child({ module: "web-push" }), now });
    this.#notify = new NotifyServices({ notifications: this.notifications, push: this.push, bus: this.bus, log: log.child({ module: "notify" }) });
    this.services.addDomain("persistent_notification", this.#notify.persistentNotification());
    this.services.addDomain("notify", this.#notify.notify());
    this.views = new DeviceViews(this.registry, this.states, this.entitySettings);
    this.automations = new AutomationEngine({
      db,
      bus: this.bus,
      mqtt: this.mqtt,
      log: log.child({ module: "automations" }),
      clock: deps.clock ?? systemClock,
      state: (entityId) => this.states.find(entityId),
      states: () => this.states.list(),
      callService: (input) => this.services.call(input),
      deviceEntities: (deviceId) => this.registry.entitiesOfDevice(deviceId).flatMap((e) => (e.entityId ? [e.entityId] : [])),
      timeZone: () => findHome(db)?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      location: () => {
        const h = findHome(db);
        return h && h.latitude !== null && h.longitude !== null ? { latitude: h.latitude, longitude: h.longitude } : undefined;
      },
    });
    this.logbook = new Logbook({
      db,
      now,
      timeZone: () => findHome(db)?.timeZone,
      directory: hubDirectory({ registry: this.registry, rooms: this.rooms, settings: this.entitySettings, states: this.states, accounts: this.accounts }),
      flush: () => this.recorder.flush(),
    });
    // Embedded: the broker thread indexes every publish with its client. External: a `#` subscription, on demand.
    let explorerSource: ExplorerSource;
    if (this.broker) {
      explorerSource = this.broker;
      this.#externalExplorer = undefined;
    } else {
      this.#externalExplorer = new ExternalExplorer({ mqtt: this.mqtt, log: log.child({ module: "explorer" }) });
      explorerSource = this.#externalExplorer;
    }
    this.explorer = new MqttExplorer({ source: explorerSource, mqtt: this.mqtt });
    this.explorerStream = new ExplorerStream({
      explorer: this.explorer,
      authenticate: (c) => this.accounts.authenticate(c),
      log: log.child({ module: "explorer-stream" }),
    });
    this.backups = new BackupService({
      sqlite: db.$client,
      brokerDump: async () => (this.broker ? this.broker.dumpStore() : undefined),
      config,
      version: deps.version,
      now,
      log: log.child({ module: "backup" }),
      dir: dataPaths(config.dataDir).backups,
      keep: config.backupKeep,
      at: config.backupAt,
      timeZone: () => findHome(db)?.timeZone,
    });
    this.pairing = new PairingService({
      mqtt: this.mqtt,
      bus: this.bus,
      log: log.child({ module: "pairing" }),
      discoveryPrefix: config.discoveryPrefix,
      ports: () => {
        if (!this.broker) return undefined;
        const listeners = this.mqtt.listeners();
        return { tcp: listeners.find((l) => l.protocol === "mqtt")?.port ?? null, tls: listeners.find((l) => l.protocol === "mqtts")?.port ?? null };
      },
      hosts: () => lanHosts({ bindHost: config.host, mdnsName: deps.mdnsHost?.() }),
      createMqttUser: (input) => this.api.mqttUsers.add(input),
      devices: () => this.views.devices(),
      publisherOf: async (topic) => {
        const m = await this.explorer.message(topic);
        return { username: m.username };
      },
    });
    this.#people = new People({
      accounts: this.accounts,
      sessions: this.sessionAdmin,
      roomExists: (roomId) => this.rooms.findRoom(roomId) !== undefined,
      log,
      // Their WebSockets and MQTT explorer streams reconnect, or fail, under the new rights.
      endConnections: (userId) => {
        this.live.closeUser(userId);
        this.explorerStream.closeUser(userId);
      },
      forgetPhones: (userId) => this.push.forgetUser(String(userId)),
      revoked: (credential) => this.#revoked(credential),
    });
    this.api = this.#buildApi();
    this.live = new WebSocketApi({
      log: log.child({ module: "websocket-api" }),
      api: this.api,
      bus: this.bus,
      authenticate: (accessToken, address) => this.#authenticateWebSocket(accessToken, address),
    });
  }

  get birthTopic(): string {
    return `${this.#deps.config.discoveryPrefix}/status`;
  }

  #deviceOrThrow(deviceId: string) {
    const device = this.registry.findDevice(deviceId);
    if (!device) throw new HubError("not_found", `no device ${deviceId}`);
    return device;
  }

  /** The WebSocket auth phase takes a short-lived WebSocket token or a long-lived API token. */
  #authenticateWebSocket(accessToken: string, clientAddress: string | null): Principal | undefined {
    const issued = this.wsTokens.verify(accessToken);
    if (issued !== undefined) {
      const user = this.accounts.findUser(issued.userId);
      if (!user || (user.local_only && !this.network.isHome(clientAddress))) return undefined;
      return issued.credential === undefined ? { user, via: "token" } : { user, via: "token", credential: issued.credential };
    }
    return this.accounts.authenticate({ bearerToken: accessToken, clientAddress });
  }

  /** Where things are, for access scopes: read at each question, so a move changes who sees what at once. */
  readonly #placement: PlacementLookup = {
    roomOfEntity: (entityId) => this.rooms.roomOfEntity(entityId),
    roomOfDevice: (deviceId) => this.registry.findDevice(deviceId)?.roomId ?? null,
    entityIdsOfDevice: (deviceId) => this.registry.entitiesOfDevice(deviceId).flatMap((e) => (e.entityId ? [e.entityId] : [])),
  };

  /** A session ended or a token was revoked: its WebSocket tokens stop working and its sockets close now. */
  #revoked(credential: string): void {
    this.wsTokens.revokeCredential(credential);
    this.live.closeCredential(credential);
  }

  /** Closes every connection of an MQTT user (embedded broker only). */
  #disconnectMqttUser(username: string): void {
    this.broker?.disconnectUser(username);
  }

  async start(): Promise<void> {
    await this.mqtt.start();
    this.#started = true;
    if (this.#deps.dbFile !== ":memory:") {
      this.#wal = await WalKeeper.start({ db: this.#deps.db, file: this.#deps.dbFile, log: this.#deps.log.child({ module: "wal" }) });
    }
    // Consumers first, discovery last, so retained configs arrive once everyone listens (STYLE §3.4).
    this.live.start();
    this.notifications.start();
    this.#notify.start();
    this.recorderPolicies.start();
    this.recorder.start();
    this.retention.start();
    if (this.#deps.dbFile !== ":memory:") this.backups.start();
    this.statistics.start();
    this.states.start();
    this.deviceHealth.start();
    const restored = this.registry.load(this.discovery.loadDefinition);
    for (const entity of restored) this.bus.emit("entityDiscovered", { slotKey: entity.slotKey, entityId: entity.entityId, isUpdate: false });
    this.entitySettings.load();
    this.rooms.start();
    this.pairing.start();
    // Subscribes to discovery; the birth message goes out once the retained replay is quiet (DISCOVERY.md §11).
    await this.discovery.start();
    const replayDone = () => {
      this.states.startupReplayDone();
      // After the retained replay: rules see states as they are, and `homeassistant: start` means ready.
      if (this.#started) this.automations.start().catch((err: unknown) => this.#deps.log.error({ err }, "starting automations failed"));
    };
    void this.discovery.settled.then(replayDone, replayDone);
  }

  /** The HTTP upgrade paths the hub owns; every other upgrade is Next's. */
  upgrades(): Record<string, UpgradeHandler> {
    return {
      "/mqtt": (req, socket, head) => {
        if (this.broker) this.broker.handleUpgrade(req, socket, head);
        else socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      },
      "/api/websocket": (req, socket, head) => this.live.handleUpgrade(req, socket, head),
    };
  }

  /** The plain HTTP paths the hub serves itself, before Next: live streams (STYLE §4 P6). */
  routes(): Record<string, RequestHandler> {
    return {
      [EXPLORER_STREAM_PATH]: this.explorerStream.handle,
      ...backupRoutes({
        backups: this.backups,
        authenticate: (c) => this.accounts.authenticate(c),
        log: this.#deps.log.child({ module: "backup" }),
        uploadPath: () => `${this.#deps.config.dataDir}.upload-${fileStamp(Date.now())}`,
        restore: this.#deps.restore,
      }),
    };
  }

  async stop(): Promise<void> {
    this.live.close();
    this.explorerStream.close();
    if (!this.#started) return;
    this.#started = false;
    await this.automations.stop();
    this.#notify.stop();
    await this.push.stop();
    await this.pairing.stop();
    await this.discovery.stop();
    this.rooms.stop();
    this.states.stop();
    this.registry.flush();
    // After the registry's flush: a last-seen time is stored only for a device the database has.
    this.deviceHealth.stop();
    await this.statistics.stop();
    await this.retention.stop();
    await this.backups.stop();
    await this.databaseStats.stop();
    await this.recorder.stop();
    await this.#wal?.stop();
    this.#wal = undefined;
    this.recorderPolicies.stop();
    // A clean stop does not fire a will (and the embedded broker dies with us): say it ourselves.
    await this.mqtt.publish(this.birthTopic, "offline", { qos: 1, retain: false }).catch(() => undefined);
    await this.#externalExplorer?.stop();
    await this.mqtt.stop();
  }

  status(): HubStatus {
    const { config, dbFile, version } = this.#deps;
    const stats = this.mqtt.stats();
    const http = this.#deps.httpListener?.();
    const listeners: ListenerView[] = [...this.mqtt.listeners()];
    if (http && this.broker) {
      listeners.push(http);
      listeners.push({ protocol: http.protocol === "https" ? "wss" : "ws", address: http.address, port: http.port, path: "/mqtt" });
    }
    const mem = process.memoryUsage();
    return {
      version,
      startedAt: this.#startedAt,
      uptimeS: Math.round((Date.now() - this.#startedAt) / 1000),
      locationName: findHome(this.#deps.db)?.locationName ?? null,
      listeners,
      mqtt: {
        mode: stats.mode,
        connected: stats.connected,
        anonymous: config.mqttAnonymous,
        clients: this.mqtt.clients(),
        messagesPerSecond: Math.round(stats.messagesPerSecond * 10) / 10,
        messagesTotal: stats.messagesTotal,
      },
      db: { file: dbFile, sizeBytes: databaseSize(dbFile) },
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
      discoveryPrefix: config.discoveryPrefix,
    };
  }

  #buildApi(): HubApi {
    const { log, db, version, dbFile } = this.#deps;
    const accounts = this.accounts;
    const mqttUserView = (u: { username: string; description: string; createdAt: number; updatedAt: number; lastConnectedAt: number | null }): MqttUserView => ({
      username: u.username,
      description: u.description,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
      lastConnectedAt: u.lastConnectedAt,
      connections: this.mqtt.clients().filter((c) => c.username === u.username).length,
    });
    return {
      logger: log.child({ module: "app" }),
      health: () => {
        const stats = this.mqtt.stats();
        let dbOk = true;
        try {
          db.$client.prepare("select 1").get();
        } catch {
          dbOk = false;
        }
        return {
          status: "ok",
          version,
          uptime_s: Math.round((Date.now() - this.#startedAt) / 1000),
          mqtt: { mode: stats.mode, connected: stats.connected, clients: stats.clients, messages_per_second: stats.messagesPerSecond },
          db: { ok: dbOk, size_bytes: databaseSize(dbFile) },
        };
      },
      status: () => this.status(),
      tlsCa: () => readCaCertificate(dataPaths(this.#deps.config.dataDir).tls),
      haConfig: () => {
        const home = findHome(db);
        const metric = (home?.unitSystem ?? "metric") === "metric";
        return {
          location_name: home?.locationName ?? "Home",
          version,
          time_zone: home?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
          unit_system: metric
            ? { length: "km", accumulated_precipitation: "mm", mass: "g", pressure: "Pa", temperature: "°C", volume: "L", wind_speed: "m/s" }
            : { length: "mi", accumulated_precipitation: "in", mass: "lb", pressure: "psi", temperature: "°F", volume: "gal", wind_speed: "mph" },
          components: ["api", "auth", "mqtt", "onboarding", "websocket_api"],
          config_dir: null,
          state: "RUNNING",
          latitude: home?.latitude ?? 0,
          longitude: home?.longitude ?? 0,
          elevation: 0,
          currency: "EUR",
          country: null,
          language: "en",
          external_url: null,
          internal_url: null,
        };
      },
      auth: {
        needsOnboarding: () => accounts.needsOnboarding(),
        onboard: (input, ua) => accounts.onboard(input, ua),
        login: (u, p, ua, remoteAddress) =>
          accounts.login(u, p, ua, remoteAddress ?? null).catch((err: unknown) => {
            if (isHubError(err) && err.code === "rate_limited") this.#deps.log.warn({ module: "auth", username: u.trim(), remoteAddress }, "login refused: username locked out");
            throw err;
          }),
        logout: (t) => this.#revoked(accounts.logout(t)),
        authenticate: (c) => {
          const principal = accounts.authenticate(c);
          this.sessionAdmin.touch(principal?.credential);
          return principal;
        },
        websocketToken: (principal) => this.wsTokens.issue(principal.user.id, principal.credential),
        sessions: (principal) => this.sessionAdmin.list(principal.user.id, principal.credential),
        revokeSession: (principal, id) => this.#revoked(this.sessionAdmin.revoke(principal.user.id, id)),
        revokeOtherSessions: (principal) => {
          const ended = this.sessionAdmin.revokeOthers(principal.user.id, principal.credential);
          for (const credential of ended) this.#revoked(credential);
          return ended.length;
        },
        changePassword: async (principal, current, next) => {
          const ended = await this.sessionAdmin.changePassword(principal.user.id, current, next, principal.credential);
          for (const credential of ended) this.#revoked(credential);
          this.#deps.log.info({ module: "auth", userId: principal.user.id, sessionsEnded: ended.length }, "password changed");
        },
        lockouts: () => accounts.lockouts(),
        isHomeNetwork: (address) => this.network.isHome(address),
      },
      access: (user) => accessScope(user, this.#placement),
      people: this.#people.api(),
      tokens: {
        list: (userId) => accounts.listTokens(userId),
        create: (userId, name) => accounts.createToken(userId, name),
        revoke: (userId, tokenId) => this.#revoked(accounts.revokeToken(userId, tokenId)),
      },
      mqttUsers: {
        list: () => accounts.listMqttUsers().map(mqttUserView),
        add: async (input) => {
          const acl = input.acl ? parseAclRules(input.acl) : undefined;
          const { user, password } = await accounts.addMqttUser(input);
          if (acl) this.mqttAcl.replace(user.username, acl);
          return { user: mqttUserView(user), password };
        },
        regeneratePassword: async (username) => {
          const password = await accounts.regenerateMqttPassword(username);
          // Connections made with the old password must not outlive it.
          this.#disconnectMqttUser(username);
          return { password };
        },
        revoke: (username) => {
          accounts.revokeMqttUser(username);
          this.broker?.aclChanged(username);
          // Its connections must not outlive the credentials.
          this.#disconnectMqttUser(username);
        },
        acl: (username) => ({ rules: this.mqttAcl.get(username) }),
        setAcl: (username, rules) => ({ rules: this.mqttAcl.replace(username, rules) }),
      },
      history: {
        period: (query) => this.history.period(query),
        periodJson: (query) => this.history.periodJsonAsync(query),
        recorder: () => this.recorder.status(),
        statistics: (query) => this.statisticsReader.during(query),
        statisticIds: (statisticType) => this.statisticsReader.ids(statisticType),
        exportCsv: (query) => this.csvExport.export(query),
        database: (opts) => this.databaseStats.view(opts),
        policies: {
          list: () => this.recorderPolicies.list(),
          get: (entityId) => {
            const policy = this.recorderPolicies.get(entityId);
            if (!policy) throw new HubError("not_found", `${entityId} has no recording policy`);
            return policy;
          },
          set: (entityId, patch) => this.recorderPolicies.set(entityId, patch),
          remove: (entityId) => this.recorderPolicies.remove(entityId),
        },
        purge: () => this.retention.purgeNow("manual"),
      },
      logbook: {
        entries: (request) => this.logbook.entries(request),
        ha: (request) => haLogbook(this.logbook, request, (this.#deps.now ?? Date.now)(), findHome(db)?.timeZone),
        haEvents: (request) => haLogbookEvents(this.logbook, request, (this.#deps.now ?? Date.now)(), findHome(db)?.timeZone),
      },
      deviceHealth: {
        list: () => this.deviceHealth.list(),
        summary: () => this.deviceHealth.summary(),
      },
      home: () => {
        const h = findHome(db);
        return h ? { locationName: h.locationName, timeZone: h.timeZone, unitSystem: h.unitSystem, latitude: h.latitude, longitude: h.longitude } : null;
      },
      setHomeLocation: async (location) => {
        const h = findHome(db);
        if (!h) throw new HubError("conflict", "the home is not set up yet (onboarding)");
        if (location && (!(Math.abs(location.latitude) <= 90) || !(Math.abs(location.longitude) <= 180))) throw new HubError("invalid_input", "latitude must be within ±90 and longitude within ±180");
        upsertHome(db, { ...h, latitude: location?.latitude ?? null, longitude: location?.longitude ?? null });
        // Sun triggers are scheduled from the location: the rules attach again.
        await this.automations.reloadAll();
        return this.api.home()!;
      },
      states: {
        list: () => this.states.list(),
        find: (entityId) => this.states.find(entityId),
      },
      services: {
        call: (input) => this.services.call(input),
        list: (scope) => this.services.list(scope),
      },
      scenes: {
        list: () => this.scenes.list(),
      },
      automations: {
        list: () => this.automations.list(),
        get: (id) => this.automations.get(id),
        create: (input) => this.automations.create(input),
        update: (id, input) => this.automations.update(id, input),
        remove: (id, by) => this.automations.remove(id, by),
        setEnabled: (id, enabled) => this.automations.setEnabled(id, enabled),
        run: (id, opts) => this.automations.run(id, opts),
        fireSample: (id, index, sample, userId) => this.automations.fireSample(id, index, sample, userId),
        testConditions: (input, variables) => this.automations.testConditions(input, variables),
        traces: (id) => this.automations.traces(id),
        revisions: (id) => this.automations.revisions(id),
        restore: (id, revision, by) => this.automations.restore(id, revision, by),
        webhook: (id, req) => this.automations.webhook(id, req),
      },
      devices: {
        list: () => this.views.devices(),
        get: (deviceId) => this.views.device(this.#deviceOrThrow(deviceId)),
        update: (deviceId, patch) => {
          this.#deviceOrThrow(deviceId);
          // The room first: an unknown room fails the whole patch before anything changes.
          if (patch.room_id !== undefined) this.rooms.moveDevice(deviceId, patch.room_id);
          if (patch.name !== undefined) this.registry.renameDevice(deviceId, patch.name === null || patch.name.trim() === "" ? null : patch.name.trim());
          return this.views.device(this.#deviceOrThrow(deviceId));
        },
        remove: async (deviceId) => {
          this.#deviceOrThrow(deviceId);
          // Its entity ids are given up, so a future entity taking one must not inherit these settings.
          this.entitySettings.forget(this.registry.entitiesOfDevice(deviceId).flatMap((s) => (s.entityId ? [s.entityId] : [])));
          const removed = this.registry.removeDevice(deviceId);
          // Clear the broker's copies, or the device comes back as a ghost on the next replay (DISCOVERY.md §10).
          for (const topic of removed?.discoveryTopics ?? []) await this.mqtt.publish(topic, "", { qos: 1, retain: true });
          this.registry.flush();
        },
        diagnostics: (deviceId) => {
          const device = this.#deviceOrThrow(deviceId);
          const slots = this.registry.entitiesOfDevice(deviceId);
          return {
            device: this.views.device(device, slots),
            discovery: this.discovery.records(new Set(slots.map((s) => s.discoveryTopic))),
            configs: slots.map((s) => ({ discovery_id: s.discoveryId, component: s.component, config: s.raw })),
            recent_messages: this.states.recentMessages(slots.map((s) => s.slotKey)),
            problems: slots.flatMap((s) => this.states.problems(s.slotKey)).sort((a, b) => b.at - a.at),
          };
        },
      },
      entities: {
        list: () => this.views.entities(),
        update: (entityId, patch) => {
          this.rooms.updateEntity(entityId, patch);
          const entity = this.registry.findEntity(entityId);
          const view = entity ? this.views.entity(entity) : undefined;
          if (!view) throw new HubError("not_found", `no entity ${entityId}`);
          return view;
        },
      },
      rooms: {
        list: () => this.rooms.list(),
        get: (roomId) => this.rooms.get(roomId),
        create: (input) => this.rooms.create(input),
        update: (roomId, patch) => this.rooms.update(roomId, patch),
        remove: (roomId) => {
          this.rooms.remove(roomId);
          this.#people.roomRemoved(roomId);
        },
        reorder: (roomIds) => this.rooms.reorder(roomIds),
      },
      mqtt: {
        topics: (prefix) => this.explorer.topics(prefix),
        message: (topic) => this.explorer.message(topic),
        publish: (input) => this.explorer.publish(input),
        clear: (input) => this.explorer.clear(input),
      },
      discovery: {
        status: () => this.discovery.status(),
        announce: () => this.discovery.announce(),
      },
      pairing: this.pairing.api(),
      notifications: this.notifications.api(),
      push: this.push.api(),
    };
  }
}
