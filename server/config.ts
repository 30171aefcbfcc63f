import path from "node:path";
import { z } from "zod";
import { DEFAULT_HOME_NETWORKS, DEFAULT_TRUSTED_PROXIES, parseAddressList, type NetworkTrustSettings } from "@/devices/auth/network";
import { DEFAULT_MAX_CONNECTIONS_PER_USER, DEFAULT_MAX_PACKET_BYTES } from "./mqtt/broker-limits";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** MQTT's largest remaining length (four length bytes) [MQTT-2.2.3]. */
const MQTT_MAX_REMAINING_LENGTH = 268_435_455;

const port = (fallback: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) {
        ctx.addIssue({ code: "custom", message: `must be a port number from 0 to 65535, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .default(String(fallback))
    .transform((v, ctx) => {
      if (["true", "1", "yes", "on"].includes(v)) return true;
      if (["false", "0", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });

const integerIn = (fallback: number, min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be ${what} from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const addressList = (fallback: readonly string[]) =>
  z
    .string()
    .trim()
    .default(fallback.join(","))
    .transform((v, ctx) => {
      try {
        return parseAddressList(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    });

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const envSchema = z.object({
  HEARTH_DATA_DIR: z.string().trim().min(1).default("./data"),
  HEARTH_HOST: z.string().trim().min(1).default("0.0.0.0"),
  HEARTH_HTTP_PORT: port(3000),
  HEARTH_MQTT_PORT: port(1883),
  HEARTH_MQTTS_PORT: optionalText,
  HEARTH_TLS_CERT: optionalText,
  HEARTH_TLS_KEY: optionalText,
  HEARTH_MQTT_ANONYMOUS: bool(false),
  HEARTH_MQTT_MAX_PACKET_BYTES: integerIn(DEFAULT_MAX_PACKET_BYTES, 1024, MQTT_MAX_REMAINING_LENGTH, "a size in bytes"),
  HEARTH_MQTT_MAX_CONNECTIONS_PER_USER: integerIn(DEFAULT_MAX_CONNECTIONS_PER_USER, 1, 1_000_000, "a number of connections"),
  HEARTH_MQTT_URL: optionalText.pipe(
    z
      .string()
      .regex(/^(mqtts?|wss?):\/\//, "must be an mqtt://, mqtts://, ws:// or wss:// URL")
      .optional(),
  ),
  HEARTH_DISCOVERY_PREFIX: z
    .string()
    .trim()
    .default("homeassistant")
    .refine((v) => v.length > 0 && !/[#+]/.test(v) && !v.startsWith("/") && !v.endsWith("/"), {
      message: "must be a topic prefix without wildcards or leading/trailing '/'",
    }),
  HEARTH_MDNS: bool(true),
  HEARTH_TRUSTED_PROXIES: addressList(DEFAULT_TRUSTED_PROXIES),
  HEARTH_HOME_NETWORKS: addressList(DEFAULT_HOME_NETWORKS),
  HEARTH_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  HEARTH_HISTORY_KEEP_DAYS: integerIn(10, 1, 3650, "a number of days"),
  HEARTH_HISTORY_COMMIT_MS: integerIn(1000, 50, 60_000, "milliseconds"),
  HEARTH_BACKUP_KEEP: integerIn(7, 1, 365, "a number of backups"),
  HEARTH_BACKUP_AT: z
    .string()
    .trim()
    .default("03:30")
    .transform((v, ctx) => {
      const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
      if (!m) {
        ctx.addIssue({ code: "custom", message: "must be a time of day HH:MM" });
        return z.NEVER;
      }
      return { hour: Number(m[1]), minute: Number(m[2]) };
    }),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the hub reads from its environment, validated once at start-up. */
export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly httpPort: number;
  readonly mqttPort: number;
  readonly mqttAnonymous: boolean;
  /** Largest MQTT packet the embedded broker accepts (HEARTH_MQTT_MAX_PACKET_BYTES). */
  readonly mqttMaxPacketBytes: number;
  /** Connections one MQTT user may hold at once on the embedded broker (HEARTH_MQTT_MAX_CONNECTIONS_PER_USER). */
  readonly mqttMaxConnectionsPerUser: number;
  readonly mqttUrl: string | undefined;
  readonly tls: { readonly port: number; readonly certFile: string; readonly keyFile: string } | undefined;
  readonly discoveryPrefix: string;
  readonly mdns: boolean;
  /** Proxies whose X-Forwarded-For is believed and the ranges that are home (HEARTH_TRUSTED_PROXIES, HEARTH_HOME_NETWORKS). */
  readonly network: NetworkTrustSettings;
  readonly logLevel: LogLevel;
  /** Raw history (every state change) is kept this many days; hourly statistics are kept for ever. */
  readonly historyKeepDays: number;
  /** The recorder commits its buffer this often: what `kill -9` can lose at most. */
  readonly historyCommitMs: number;
  /** Automatic backups kept in data/backups (HEARTH_BACKUP_KEEP). */
  readonly backupKeep: number;
  /** Local time of day (home time zone) of the nightly backup (HEARTH_BACKUP_AT). */
  readonly backupAt: { readonly hour: number; readonly minute: number };
  readonly dev: boolean;
}

/** A bad environment: the message names every bad variable, one per line. */
export class ConfigError extends Error {
  readonly code = "invalid_config";
  readonly variables: string[];
  constructor(problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
    this.variables = problems.map((p) => p.variable);
  }
}

/** Parses the environment into a frozen Config, or throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, opts: { dev?: boolean } = {}): Config {
  const input = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === undefined || env[k] === "" ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "environment"),
      message: issue.message,
    }));
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];
  let tls: Config["tls"];
  if (e.HEARTH_TLS_CERT || e.HEARTH_TLS_KEY || e.HEARTH_MQTTS_PORT) {
    if (!e.HEARTH_TLS_CERT) problems.push({ variable: "HEARTH_TLS_CERT", message: "is required when TLS is configured" });
    if (!e.HEARTH_TLS_KEY) problems.push({ variable: "HEARTH_TLS_KEY", message: "is required when TLS is configured" });
    const tlsPort = port(8883).safeParse(e.HEARTH_MQTTS_PORT);
    if (!tlsPort.success) {
      problems.push({ variable: "HEARTH_MQTTS_PORT", message: tlsPort.error.issues[0]?.message ?? "invalid" });
    }
    if (e.HEARTH_TLS_CERT && e.HEARTH_TLS_KEY && tlsPort.success) {
      tls = { port: tlsPort.data, certFile: e.HEARTH_TLS_CERT, keyFile: e.HEARTH_TLS_KEY };
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    dataDir: path.resolve(e.HEARTH_DATA_DIR),
    host: e.HEARTH_HOST,
    httpPort: e.HEARTH_HTTP_PORT,
    mqttPort: e.HEARTH_MQTT_PORT,
    mqttAnonymous: e.HEARTH_MQTT_ANONYMOUS,
    mqttMaxPacketBytes: e.HEARTH_MQTT_MAX_PACKET_BYTES,
    mqttMaxConnectionsPerUser: e.HEARTH_MQTT_MAX_CONNECTIONS_PER_USER,
    mqttUrl: e.HEARTH_MQTT_URL,
    tls,
    discoveryPrefix: e.HEARTH_DISCOVERY_PREFIX,
    mdns: e.HEARTH_MDNS,
    network: Object.freeze({ trustedProxies: e.HEARTH_TRUSTED_PROXIES, homeNetworks: e.HEARTH_HOME_NETWORKS }),
    logLevel: e.HEARTH_LOG_LEVEL,
    historyKeepDays: e.HEARTH_HISTORY_KEEP_DAYS,
    historyCommitMs: e.HEARTH_HISTORY_COMMIT_MS,
    backupKeep: e.HEARTH_BACKUP_KEEP,
    backupAt: e.HEARTH_BACKUP_AT,
    dev: opts.dev ?? env.NODE_ENV !== "production",
  });
}
