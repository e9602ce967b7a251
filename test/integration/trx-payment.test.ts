import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { advance, balances, checkOptions, choose, createWithdrawal, credit, devnet, exhaustPool, FEE_WALLET, HOT_WALLET, pool, POOL_ID, receipt, seedWorld, withdrawal } from "../helpers";

// (64,376 energy × 100 sun + 345 bytes × 1,000 sun) × 1.5 markup
const TRX_COST = "10.1739";

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "100");
  await credit("bob", "USDT", "100");
  await credit("bob", "TRX", "8");
  await exhaustPool("alice");
});

describe("check-options when the pool is short", () => {
  it("prices every enabled alternative and recommends the cheapest immediate one", async () => {
    const w = await createWithdrawal("alice");
    const res = await checkOptions("alice", w.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ can_process_immediately: false, reason: "energy_insufficient", required_energy: 64_376, recommendation: "trx_payment" });
    expect(res.body.energy_available).toBeLessThan(64_376);
    const byKey = Object.fromEntries(res.body.options.map((o: any) => [`${o.method}${o.priority ?? ""}`, o]));
    expect(byKey.trx_payment).toMatchObject({ immediate: true, available: true, cost_trx: TRX_COST, cost_usd: "3.05" });
    expect(byKey.queue_wait0).toMatchObject({ immediate: false, available: true, cost_trx: "0" });
    expect(byKey.queue_wait1).toMatchObject({ immediate: false, available: true, cost_trx: "5", cost_usd: "1.50" });
    expect(byKey.queue_wait0.estimated_wait_minutes).toBeGreaterThan(10);
    expect(byKey.queue_wait0.estimated_wait_minutes).toBeLessThan(24 * 60);
    expect(byKey.postpone.available).toBe(true);
    expect(Date.parse(byKey.postpone.postpone_until)).toBeGreaterThan(Date.now());
    expect(byKey.external_pool).toBeUndefined();
  });

  it("marks TRX payment unavailable below the minimum TRX balance", async () => {
    const w = await createWithdrawal("bob");
    const res = await checkOptions("bob", w.id);
    const trx = res.body.options.find((o: any) => o.method === "trx_payment");
    expect(trx).toMatchObject({ available: false, reason: "below_min_trx_balance" });
    const refused = await choose("bob", w.id, { method: "trx_payment" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("option_unavailable");
    expect(refused.body.error.message).toContain("below_min_trx_balance");
    expect(await withdrawal("bob", w.id)).toMatchObject({ status: "pending" });
  });
});

describe("trx_payment", () => {
  it("charges the fee in TRX, sends from the fee wallet and leaves the pool's energy alone", async () => {
    const before = await balances("alice");
    const statusBefore = await pool().status(POOL_ID);
    const w = await createWithdrawal("alice");
    const res = await choose("alice", w.id, { method: "trx_payment" });
    expect(res.status).toBe(200);
    expect(res.body.result.withdrawal).toMatchObject({ status: "broadcast", method: "trx_payment", fee_trx: TRX_COST });
    const during = await balances("alice");
    expect(during.held.TRX).toBe(TRX_COST);
    expect(Number(during.balances.TRX)).toBeCloseTo(Number(before.balances.TRX) - Number(TRX_COST), 6);
    expect((await pool().status(POOL_ID)).energy_reserved).toBe(statusBefore.energy_reserved);

    await advance(90);
    const done = await withdrawal("alice", w.id);
    expect(done).toMatchObject({ status: "completed", method: "trx_payment" });
    const after = await balances("alice");
    expect(after.held).toEqual({ TRX: "0", USDT: String(Number(before.held.USDT)) });
    expect(after.balances.TRX).toBe(during.balances.TRX);

    const info = await receipt(done.tx_id);
    expect(info.receipt.result).toBe("SUCCESS");
    // The fee wallet stakes nothing: the whole transfer's energy was burned, none came from the pool.
    expect(info.receipt.energy_fee).toBe(64_376 * 100);
    const txs = (await devnet(`/devnet/transactions?address=${FEE_WALLET}`)).transactions;
    expect(txs.map((t: any) => t.txid)).toContain(done.tx_id);
    const hot = (await devnet("/devnet/state")).accounts.find((a: any) => a.address === HOT_WALLET);
    expect(hot.energy_used).toBeLessThanOrEqual(statusBefore.energy_used);
  });

  it("refunds the TRX fee and the USDT hold exactly once when the network refuses the transfer", async () => {
    const before = await balances("alice");
    const w = await createWithdrawal("alice");
    await devnet("/devnet/faults", { kind: "broadcast_error", code: "BANDWITH_ERROR", count: 1 });
    const res = await choose("alice", w.id, { method: "trx_payment" });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(false);
    expect(res.body.result.withdrawal).toMatchObject({ status: "failed", failure_reason: "broadcast_bandwith_error" });
    await advance(90);
    expect(await balances("alice")).toEqual(before);
    const entries = (
      await env.DB.prepare("SELECT reason, count(*) AS n FROM ledger_entries WHERE withdrawal_id = ? GROUP BY reason ORDER BY reason").bind(w.id).all<{ reason: string; n: number }>()
    ).results;
    expect(entries).toEqual([
      { reason: "fee_hold", n: 2 },
      { reason: "fee_release", n: 2 },
      { reason: "withdrawal_hold", n: 2 },
      { reason: "withdrawal_release", n: 2 },
    ]);
  });
});
