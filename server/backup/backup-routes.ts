import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { HTTP_STATUS_BY_CODE, type HubErrorCode, isHubError } from "../errors";
import type { Principal } from "../hub-api";
import type { Logger } from "../logger";
import type { BackupService } from "./backup-service";

export const BACKUP_PATH = "/api/backup";
export const BACKUPS_PATH = "/api/backups";

// The session cookie app/_lib/session-cookie.ts sets (server/ may not import app/).
const SESSION_COOKIE = "hearth_session";
const MAX_BODY = 4096;
const bodySchema = z.object({ passphrase: z.string().max(1024).optional() }).strict();

export interface BackupRoutesDeps {
  backups: BackupService;
  authenticate: (credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined }) => Principal | undefined;
  log: Logger;
}

/**
 * POST /api/backup (body `{"passphrase"?: "..."}`) answers a backup file as a download; GET /api/backups lists the
 * automatic backups, and GET /api/backups?name=<file> downloads one. Owners only. Served by the custom server
 * before Next, so a large file streams without Next buffering it.
 */
export function backupRoutes(deps: BackupRoutesDeps): Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const guard = (req: IncomingMessage, res: ServerResponse, method: string): boolean => {
    if (req.method !== method) {
      res.setHeader("Allow", method);
      sendError(res, "invalid_input", `use ${method}`, 405);
      return false;
    }
    const principal = principalOf(req, deps.authenticate);
    if (!principal) {
      sendError(res, "unauthorized", "authentication required: a session cookie or a Bearer token");
      return false;
    }
    if (principal.user.role !== "owner") {
      sendError(res, "forbidden", "only the owner may make or download backups");
      return false;
    }
    // A cookie rides along on cross-site requests; a cross-site form cannot send JSON without a preflight.
    if (principal.via === "session" && method === "POST" && !/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      sendError(res, "invalid_input", "send Content-Type: application/json");
      return false;
    }
    return true;
  };
  const fail = (res: ServerResponse, err: unknown) => {
    if (isHubError(err)) sendError(res, err.code, err.message);
    else {
      deps.log.error({ err }, "backup request failed");
      sendError(res, "internal", "the backup failed");
    }
  };
  return {
    [BACKUP_PATH]: async (req, res) => {
      if (!guard(req, res, "POST")) return;
      try {
        const body = bodySchema.safeParse(await readJson(req));
        if (!body.success) return sendError(res, "invalid_input", "body: {\"passphrase\"?: string}");
        const { fileName, data } = await deps.backups.create(body.data.passphrase);
        sendFile(res, fileName, data);
      } catch (err) {
        fail(res, err);
      }
    },
    [BACKUPS_PATH]: async (req, res) => {
      if (!guard(req, res, "GET")) return;
      try {
        const name = new URL(req.url ?? "/", "http://hub").searchParams.get("name");
        if (name) return sendFile(res, name, deps.backups.read(name));
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        res.end(JSON.stringify({ backups: deps.backups.list(), next_at: deps.backups.nextAt }));
      } catch (err) {
        fail(res, err);
      }
      return Promise.resolve();
    },
  };
}

function sendFile(res: ServerResponse, fileName: string, data: Buffer): void {
  res.writeHead(200, {
    "Content-Type": fileName.endsWith(".enc") ? "application/octet-stream" : "application/gzip",
    "Content-Length": data.length,
    "Content-Disposition": `attachment; filename="${fileName}"`,
    "Cache-Control": "no-store",
  });
  res.end(data);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Like app/_lib/route.ts: an Authorization header means a bearer token and nothing else; else the cookie. */
function principalOf(req: IncomingMessage, authenticate: BackupRoutesDeps["authenticate"]): Principal | undefined {
  const header = req.headers.authorization;
  if (header) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    return bearer ? authenticate({ bearerToken: bearer }) : undefined;
  }
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      try {
        return authenticate({ sessionToken: decodeURIComponent(part.slice(eq + 1).trim()) });
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sendError(res: ServerResponse, code: HubErrorCode, message: string, status = HTTP_STATUS_BY_CODE[code]): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify({ error: { code, message } }));
}
