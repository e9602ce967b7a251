-- The ledger is the only way balances change: each entry is applied by a trigger, so a balance
-- change without its entry cannot be written, and the CHECK constraints on `balances` abort the
-- whole D1 batch that would overdraw one.
CREATE TRIGGER `ledger_apply` AFTER INSERT ON `ledger_entries`
BEGIN
  INSERT INTO `balances` (`user_id`, `asset`, `available`, `held`)
    VALUES (NEW.`user_id`, NEW.`asset`, 0, 0) ON CONFLICT DO NOTHING;
  UPDATE `balances`
     SET `available` = `available` + CASE WHEN NEW.`bucket` = 'available' THEN NEW.`delta` ELSE 0 END,
         `held` = `held` + CASE WHEN NEW.`bucket` = 'held' THEN NEW.`delta` ELSE 0 END
   WHERE `user_id` = NEW.`user_id` AND `asset` = NEW.`asset`;
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `hold_open` AFTER INSERT ON `holds`
BEGIN
  INSERT INTO `ledger_entries` (`user_id`, `asset`, `bucket`, `delta`, `reason`, `hold_id`, `withdrawal_id`, `created_at`)
    VALUES (NEW.`user_id`, NEW.`asset`, 'available', -NEW.`amount`, NEW.`purpose` || '_hold', NEW.`id`, NEW.`withdrawal_id`, NEW.`created_at`),
           (NEW.`user_id`, NEW.`asset`, 'held', NEW.`amount`, NEW.`purpose` || '_hold', NEW.`id`, NEW.`withdrawal_id`, NEW.`created_at`);
END;
--> statement-breakpoint
-- A hold resolves once: any later transition is a bug, so it aborts the batch instead of moving money twice.
CREATE TRIGGER `hold_resolved_once` BEFORE UPDATE OF `state` ON `holds` WHEN OLD.`state` <> 'held'
BEGIN
  SELECT RAISE(ABORT, 'hold already resolved');
END;
--> statement-breakpoint
CREATE TRIGGER `hold_release` AFTER UPDATE OF `state` ON `holds` WHEN OLD.`state` = 'held' AND NEW.`state` = 'released'
BEGIN
  INSERT INTO `ledger_entries` (`user_id`, `asset`, `bucket`, `delta`, `reason`, `hold_id`, `withdrawal_id`, `created_at`)
    VALUES (NEW.`user_id`, NEW.`asset`, 'held', -NEW.`amount`, NEW.`purpose` || '_release', NEW.`id`, NEW.`withdrawal_id`, NEW.`resolved_at`),
           (NEW.`user_id`, NEW.`asset`, 'available', NEW.`amount`, NEW.`purpose` || '_release', NEW.`id`, NEW.`withdrawal_id`, NEW.`resolved_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `hold_post` AFTER UPDATE OF `state` ON `holds` WHEN OLD.`state` = 'held' AND NEW.`state` = 'posted'
BEGIN
  INSERT INTO `ledger_entries` (`user_id`, `asset`, `bucket`, `delta`, `reason`, `hold_id`, `withdrawal_id`, `created_at`)
    VALUES (NEW.`user_id`, NEW.`asset`, 'held', -NEW.`amount`, NEW.`purpose` || '_post', NEW.`id`, NEW.`withdrawal_id`, NEW.`resolved_at`);
END;
