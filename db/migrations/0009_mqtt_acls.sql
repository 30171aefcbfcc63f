CREATE TABLE `mqtt_acl_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mqtt_user_id` integer NOT NULL,
	`position` integer NOT NULL,
	`access` text NOT NULL,
	`pattern` text NOT NULL,
	FOREIGN KEY (`mqtt_user_id`) REFERENCES `mqtt_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mqtt_acl_rules_user_idx` ON `mqtt_acl_rules` (`mqtt_user_id`,`position`);