CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`identifiers` text NOT NULL,
	`connections` text NOT NULL,
	`name` text,
	`name_by_user` text,
	`manufacturer` text,
	`model` text,
	`model_id` text,
	`hw_version` text,
	`sw_version` text,
	`serial_number` text,
	`suggested_area` text,
	`via_device` text,
	`configuration_url` text,
	`room_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `discovered_entities` (
	`slot_key` text PRIMARY KEY NOT NULL,
	`entity_id` text,
	`component` text NOT NULL,
	`discovery_id` text NOT NULL,
	`unique_id` text,
	`device_id` text,
	`discovery_topic` text NOT NULL,
	`config` text NOT NULL,
	`config_retained` integer NOT NULL,
	`name_by_user` text,
	`room_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `discovered_entities_entity_idx` ON `discovered_entities` (`entity_id`);--> statement-breakpoint
CREATE INDEX `discovered_entities_device_idx` ON `discovered_entities` (`device_id`);--> statement-breakpoint
CREATE TABLE `entity_ids` (
	`identity` text PRIMARY KEY NOT NULL,
	`entity_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entity_ids_entity_id_unique` ON `entity_ids` (`entity_id`);