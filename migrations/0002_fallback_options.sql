CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`withdrawal_id` text,
	`kind` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_user_created` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `pools` ADD `fee_wallet_address` text;--> statement-breakpoint
ALTER TABLE `withdrawals` ADD `postpone_until` integer;--> statement-breakpoint
CREATE INDEX `withdrawals_pool_status_updated` ON `withdrawals` (`pool_id`,`status`,`updated_at`);