import { randomUUID } from "node:crypto";
import type { Queryable } from "@/db/open-database";
import { insertHubSettingOnce } from "@/db/queries/push-subscriptions";

/** This hub's stable id (hub_settings `hub_id`), made on first use: the `id` a client keeps to recognise the hub. */
export function hubId(db: Queryable): string {
  return insertHubSettingOnce(db, "hub_id", randomUUID());
}
