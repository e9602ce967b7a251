import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { balances, call, credit, devnet, FRESH, HOLDER, HOT_WALLET, newKey, POOL_ID, seedWorld, tokenFor } from "../helpers";

const pool = () => env.ENERGY_POOL.getByName(POOL_ID);

async function create(user: string, body: unknown, key = newKey()) {
  return call("/api/v1/withdrawals", { token: await tokenFor(user), body, idempotencyKey: key });
}

async function processStandard(user: string, id: string, key = newKey()) {
  return call(`/api/v1/withdrawals/${id}/process-with-option`, { token: await tokenFor(user), body: { method: "standard" }, idempotencyKey: key });
}

/** Moves the devnet past solidification and lets the pool's alarm follow its transfers. */
async function settle(seconds = 90) {
  await devnet("/devnet/time/advance", { seconds });
  await runDurableObjectAlarm(pool());
}

async function ledgerSum(user: string, asset: string) {
  const r = await env.DB.prepare("SELECT coalesce(sum(delta), 0) AS s FROM ledger_entries WHERE user_id = ? AND asset = ?").bind(user, asset).first<{ s: number }>();
  return r!.s;
}

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "100");
  await credit("bob", "USDT", "50");
});

describe("standard path", () => {
  it("holds, sends, follows the receipt to solidified and posts the hold", async () => {
    const before = await balances("alice");
    const created = await create("alice", { to_address: HOLDER, amount: "12.5" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "pending", amount: "12.5", to_address: HOLDER, asset: "USDT" });
    const afterHold = await balances("alice");
    expect(afterHold.balances.USDT).toBe(String(Number(before.balances.USDT) - 12.5));
    expect(afterHold.held.USDT).toBe("12.5");

    const options = await call(`/api/v1/withdrawals/${created.body.id}/check-options`, { method: "POST", token: await tokenFor("alice") });
    expect(options.status).toBe(200);
    expect(options.body.can_process_immediately).toBe(true);
    expect(options.body.required_energy).toBeGreaterThan(60_000);
    expect(options.body.required_energy).toBeLessThan(70_000);
    expect(options.body.options[0]).toMatchObject({ method: "standard", immediate: true, available: true, cost_trx: "0", cost_usd: "0.00" });
    expect(options.body.recommendation).toBe("standard");

    const statusBefore = await pool().status(POOL_ID);
    const processed = await processStandard("alice", created.body.id);
    expect(processed.status).toBe(200);
    expect(processed.body.success).toBe(true);
    expect(processed.body.result.withdrawal.status).toBe("broadcast");
    const txId = processed.body.result.withdrawal.tx_id;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);

    const during = await pool().status(POOL_ID);
    expect(during.energy_reserved).toBe(options.body.required_energy);
    expect(during.in_flight).toBe(1);

    // Mined but not yet solidified: the alarm leaves it in flight.
    await devnet("/devnet/time/advance", { seconds: 6 });
    await runDurableObjectAlarm(pool());
    expect((await call(`/api/v1/withdrawals/${created.body.id}`, { token: await tokenFor("alice") })).body.status).toBe("broadcast");

    await settle();
    const done = await call(`/api/v1/withdrawals/${created.body.id}`, { token: await tokenFor("alice") });
    expect(done.body).toMatchObject({ status: "completed", method: "standard", tx_id: txId });
    const after = await balances("alice");
    expect(after.held.USDT).toBe("0");
    expect(after.balances.USDT).toBe(afterHold.balances.USDT);

    const chain = await devnet("/devnet/state");
    const hot = chain.accounts.find((a: any) => a.address === HOT_WALLET);
    expect(hot).toBeDefined();
    const info = await (await fetch(`${env.DEVNET_URL}/walletsolidity/gettransactioninfobyid`, { method: "POST", body: JSON.stringify({ value: txId }) })).json<any>();
    expect(info.receipt.result).toBe("SUCCESS");

    const settled = await pool().status(POOL_ID);
    expect(settled.energy_reserved).toBe(0);
    expect(settled.in_flight).toBe(0);
    // The chain now counts the transfer's energy instead of the reservation.
    expect(settled.energy_used).toBeGreaterThanOrEqual(statusBefore.energy_used + 60_000);
  });

  it("refuses a second process of the same withdrawal", async () => {
    const created = await create("alice", { to_address: HOLDER, amount: "1" });
    expect((await processStandard("alice", created.body.id)).status).toBe(200);
    const again = await processStandard("alice", created.body.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("invalid_state");
    await settle();
  });

  it("costs about twice the energy for a recipient that holds no USDT", async () => {
    const created = await create("alice", { to_address: FRESH, amount: "1" });
    const options = await call(`/api/v1/withdrawals/${created.body.id}/check-options`, { method: "POST", token: await tokenFor("alice") });
    expect(options.body.required_energy).toBeGreaterThan(125_000);
    expect(options.body.required_energy).toBeLessThan(135_000);
    await call(`/api/v1/withdrawals/${created.body.id}/cancel`, { method: "POST", token: await tokenFor("alice"), idempotencyKey: newKey() });
  });
});

describe("failures refund exactly once", () => {
  it("a broadcast the node refuses fails the withdrawal and releases the hold", async () => {
    const before = await balances("bob");
    const created = await create("bob", { to_address: HOLDER, amount: "5" });
    await devnet("/devnet/faults", { kind: "broadcast_error", code: "BANDWITH_ERROR", count: 1 });
    const processed = await processStandard("bob", created.body.id);
    expect(processed.status).toBe(200);
    expect(processed.body.success).toBe(false);
    expect(processed.body.result.withdrawal).toMatchObject({ status: "failed", failure_reason: "broadcast_bandwith_error" });
    expect(await balances("bob")).toEqual(before);
    expect((await pool().status(POOL_ID)).energy_reserved).toBe(0);
    await runDurableObjectAlarm(pool());
    expect(await balances("bob")).toEqual(before);
    const releases = await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries WHERE withdrawal_id = ? AND reason = 'withdrawal_release'").bind(created.body.id).first<{ n: number }>();
    expect(releases!.n).toBe(2);
  });

  it("a transaction accepted but never mined is rebroadcast, not rebuilt", async () => {
    const created = await create("bob", { to_address: HOLDER, amount: "2" });
    await devnet("/devnet/faults", { kind: "accept_never_mine", count: 1 });
    const processed = await processStandard("bob", created.body.id);
    expect(processed.body.result.withdrawal.status).toBe("broadcast");
    const txId = processed.body.result.withdrawal.tx_id;
    await devnet("/devnet/time/advance", { seconds: 9 });
    // The node lost it: the alarm rebroadcasts the stored bytes (same txid).
    await runDurableObjectAlarm(pool());
    await settle();
    const done = await call(`/api/v1/withdrawals/${created.body.id}`, { token: await tokenFor("bob") });
    expect(done.body).toMatchObject({ status: "completed", tx_id: txId });
  });

  it("cancel refunds a pending withdrawal once, and a repeat is refused", async () => {
    const before = await balances("bob");
    const created = await create("bob", { to_address: HOLDER, amount: "3" });
    expect((await balances("bob")).held.USDT).toBe("3");
    const token = await tokenFor("bob");
    const first = await call(`/api/v1/withdrawals/${created.body.id}/cancel`, { method: "POST", token, idempotencyKey: newKey() });
    expect(first.status).toBe(200);
    expect(first.body.result.withdrawal.status).toBe("cancelled");
    const second = await call(`/api/v1/withdrawals/${created.body.id}/cancel`, { method: "POST", token, idempotencyKey: newKey() });
    expect(second.status).toBe(409);
    expect(await balances("bob")).toEqual(before);
  });

  it("an overdraft is refused by SQL and writes nothing", async () => {
    const entries = await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries").first<{ n: number }>();
    const res = await create("bob", { to_address: HOLDER, amount: "100000" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("insufficient_balance");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries").first<{ n: number }>())!.n).toBe(entries!.n);
    await expect(
      env.DB.prepare("INSERT INTO ledger_entries (user_id, asset, bucket, delta, reason, created_at) VALUES ('bob', 'USDT', 'available', -999999999999, 'test', 0)").run(),
    ).rejects.toThrow(/CHECK constraint failed/);
  });

  it("the ledger and the balances agree", async () => {
    for (const user of ["alice", "bob"]) {
      for (const asset of ["TRX", "USDT"]) {
        const row = await env.DB.prepare("SELECT available + held AS total FROM balances WHERE user_id = ? AND asset = ?").bind(user, asset).first<{ total: number }>();
        expect(row?.total ?? 0).toBe(await ledgerSum(user, asset));
      }
    }
  });
});
