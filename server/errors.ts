export type HubErrorCode =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "cross_origin"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "unprocessable"
  | "device_unavailable"
  | "hub_unavailable"
  | "internal";

/** One table maps each error code to its HTTP status. */
export const HTTP_STATUS_BY_CODE: Record<HubErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  cross_origin: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unprocessable: 422,
  device_unavailable: 503,
  hub_unavailable: 503,
  internal: 500,
};

/** An expected failure with a stable code; recognised across the Next boundary by `isHubError`, not instanceof. */
export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly isHubError = true;
  /** Structured detail for the error body (a rule's issues, each with its path), besides the message. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: HubErrorCode, message: string, options?: ErrorOptions & { details?: Record<string, unknown> }) {
    super(message, options);
    this.name = "HubError";
    this.code = code;
    this.details = options?.details;
  }
}

export function isHubError(err: unknown): err is { code: HubErrorCode; message: string; isHubError: true; details?: Record<string, unknown> } {
  return typeof err === "object" && err !== null && (err as { isHubError?: unknown }).isHubError === true;
}

/** One readable line from validation issues: `field: message; other.field: message`. */
export function formatIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  rename: (key: string) => string = (k) => k,
): string {
  return issues.map((i) => (i.path.length ? `${i.path.map((k) => rename(String(k))).join(".")}: ${i.message}` : i.message)).join("; ");
}
