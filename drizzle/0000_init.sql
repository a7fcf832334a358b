CREATE TABLE `login_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `qq_bindings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`app_id` text NOT NULL,
	`openid` text NOT NULL,
	`unionid` text,
	`nickname` text,
	`avatar` text,
	`access_token` text,
	`refresh_token` text,
	`token_expires_at` integer,
	`profile_updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qq_bindings_openid_unique` ON `qq_bindings` (`openid`);--> statement-breakpoint
CREATE UNIQUE INDEX `qq_bindings_user_unique` ON `qq_bindings` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `qq_bindings_unionid_unique` ON `qq_bindings` (`unionid`);--> statement-breakpoint
CREATE TABLE `sms_codes` (
	`mobile` text PRIMARY KEY NOT NULL,
	`code_hash` text,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `spent_bind_tickets` (
	`ticket_hash` text PRIMARY KEY NOT NULL,
	`spent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spent_bind_tickets_spent_at` ON `spent_bind_tickets` (`spent_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`mobile` text,
	`nickname` text,
	`avatar` text,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_mobile_unique` ON `users` (`mobile`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_nickname_unique` ON `users` (`nickname`);