import { z } from "zod";
import { STATISTIC_PERIODS, STATISTIC_TYPES } from "../history/statistics-reader";
import type { HubApi } from "../hub-api";
import type { CommandHandler, LiveConnection } from "./connection";
import { parseCommand, type CommandEnvelope } from "./protocol";

// homeassistant/components/recorder/websocket_api.py
const statisticsDuringPeriodMessage = z.object({
  start_time: z.string(),
  end_time: z.string().optional(),
  statistic_ids: z.array(z.string()).min(1),
  period: z.enum(STATISTIC_PERIODS),
  // Unit conversion is not done: statistics come in the unit they were recorded in.
  units: z.record(z.string(), z.string()).optional(),
  types: z.array(z.enum(STATISTIC_TYPES)).optional(),
});

const listStatisticIdsMessage = z.object({ statistic_type: z.enum(["mean", "sum"]).optional() });
const getStatisticsMetadataMessage = z.object({ statistic_ids: z.array(z.string()).optional() });

function fields<T>(conn: LiveConnection, msg: CommandEnvelope, schema: z.ZodType<T>): T | undefined {
  const parsed = parseCommand(schema, msg);
  if (parsed.ok) return parsed.value;
  conn.error(msg.id, "invalid_format", `${msg.type}: ${parsed.message}`);
  return undefined;
}

/** HA's recorder statistics commands, answered from the hub's long-term statistics. */
export function recorderCommands(api: HubApi): Record<string, CommandHandler> {
  return {
    "recorder/statistics_during_period": (conn, msg) => {
      const body = fields(conn, msg, statisticsDuringPeriodMessage);
      if (!body) return;
      conn.result(
        msg.id,
        api.history.statistics({ statistic_ids: body.statistic_ids, period: body.period, start_time: body.start_time, end_time: body.end_time, types: body.types }),
      );
    },

    "recorder/list_statistic_ids": (conn, msg) => {
      const body = fields(conn, msg, listStatisticIdsMessage);
      if (!body) return;
      conn.result(msg.id, api.history.statisticIds(body.statistic_type));
    },

    // The same entries, for the ids asked (all when none): what HA's statistics charts ask first.
    "recorder/get_statistics_metadata": (conn, msg) => {
      const body = fields(conn, msg, getStatisticsMetadataMessage);
      if (!body) return;
      const wanted = body.statistic_ids && body.statistic_ids.length > 0 ? new Set(body.statistic_ids) : null;
      conn.result(
        msg.id,
        api.history.statisticIds().filter((s) => wanted === null || wanted.has(s.statistic_id)),
      );
    },
  };
}
