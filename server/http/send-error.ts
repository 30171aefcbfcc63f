import type { ServerResponse } from "node:http";
import { HTTP_STATUS_BY_CODE, type HubErrorCode } from "../errors";

/**
 * An error in the contract's shape ({"error": {"code", "message"}}) from a route the hub serves itself (not
 * through Next). Once a stream's head is out, the response can only end.
 */
export function sendError(res: ServerResponse, code: HubErrorCode, message: string, status = HTTP_STATUS_BY_CODE[code]): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify({ error: { code, message } }));
}
