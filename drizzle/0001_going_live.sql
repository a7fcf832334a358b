CREATE TABLE `counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_ends_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `counters_window_ends_at` ON `counters` (`window_ends_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `is_active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `token_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `login_failures_window_started_at` ON `login_failures` (`window_started_at`);--> statement-breakpoint
CREATE INDEX `sms_codes_expires_at` ON `sms_codes` (`expires_at`);