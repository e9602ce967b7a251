CREATE TABLE `purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`withdrawal_id` text NOT NULL,
	`pool_id` text NOT NULL,
	`provider` text NOT NULL,
	`attempt` integer NOT NULL,
	`energy` integer NOT NULL,
	`duration_sec` integer NOT NULL,
	`receiver` text NOT NULL,
	`quoted_cost_sun` integer NOT NULL,
	`cost_sun` integer,
	`charged_sun` integer,
	`status` text NOT NULL,
	`provider_order_id` text,
	`delivered_energy` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`ordered_at` integer,
	`delivered_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `purchase_orders_provider_status` ON `purchase_orders` (`provider`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchase_orders_withdrawal` ON `purchase_orders` (`withdrawal_id`);--> statement-breakpoint
ALTER TABLE `holds` ADD `posted_amount` integer;--> statement-breakpoint
ALTER TABLE `pools` ADD `rental_wallet_address` text;--> statement-breakpoint
ALTER TABLE `withdrawals` ADD `external_quotes` text;