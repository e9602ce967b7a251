CREATE TABLE `balances` (
	`user_id` text NOT NULL,
	`asset` text NOT NULL,
	`available` integer DEFAULT 0 NOT NULL,
	`held` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`user_id`, `asset`),
	CONSTRAINT "balances_available_non_negative" CHECK("balances"."available" >= 0),
	CONSTRAINT "balances_held_non_negative" CHECK("balances"."held" >= 0)
);
--> statement-breakpoint
CREATE TABLE `holds` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`asset` text NOT NULL,
	`amount` integer NOT NULL,
	`purpose` text NOT NULL,
	`withdrawal_id` text NOT NULL,
	`state` text DEFAULT 'held' NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	CONSTRAINT "holds_amount_positive" CHECK("holds"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `holds_withdrawal` ON `holds` (`withdrawal_id`,`state`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`asset` text NOT NULL,
	`bucket` text NOT NULL,
	`delta` integer NOT NULL,
	`reason` text NOT NULL,
	`hold_id` text,
	`withdrawal_id` text,
	`reference` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_delta_non_zero" CHECK("ledger_entries"."delta" <> 0)
);
--> statement-breakpoint
CREATE INDEX `ledger_user_asset` ON `ledger_entries` (`user_id`,`asset`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_reference_unique` ON `ledger_entries` (`reference`);--> statement-breakpoint
CREATE TABLE `pools` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`hot_wallet_address` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`fallback_config` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`role` text DEFAULT 'user' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `withdrawals` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`pool_id` text NOT NULL,
	`to_address` text NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`method` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`energy_required` integer,
	`fee_sun` integer DEFAULT 0 NOT NULL,
	`tx_id` text,
	`energy_used` integer,
	`burned_sun` integer,
	`failure_reason` text,
	`idempotency_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "withdrawals_amount_positive" CHECK("withdrawals"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `withdrawals_user_created` ON `withdrawals` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `withdrawals_status` ON `withdrawals` (`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `withdrawals_user_idempotency` ON `withdrawals` (`user_id`,`idempotency_key`);