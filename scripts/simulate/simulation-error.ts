export type SimulationErrorCode = "invalid_options" | "refused" | "unreachable" | "provision_failed";

/** An expected failure with one readable line for the user; the CLI prints `message` and exits non-zero. */
export class SimulationError extends Error {
  readonly code: SimulationErrorCode;
  constructor(code: SimulationErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SimulationError";
    this.code = code;
  }
}

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2-3].
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/** True for a CONNACK refusal of credentials (4) or authorisation (5). */
export function isCredentialRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === BAD_USERNAME_OR_PASSWORD || code === NOT_AUTHORIZED;
}

/** Turns MQTT.js's first connect error into the one line the user needs. */
export function connectError(err: unknown, url: string, clientId: string, hasCredentials: boolean): SimulationError {
  if (isCredentialRefusal(err)) {
    const hint = hasCredentials
      ? "check --username/--password, or use --provision with the hub's HEARTH_DATA_DIR"
      : "pass --provision (with the hub's HEARTH_DATA_DIR) or --username/--password, or run the hub with HEARTH_MQTT_ANONYMOUS=true";
    return new SimulationError("refused", `${url} refused ${clientId} (${(err as Error).message}): ${hint}`, { cause: err });
  }
  const code = (err as { code?: unknown } | null)?.code;
  const reason = typeof code === "string" ? code : err instanceof Error ? err.message : String(err);
  return new SimulationError("unreachable", `cannot connect to ${url} (${reason}): is the hub running?`, { cause: err });
}
