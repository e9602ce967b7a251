import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import worker from "../../src/worker";
import { advance, call, choose, createWithdrawal, credit, seedWorld, tokenFor, withdrawal } from "../helpers";

let completed: string;
let cancelled: string;

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "100");
  const a = await createWithdrawal("alice");
  expect((await choose("alice", a.id, { method: "standard" })).status).toBe(200);
  await advance(90);
  expect((await withdrawal("alice", a.id)).status).toBe("completed");
  completed = a.id;
  const b = await createWithdrawal("alice");
  await call(`/api/v1/withdrawals/${b.id}/cancel`, { method: "POST", token: await tokenFor("alice"), idempotencyKey: `cancel-${b.id}` });
  cancelled = b.id;
});

const run = async () => (await call("/api/v1/admin/reconciliation", { method: "POST", token: await tokenFor("ops", "admin"), body: {} })).body;

it("finds nothing wrong in a consistent system", async () => {
  const report = await run();
  expect(report.mismatches).toEqual([]);
  expect(report.checked.transactions).toBeGreaterThanOrEqual(1);
  expect(report.checked.withdrawals).toBe(2);
});

it("reports a balance changed behind the ledger's back", async () => {
  await env.DB.prepare("UPDATE balances SET available = available + 1000000 WHERE user_id = 'alice' AND asset = 'USDT'").run();
  const report = await run();
  expect(report.mismatches).toContainEqual(expect.objectContaining({ kind: "balance_ledger_mismatch", subject: "alice/USDT" }));
  await env.DB.prepare("UPDATE balances SET available = available - 1000000 WHERE user_id = 'alice' AND asset = 'USDT'").run();
});

it("reports a completed withdrawal whose transaction is not what was asked, and a refunded one that went out", async () => {
  const good = (await withdrawal("alice", completed)).tx_id as string;
  await env.DB.prepare("UPDATE withdrawals SET amount = amount + 1 WHERE id = ?").bind(completed).run();
  // The cancelled withdrawal now claims the transaction that succeeded: refunded yet sent.
  await env.DB.prepare("UPDATE withdrawals SET status = 'failed', tx_id = ?, updated_at = ? WHERE id = ?").bind(good, Date.now(), cancelled).run();
  const report = await run();
  const kinds = report.mismatches.map((m: any) => `${m.kind}:${m.subject}`);
  expect(kinds).toContain(`completed_transfer_differs:${completed}`);
  expect(kinds).toContain(`failed_but_succeeded_on_chain:${cancelled}`);
  await env.DB.prepare("UPDATE withdrawals SET amount = amount - 1 WHERE id = ?").bind(completed).run();
  await env.DB.prepare("UPDATE withdrawals SET status = 'cancelled', tx_id = NULL WHERE id = ?").bind(cancelled).run();
});

it("reports a hold resolved against its withdrawal's state", async () => {
  await env.DB.prepare("UPDATE withdrawals SET status = 'pending' WHERE id = ?").bind(cancelled).run();
  const report = await run();
  expect(report.mismatches).toContainEqual(expect.objectContaining({ kind: "withdrawal_hold_mismatch", subject: cancelled }));
  await env.DB.prepare("UPDATE withdrawals SET status = 'cancelled' WHERE id = ?").bind(cancelled).run();
});

it("runs hourly from the cron and keeps every run for operators", async () => {
  const top = new Date();
  top.setUTCMinutes(0, 0, 0);
  await worker.scheduled(createScheduledController({ scheduledTime: top.getTime(), cron: "*/5 * * * *" }), env);
  const runs = (await call("/api/v1/admin/reconciliation", { token: await tokenFor("ops", "admin") })).body.runs;
  expect(runs[0]).toMatchObject({ trigger: "cron", mismatch_count: 0 });
  expect(runs.filter((r: any) => r.trigger === "operator").length).toBeGreaterThanOrEqual(4);
  expect((await call("/api/v1/admin/reconciliation", { token: await tokenFor("alice") })).status).toBe(403);
});
