import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { SimulationCredentials, SimulationOptions } from "./simulation";
import { SimulationError } from "./simulation-error";
import { DEVICES_PER_HOME } from "./home-plan";

export const USAGE = `usage: npm run simulate -- [options]
  --url URL          broker to connect to (default mqtt://127.0.0.1:1883)
  --devices N        device connections; every ${DEVICES_PER_HOME} make one home (default ${DEVICES_PER_HOME})
  --rate R           state messages per second across all devices (default: one per device)
  --username U       shared MQTT username; password from --password or HEARTH_SIM_PASSWORD
  --password P
  --provision        create one MQTT user per device in the hub's data dir (HEARTH_DATA_DIR, default ./data)
  --prefix P         discovery prefix (default homeassistant)
  --duration S       stop after S seconds (default: until Ctrl-C)
  --seed N           seed for sensor noise (ids do not depend on it)`;

export interface CliOptions {
  simulation: Omit<SimulationOptions, "log">;
  durationS: number | undefined;
  help: boolean;
}

const positiveInt = (name: string, max: number) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).min(1, `${name} must be at least 1`).max(max, `${name} is at most ${max}`);
const positiveNumber = (name: string, max: number) =>
  z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be above 0`).max(max, `${name} is at most ${max}`);

const valuesSchema = z.object({
  url: z.string().default("mqtt://127.0.0.1:1883"),
  devices: positiveInt("--devices", 10_000).default(DEVICES_PER_HOME),
  rate: positiveNumber("--rate", 1_000_000).optional(),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  provision: z.boolean().default(false),
  prefix: z.string().min(1).default("homeassistant"),
  duration: positiveNumber("--duration", 31 * 24 * 3600).optional(),
  seed: z.coerce.number().int().optional(),
  help: z.boolean().default(false),
});

/** Parses argv and the two environment variables the simulator reads; throws one readable SimulationError. */
export function parseCliOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliOptions {
  let raw: Record<string, unknown>;
  try {
    raw = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string" },
        devices: { type: "string" },
        rate: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        provision: { type: "boolean" },
        prefix: { type: "string" },
        duration: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    throw new SimulationError("invalid_options", (err as Error).message);
  }
  const parsed = valuesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SimulationError("invalid_options", parsed.error.issues.map((i) => i.message).join("; "));
  }
  const v = parsed.data;
  const password = v.password ?? (env.HEARTH_SIM_PASSWORD || undefined);
  let credentials: SimulationCredentials = { kind: "anonymous" };
  if (v.provision) {
    if (v.username !== undefined) throw new SimulationError("invalid_options", "use either --provision or --username, not both");
    credentials = { kind: "provision", dataDir: path.resolve(env.HEARTH_DATA_DIR ?? "./data") };
  } else if (v.username !== undefined) {
    if (password === undefined) throw new SimulationError("invalid_options", "--username needs --password or HEARTH_SIM_PASSWORD");
    credentials = { kind: "shared", username: v.username, password };
  } else if (v.password !== undefined) {
    throw new SimulationError("invalid_options", "--password needs --username");
  }
  return {
    simulation: { url: v.url, devices: v.devices, rate: v.rate, prefix: v.prefix, credentials, seed: v.seed },
    durationS: v.duration,
    help: v.help,
  };
}
