ALTER TABLE `sessions` ADD `client_address` text;--> statement-breakpoint
ALTER TABLE `users` ADD `rooms` text;--> statement-breakpoint
ALTER TABLE `users` ADD `local_only` integer DEFAULT false NOT NULL;