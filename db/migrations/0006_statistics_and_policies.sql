CREATE TABLE `recorder_policies` (
	`entity_id` text PRIMARY KEY NOT NULL,
	`exclude` integer DEFAULT false NOT NULL,
	`keep_days` integer,
	`min_change` real,
	`debounce_ms` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statistics` (
	`meta_ref` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`mean` real,
	`min` real,
	`max` real,
	`last_reset_ts` integer,
	`state` real,
	`sum` real,
	PRIMARY KEY(`meta_ref`, `start_ts`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `statistics_issues` (
	`id` integer PRIMARY KEY NOT NULL,
	`meta_ref` integer NOT NULL,
	`ts` integer NOT NULL,
	`kind` text NOT NULL,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statistics_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`statistic_id` text NOT NULL,
	`source` text DEFAULT 'recorder' NOT NULL,
	`unit` text,
	`has_mean` integer NOT NULL,
	`has_sum` integer NOT NULL,
	`name` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statistics_meta_statistic_id_unique` ON `statistics_meta` (`statistic_id`);--> statement-breakpoint
CREATE TABLE `statistics_runs` (
	`start_ts` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statistics_short_term` (
	`meta_ref` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`mean` real,
	`min` real,
	`max` real,
	`last_reset_ts` integer,
	`state` real,
	`sum` real,
	PRIMARY KEY(`meta_ref`, `start_ts`)
) WITHOUT ROWID;
