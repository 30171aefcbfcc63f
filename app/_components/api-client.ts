/** A failed API call, in the contract's error shape; status 0 means the hub could not be reached. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiError };

interface CallOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the hub's JSON API the same way tools do; never throws for HTTP or network failures. */
export async function callApi<T>(path: string, options: CallOptions = {}): Promise<ApiResult<T>> {
  const init: RequestInit = { method: options.method ?? "GET", cache: "no-store", credentials: "same-origin" };
  if (options.body !== undefined) {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "Can't reach the hub. Check your connection and try again." } };
  }
  if (res.ok) {
    const data = res.status === 204 ? undefined : ((await res.json().catch(() => undefined)) as unknown);
    return { ok: true, status: res.status, data: data as T };
  }
  let code = `http_${res.status}`;
  let message = `The hub answered ${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not JSON (a proxy page, say): keep the status line.
  }
  return { ok: false, error: { status: res.status, code, message } };
}

/** Sends the browser to the login page, coming back here afterwards. */
export function goToLogin(): void {
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}
