import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import {
  advance, balances, call, checkOptions, choose, createWithdrawal, credit, DEVNET_PROVIDERS, devnet, exhaustPool, newKey, notifications, receipt, RENTAL_WALLET, seedWorld, tokenFor, withdrawal,
} from "../helpers";

// 64,376 energy at the emulators' default prices (sun/energy) plus the configured 10 % markup.
const CHARGE = { tronsave: 2_478_476, itrx: 2_690_917, feee: 2_832_544, tronzap: 2_974_172 };
const trx = (sun: number) => (sun / 1e6).toString();

const purchaseOrders = async (withdrawalId: string) =>
  (await env.DB.prepare("SELECT * FROM purchase_orders WHERE withdrawal_id = ? ORDER BY attempt").bind(withdrawalId).all<any>()).results;

const provider = (name: string, body: Record<string, unknown>) => devnet(`/devnet/providers/${name}`, body);

/** Advances in steps until the withdrawal leaves `processing`/`broadcast` (or gives up). */
async function settle(id: string, steps = 12) {
  for (let i = 0; i < steps; i++) {
    const w = await withdrawal("alice", id);
    if (!["processing", "broadcast"].includes(w.status)) return w;
    await advance(30);
  }
  return withdrawal("alice", id);
}

beforeAll(async () => {
  await seedWorld({ config: { external_pool_enabled: true, external_pool_providers: DEVNET_PROVIDERS } });
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "100");
});

beforeEach(async () => {
  await devnet("/devnet/reset", {}).catch(() => undefined);
  await seedWorld({ config: { external_pool_enabled: true, external_pool_providers: DEVNET_PROVIDERS } });
  for (const w of (await env.DB.prepare("SELECT id FROM withdrawals WHERE status IN ('pending','queued','postponed')").all<{ id: string }>()).results) {
    await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: await tokenFor("alice"), idempotencyKey: newKey() });
  }
  await exhaustPool("alice");
});

describe("external_pool", () => {
  it("quotes every provider, ranks them by price and recommends the cheapest immediate option", async () => {
    const w = await createWithdrawal("alice");
    const res = await checkOptions("alice", w.id);
    expect(res.status).toBe(200);
    const external = res.body.options.filter((o: any) => o.method === "external_pool");
    expect(external.map((o: any) => o.provider)).toEqual(["tronsave", "itrx", "feee", "tronzap"]);
    expect(external.map((o: any) => o.cost_trx)).toEqual([CHARGE.tronsave, CHARGE.itrx, CHARGE.feee, CHARGE.tronzap].map(trx));
    expect(external.every((o: any) => o.available && o.immediate)).toBe(true);
    // Renting at ~38 sun/energy beats burning at 100 × 1.5: it is the recommendation.
    expect(res.body.recommendation).toBe("external_pool");
  });

  it("drops providers that do not answer and refuses those above the premium", async () => {
    await provider("feee", { mode: "fail_quote" });
    await provider("tronzap", { price_sun_per_energy: 250 });
    const w = await createWithdrawal("alice");
    const external = (await checkOptions("alice", w.id)).body.options.filter((o: any) => o.method === "external_pool");
    expect(external.map((o: any) => o.provider)).toEqual(["tronsave", "itrx", "tronzap"]);
    expect(external.find((o: any) => o.provider === "tronzap")).toMatchObject({ available: false, reason: "exceeds_max_premium" });
  });

  it("orders, waits for delivery on chain, sends with the rented energy and charges the quote", async () => {
    const before = await balances("alice");
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    const res = await choose("alice", w.id, { method: "external_pool" });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ provider: "tronsave", withdrawal: { status: "processing", method: "external_pool", fee_trx: trx(CHARGE.tronsave) } });
    const [po] = await purchaseOrders(w.id);
    expect(po).toMatchObject({ provider: "tronsave", status: "ordered", energy: 64_376, receiver: RENTAL_WALLET, attempt: 1 });
    expect((await provider("tronsave", {})).orders.filter((o: any) => o.receiver === RENTAL_WALLET)).toHaveLength(1);

    const done = await settle(w.id);
    expect(done).toMatchObject({ status: "completed", method: "external_pool", fee_trx: trx(CHARGE.tronsave) });
    const info = await receipt(done.tx_id);
    expect(info.receipt.result).toBe("SUCCESS");
    // Paid with the rented energy: nothing burned for it.
    expect(info.receipt.energy_fee ?? 0).toBe(0);
    const [after] = await purchaseOrders(w.id);
    expect(after).toMatchObject({ status: "completed", charged_sun: CHARGE.tronsave, delivered_energy: 64_376 });
    const b = await balances("alice");
    expect(Number(b.balances.TRX)).toBeCloseTo(Number(before.balances.TRX) - CHARGE.tronsave / 1e6, 6);
    expect(b.held.TRX).toBe("0");
  });

  it("fails over to the next provider and never charges more than the accepted quote", async () => {
    await provider("tronsave", { mode: "fail_order", count: 1 });
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    const res = await choose("alice", w.id, { method: "external_pool" });
    expect(res.body.result.provider).toBe("itrx");
    const done = await settle(w.id);
    expect(done.status).toBe("completed");
    const orders = await purchaseOrders(w.id);
    expect(orders.map((o) => [o.provider, o.status])).toEqual([
      ["tronsave", "failed"],
      ["itrx", "completed"],
    ]);
    expect(orders[0].error).toBeTruthy();
    // itrx costs more than the tronsave quote the user accepted: the exchange absorbs the difference.
    expect(done.fee_trx).toBe(trx(CHARGE.tronsave));
  });

  it("a provider that takes the order but loses the reply is found by our id, not paid twice", async () => {
    await provider("itrx", { mode: "timeout_after_accept", count: 1, hang_ms: 12_000 });
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    const res = await choose("alice", w.id, { method: "external_pool", provider: "itrx" });
    expect(res.status).toBe(200);
    const orders = await purchaseOrders(w.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ provider: "itrx", status: "ordered" });
    expect((await provider("itrx", {})).orders.filter((o: any) => o.external_id === orders[0].id)).toHaveLength(1);
    expect((await settle(w.id)).status).toBe("completed");
  });

  it("moves on when a provider delivers only part of the energy or nothing in time", async () => {
    await provider("tronsave", { mode: "partial", count: 1 });
    await provider("itrx", { mode: "never_deliver", count: 1 });
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    await choose("alice", w.id, { method: "external_pool" });
    for (let i = 0; i < 30 && (await purchaseOrders(w.id)).length < 3; i++) await advance(30);
    const done = await settle(w.id);
    expect(done.status).toBe("completed");
    expect((await purchaseOrders(w.id)).map((o) => [o.provider, o.status])).toEqual([
      ["tronsave", "failed"],
      ["itrx", "failed"],
      ["feee", "completed"],
    ]);
  });

  it("refunds the charge and hands the withdrawal back when every provider fails", async () => {
    const before = await balances("alice");
    for (const name of ["tronsave", "itrx", "feee", "tronzap"]) await provider(name, { mode: "fail_order" });
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    const res = await choose("alice", w.id, { method: "external_pool" });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(false);
    expect(res.body.result.withdrawal).toMatchObject({ status: "pending", fee_trx: "0" });
    expect((await purchaseOrders(w.id)).every((o) => o.status === "failed")).toBe(true);
    const after = await balances("alice");
    expect(after.balances.TRX).toBe(before.balances.TRX);
    expect(after.held.TRX).toBe("0");
    const fee = await env.DB.prepare("SELECT reason, count(*) AS n FROM ledger_entries WHERE withdrawal_id = ? AND asset = 'TRX' GROUP BY reason ORDER BY reason").bind(w.id).all();
    expect(fee.results).toEqual([
      { reason: "fee_hold", n: 2 },
      { reason: "fee_release", n: 2 },
    ]);
    expect((await notifications("alice")).some((n) => n.withdrawal_id === w.id && n.kind === "returned_to_pending")).toBe(true);
    // Fresh options are there to choose from.
    expect((await checkOptions("alice", w.id)).body.options.some((o: any) => o.method === "trx_payment" && o.available)).toBe(true);
  });

  it("refuses a stale quote", async () => {
    const w = await createWithdrawal("alice");
    await checkOptions("alice", w.id);
    await env.DB.prepare("UPDATE withdrawals SET external_quotes = json_set(external_quotes, '$.quoted_at', 0) WHERE id = ?").bind(w.id).run();
    const res = await choose("alice", w.id, { method: "external_pool" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("quote_expired");
  });
});

describe("operators", () => {
  it("list purchase orders by status and provider, and see each provider's figures", async () => {
    const admin = await tokenFor("ops", "admin");
    const failed = await call("/api/v1/admin/purchase-orders?status=failed", { token: admin });
    expect(failed.status).toBe(200);
    expect(failed.body.purchase_orders.length).toBeGreaterThan(0);
    expect(failed.body.purchase_orders.every((o: any) => o.status === "failed")).toBe(true);
    const itrx = await call("/api/v1/admin/purchase-orders?provider=itrx", { token: admin });
    expect(itrx.body.purchase_orders.every((o: any) => o.provider === "itrx")).toBe(true);
    expect((await call("/api/v1/admin/purchase-orders?provider=acme", { token: admin })).body.error.field).toBe("provider");

    const figures = (await call("/api/v1/admin/providers", { token: admin })).body.providers as any[];
    const tronsave = figures.find((p) => p.provider === "tronsave");
    expect(tronsave).toMatchObject({ configured: true });
    expect(tronsave.orders).toBeGreaterThan(0);
    expect(tronsave.success_rate).toBeGreaterThan(0);
    expect(tronsave.success_rate).toBeLessThan(1);
    expect(tronsave.median_delivery_seconds).toBeGreaterThan(0);
    expect(tronsave.avg_sun_per_energy).toBeCloseTo(35, 0);
    expect(tronsave.reliability).toBeGreaterThan(0);
  });
});
