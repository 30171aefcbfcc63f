CREATE TABLE `discovery_payloads` (
	`topic` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`updated_at` integer NOT NULL
);
