import { beforeEach, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { call, choose, createWithdrawal, devnet, exhaustPool, HOLDER, newKey, pool, seedWorld, tokenFor } from "../helpers";
import { Auditor } from "./audit";
import { sendUsdt } from "./chain";
import { deposit } from "./world";

// The model test is only as good as its auditor: each test here breaks one invariant behind the
// service's back (in SQL, in the pool's storage, on the chain) and expects the auditor to say so.

let user = "";

beforeEach(async () => {
  await seedWorld();
  user = `audit-${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO users (id, display_name, role, created_at) VALUES (?, ?, 'user', ?)").bind(user, user, Date.now()).run();
  const admin = await tokenFor("ops", "admin");
  await deposit(admin, user, "USDT", "1000");
  await deposit(admin, user, "TRX", "1000");
});

/** An auditor for the test's user, from before anything happened; `healthy` checks it agrees. */
async function auditor(): Promise<{ audit: Auditor; healthy: () => Promise<void> }> {
  const audit = await Auditor.start([user]);
  return { audit, healthy: () => audit.check("before tampering") };
}

it("sees a hold released while its withdrawal is still pending", async () => {
  const { audit, healthy } = await auditor();
  const w = await createWithdrawal(user, HOLDER, "2");
  await healthy();
  await env.DB.prepare("UPDATE holds SET state = 'released', resolved_at = ? WHERE withdrawal_id = ?").bind(Date.now(), w.id).run();
  await expect(audit.check("tampered")).rejects.toThrow(/amount hold is released/);
});

it("sees a transfer still in flight for a cancelled withdrawal", async () => {
  const { audit, healthy } = await auditor();
  const w = await createWithdrawal(user, HOLDER, "2");
  expect((await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: await tokenFor(user), idempotencyKey: newKey() })).status).toBe(200);
  await healthy();
  await runInDurableObject(pool(), (_i, state) => {
    state.storage.sql.exec(
      "INSERT INTO transfers (withdrawal_id, tx_id, wallet, signed_tx, expiration, state, attempts, started_at, created_at, updated_at) VALUES (?, ?, 'hot', '{}', 0, 'broadcast', 1, 0, 0, 0)",
      w.id,
      "ab".repeat(32),
    );
  });
  await expect(audit.check("tampered")).rejects.toThrow(/still broadcast although its withdrawal is cancelled[\s\S]*in flight from the hot wallet with no reservation/);
});

it("sees a queue entry started ahead of one that waited longer", async () => {
  const { audit, healthy } = await auditor();
  await exhaustPool(user);
  const first = await createWithdrawal(user, HOLDER, "1");
  const second = await createWithdrawal(user, HOLDER, "1");
  for (const w of [first, second]) expect((await choose(user, w.id, { method: "queue_wait" })).status).toBe(200);
  await healthy();
  // The pool "starts" the second while the first still waits.
  await runInDurableObject(pool(), (_i, state) => {
    state.storage.sql.exec("DELETE FROM queue WHERE withdrawal_id = ?", second.id);
    state.storage.sql.exec(
      "INSERT INTO transfers (withdrawal_id, tx_id, wallet, signed_tx, expiration, state, attempts, started_at, created_at, updated_at) VALUES (?, ?, 'hot', '{}', 0, 'confirmed', 1, 0, 0, 0)",
      second.id,
      "cd".repeat(32),
    );
  });
  await expect(audit.check("tampered")).rejects.toThrow(new RegExp(`queue entry ${second.id} started while ${first.id}`));
});

it("sees a transaction from the hot wallet that no withdrawal accounts for", async () => {
  const { audit, healthy } = await auditor();
  await healthy();
  await sendUsdt(env.HOT_WALLET_PRIVATE_KEY, HOLDER, 5_000_000n);
  await devnet("/devnet/time/advance", { seconds: 6 });
  await expect(audit.check("tampered")).rejects.toThrow(/belongs to no withdrawal/);
});

// Ledger entries cannot be deleted: this one leaves the ledger unbalanced, so it runs last.
it("sees money that appeared without a deposit", async () => {
  const { audit, healthy } = await auditor();
  await healthy();
  await env.DB.prepare("INSERT INTO ledger_entries (user_id, asset, bucket, delta, reason, created_at) VALUES (?, 'USDT', 'available', 1, 'gift', ?)").bind(user, Date.now()).run();
  await expect(audit.check("tampered")).rejects.toThrow(/USDT: balances \d+ \+ fees \d+ \+ sent \d+ != deposits/);
});
