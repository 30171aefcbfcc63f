import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { isHubError } from "../errors";
import { readLimitedBody } from "../http/body-limit";
import { sendError } from "../http/send-error";
import type { Logger } from "../logger";
import type { BackupService } from "./backup-service";
import { openBackup } from "./restore";
import { isCrossSiteRequest } from "../http/same-origin";
import { type Authenticate, requestPrincipal } from "../http/request-principal";

export const BACKUP_PATH = "/api/backup";
export const BACKUPS_PATH = "/api/backups";
export const RESTORE_PATH = "/api/backup/restore";

/** The largest backup the web UI takes (a year of history on a busy home is far less); the CLI has no limit. */
const MAX_RESTORE_BYTES = 2 * 1024 ** 3;

// The session cookie app/_lib/session-cookie.ts sets (server/ may not import app/).
const MAX_BODY = 4096;
const bodySchema = z.object({ passphrase: z.string().max(1024).optional() }).strict();

export interface BackupRoutesDeps {
  backups: BackupService;
  authenticate: Authenticate;
  log: Logger;
  /** Where an uploaded backup waits while the hub restarts on it (next to the data dir, on its file system). */
  uploadPath: () => string;
  /**
   * Restarts the hub on a checked backup file (the composition root stops the hub, restores, starts it again).
   * Absent where nothing can restart the hub (tests that build a Hub alone): restore answers 501 there.
   */
  restore?: ((file: string, passphrase: string | undefined) => void) | undefined;
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
    const principal = requestPrincipal(req, deps.authenticate);
    if (!principal) {
      sendError(res, "unauthorized", "authentication required: a session cookie or a Bearer token");
      return false;
    }
    if (principal.user.role !== "owner") {
      sendError(res, "forbidden", "only the owner may make or download backups");
      return false;
    }
    // A cookie rides along on cross-site requests; a state-changing one must come from the hub's own pages.
    if (principal.via === "session" && method === "POST" && isCrossSite(req)) {
      sendError(res, "cross_origin", "cross-site request refused: a signed-in change must come from the hub's own pages (or use a Bearer token)");
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
    // The body is the backup file itself; an encrypted one's passphrase comes in X-Backup-Passphrase. The file is
    // checked whole (passphrase, checksums, version) before anything stops: a bad one is a 4xx and the hub runs on.
    [RESTORE_PATH]: async (req, res) => {
      if (!guard(req, res, "POST")) return;
      if (!deps.restore) return sendError(res, "hub_unavailable", "this hub cannot restart itself here: stop it and run `npm run hearth -- restore FILE`", 501);
      const upload = deps.uploadPath();
      let handedOver = false;
      try {
        const declared = Number(req.headers["content-length"] ?? "0");
        if (declared > MAX_RESTORE_BYTES) return sendError(res, "payload_too_large", `a backup larger than ${MAX_RESTORE_BYTES} bytes is restored with the CLI`);
        const size = await saveBody(req, upload, MAX_RESTORE_BYTES);
        if (size === undefined) return sendError(res, "payload_too_large", `a backup larger than ${MAX_RESTORE_BYTES} bytes is restored with the CLI`);
        if (size === 0) return sendError(res, "invalid_input", "send the backup file as the request body");
        const passphrase = headerText(req.headers["x-backup-passphrase"]);
        const { manifest } = await openBackup(await fs.promises.readFile(upload), passphrase);
        deps.log.warn({ created_at: manifest.created_at, hub_version: manifest.hub_version }, "restoring a backup from the web UI: the hub restarts on it");
        handedOver = true;
        res.writeHead(202, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        res.end(JSON.stringify({ status: "restoring", created_at: manifest.created_at, hub_version: manifest.hub_version }), () => deps.restore?.(upload, passphrase));
      } catch (err) {
        fail(res, err);
      } finally {
        // Only the file handed to the restart stays (it removes it); a refused upload leaves nothing behind.
        if (!handedOver) await fs.promises.rm(upload, { force: true });
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

function isCrossSite(req: IncomingMessage): boolean {
  return isCrossSiteRequest({
    method: req.method ?? "GET",
    scheme: "encrypted" in req.socket && req.socket.encrypted ? "https" : "http",
    host: req.headers.host ?? null,
    origin: headerText(req.headers.origin) ?? null,
    secFetchSite: headerText(req.headers["sec-fetch-site"]) ?? null,
    referer: req.headers.referer ?? null,
  });
}

const headerText = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Streams the body to `file`; answers its size, or undefined (and no file) past `max` bytes. */
async function saveBody(req: IncomingMessage, file: string, max: number): Promise<number | undefined> {
  let size = 0;
  const out = fs.createWriteStream(file, { mode: 0o600 });
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > max) {
        out.destroy();
        await fs.promises.rm(file, { force: true });
        return undefined;
      }
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return size;
  } catch (err) {
    out.destroy();
    throw err;
  }
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
  const body = await readLimitedBody(req, MAX_BODY);
  if (body === undefined) return null;
  const text = body.toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
