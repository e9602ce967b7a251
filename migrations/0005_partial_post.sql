-- Posting a hold may take less than was held (a rental that came in under the accepted quote): the
-- rest goes back to the user's available balance in the same statement, and never more than held.
DROP TRIGGER `hold_post`;
--> statement-breakpoint
CREATE TRIGGER `hold_post` AFTER UPDATE OF `state` ON `holds` WHEN OLD.`state` = 'held' AND NEW.`state` = 'posted'
BEGIN
  SELECT RAISE(ABORT, 'posted amount outside the hold') WHERE NEW.`posted_amount` IS NOT NULL AND (NEW.`posted_amount` < 0 OR NEW.`posted_amount` > NEW.`amount`);
  INSERT INTO `ledger_entries` (`user_id`, `asset`, `bucket`, `delta`, `reason`, `hold_id`, `withdrawal_id`, `created_at`)
    VALUES (NEW.`user_id`, NEW.`asset`, 'held', -NEW.`amount`, NEW.`purpose` || '_post', NEW.`id`, NEW.`withdrawal_id`, NEW.`resolved_at`);
  INSERT INTO `ledger_entries` (`user_id`, `asset`, `bucket`, `delta`, `reason`, `hold_id`, `withdrawal_id`, `created_at`)
    SELECT NEW.`user_id`, NEW.`asset`, 'available', NEW.`amount` - NEW.`posted_amount`, NEW.`purpose` || '_post_refund', NEW.`id`, NEW.`withdrawal_id`, NEW.`resolved_at`
     WHERE NEW.`posted_amount` IS NOT NULL AND NEW.`posted_amount` < NEW.`amount`;
END;
