CREATE TABLE `automation_pending` (
	`id` text PRIMARY KEY NOT NULL,
	`automation_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer,
	`state` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_pending_by_automation` ON `automation_pending` (`automation_id`);--> statement-breakpoint
CREATE TABLE `automation_revisions` (
	`automation_id` text NOT NULL,
	`revision` integer NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`saved_at` integer NOT NULL,
	`saved_by` text,
	`action` text NOT NULL,
	PRIMARY KEY(`automation_id`, `revision`)
);
--> statement-breakpoint
CREATE TABLE `automation_traces` (
	`run_id` text PRIMARY KEY NOT NULL,
	`automation_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text NOT NULL,
	`trace` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_traces_by_outcome` ON `automation_traces` (`automation_id`,`outcome`,`started_at`);--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`enabled` integer NOT NULL,
	`revision` integer NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_triggered_at` integer,
	`last_outcome` text
);
--> statement-breakpoint
ALTER TABLE `home` ADD `latitude` real;--> statement-breakpoint
ALTER TABLE `home` ADD `longitude` real;