import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Devices built from discovery device blocks; identifiers and connections as JSON arrays. */
export const devices = sqliteTable("devices", {
  id: text("id").primaryKey(),
  identifiers: text("identifiers", { mode: "json" }).$type<string[]>().notNull(),
  connections: text("connections", { mode: "json" }).$type<Array<[string, string]>>().notNull(),
  name: text("name"),
  nameByUser: text("name_by_user"),
  manufacturer: text("manufacturer"),
  model: text("model"),
  modelId: text("model_id"),
  hwVersion: text("hw_version"),
  swVersion: text("sw_version"),
  serialNumber: text("serial_number"),
  suggestedArea: text("suggested_area"),
  viaDevice: text("via_device"),
  configurationUrl: text("configuration_url"),
  roomId: text("room_id"),
  /** A person placed the device (or sent it back to the inbox): discovery's suggested_area no longer moves it. */
  roomSetByUser: integer("room_set_by_user", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Discovered config slots: entities (with an entity id) and device triggers/tag scanners (without).
 * The last config is kept so non-retained emitters come back after a restart.
 */
export const discoveredEntities = sqliteTable(
  "discovered_entities",
  {
    slotKey: text("slot_key").primaryKey(),
    entityId: text("entity_id"),
    component: text("component").notNull(),
    discoveryId: text("discovery_id").notNull(),
    uniqueId: text("unique_id"),
    deviceId: text("device_id").references(() => devices.id, { onDelete: "set null" }),
    discoveryTopic: text("discovery_topic").notNull(),
    config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    configRetained: integer("config_retained", { mode: "boolean" }).notNull(),
    nameByUser: text("name_by_user"),
    roomId: text("room_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("discovered_entities_entity_idx").on(t.entityId), index("discovered_entities_device_idx").on(t.deviceId)],
);

/**
 * Every entity id ever given, by identity (`<component>:<unique_id>` or the slot key), so an entity
 * that goes away and comes back gets the same id.
 */
export const entityIds = sqliteTable("entity_ids", {
  identity: text("identity").primaryKey(),
  entityId: text("entity_id").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});
