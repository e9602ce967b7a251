CREATE TABLE `rate_limits` (
	`user_id` text NOT NULL,
	`bucket` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`user_id`, `bucket`, `window_start`)
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window` ON `rate_limits` (`window_start`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`checked` text NOT NULL,
	`mismatches` text NOT NULL,
	`mismatch_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconciliation_runs_started` ON `reconciliation_runs` (`started_at`);