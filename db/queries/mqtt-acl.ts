import { asc, eq } from "drizzle-orm";
import type { AclRule } from "@/devices/mqtt-acl/acl-rules";
import type { HubDatabase, Queryable } from "../open-database";
import { mqttAclRules, mqttUsers } from "../schema";

/** A user's rules in order; undefined when the user does not exist. */
export function readMqttAcl(db: Queryable, username: string): AclRule[] | undefined {
  const user = db.select({ id: mqttUsers.id }).from(mqttUsers).where(eq(mqttUsers.username, username)).get();
  if (!user) return undefined;
  return db
    .select({ access: mqttAclRules.access, pattern: mqttAclRules.pattern })
    .from(mqttAclRules)
    .where(eq(mqttAclRules.mqttUserId, user.id))
    .orderBy(asc(mqttAclRules.position))
    .all();
}

/** Replaces a user's rules (in one transaction); false when the user does not exist. */
export function replaceMqttAcl(db: HubDatabase, username: string, rules: readonly AclRule[]): boolean {
  return db.transaction((tx) => {
    const user = tx.select({ id: mqttUsers.id }).from(mqttUsers).where(eq(mqttUsers.username, username)).get();
    if (!user) return false;
    tx.delete(mqttAclRules).where(eq(mqttAclRules.mqttUserId, user.id)).run();
    if (rules.length > 0) {
      tx.insert(mqttAclRules)
        .values(rules.map((r, position) => ({ mqttUserId: user.id, position, access: r.access, pattern: r.pattern })))
        .run();
    }
    return true;
  });
}
