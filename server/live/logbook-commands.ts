import { z } from "zod";
import type { HubApi } from "../hub-api";
import type { CommandHandler } from "./connection";
import { parseCommand } from "./protocol";

// homeassistant/components/logbook/websocket_api.py: ws_get_events.
const getEventsMessage = z.object({
  start_time: z.string(),
  end_time: z.string().optional(),
  entity_ids: z.array(z.string()).optional(),
  device_ids: z.array(z.string()).optional(),
  context_id: z.string().optional(),
});

/** HA's logbook WebSocket commands, answered from the hub's logbook. */
export function logbookCommands(api: HubApi): Record<string, CommandHandler> {
  return {
    "logbook/get_events": async (conn, msg) => {
      const parsed = parseCommand(getEventsMessage, msg);
      if (!parsed.ok) {
        conn.error(msg.id, "invalid_format", `${msg.type}: ${parsed.message}`);
        return;
      }
      const body = parsed.value;
      if (body.context_id !== undefined) {
        conn.error(msg.id, "invalid_format", "logbook/get_events: context_id is not supported by this hub; filter by entity_ids, device_ids and time");
        return;
      }
      conn.result(msg.id, await api.logbook.haEvents({ start_time: body.start_time, end_time: body.end_time, entity_ids: body.entity_ids, device_ids: body.device_ids }));
    },
  };
}
