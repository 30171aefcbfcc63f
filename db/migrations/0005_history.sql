CREATE TABLE `recorder_contexts` (
	`id` integer PRIMARY KEY NOT NULL,
	`context_id` text NOT NULL,
	`user_id` text,
	`parent_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recorder_contexts_context_id_unique` ON `recorder_contexts` (`context_id`);--> statement-breakpoint
CREATE TABLE `recorder_entities` (
	`id` integer PRIMARY KEY NOT NULL,
	`entity_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recorder_entities_entity_id_unique` ON `recorder_entities` (`entity_id`);--> statement-breakpoint
CREATE TABLE `recorder_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`event_type` text NOT NULL,
	`data` text NOT NULL,
	`context_ref` integer
);
--> statement-breakpoint
CREATE INDEX `recorder_events_ts` ON `recorder_events` (`ts`);--> statement-breakpoint
CREATE TABLE `state_attributes` (
	`id` integer PRIMARY KEY NOT NULL,
	`hash` integer NOT NULL,
	`attributes` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `state_attributes_hash` ON `state_attributes` (`hash`);--> statement-breakpoint
CREATE TABLE `state_history` (
	`entity_ref` integer NOT NULL,
	`ts` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL,
	`state` text NOT NULL,
	`attributes_ref` integer,
	`changed_ts` integer,
	`context_ref` integer,
	PRIMARY KEY(`entity_ref`, `ts`, `seq`)
) WITHOUT ROWID;
