import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, credit, devnet, HOLDER, newKey, POOL_ID, seedWorld, tokenFor } from "../helpers";

const pool = () => env.ENERGY_POOL.getByName(POOL_ID);

beforeAll(async () => {
  // ~500k energy: room for 7 transfers to a holder, not 20.
  await seedWorld({ stakeTrx: 50_000 });
  await credit("alice", "USDT", "1000");
});

it("twenty concurrent standard withdrawals never oversubscribe the pool", async () => {
  const token = await tokenFor("alice");
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await call("/api/v1/withdrawals", { token, body: { to_address: HOLDER, amount: "1" }, idempotencyKey: newKey() });
    ids.push(res.body.id);
  }
  const before = await pool().status(POOL_ID);
  const results = await Promise.all(
    ids.map((id) => call(`/api/v1/withdrawals/${id}/process-with-option`, { token, body: { method: "standard" }, idempotencyKey: newKey() })),
  );
  const accepted = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status === 409);
  expect(results.filter((r) => r.status !== 200 && r.status !== 409).map((r) => r.body)).toEqual([]);
  expect(refused.every((r) => r.body.error.code === "energy_insufficient")).toBe(true);
  expect(accepted.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);

  const energyEach = accepted[0].body.result.withdrawal.energy_required as number;
  // At most what was free; fewer only if the chain counted a mined transfer before its reservation
  // was dropped (the pool errs on the side of promising less).
  expect(accepted.length).toBeLessThanOrEqual(Math.floor(before.energy_available / energyEach));
  const during = await pool().status(POOL_ID);
  expect(during.energy_reserved).toBe(accepted.length * energyEach);
  expect(during.energy_reserved).toBeLessThanOrEqual(before.energy_available);

  // Refused withdrawals stay pending with their hold intact, ready for another option.
  for (const r of refused) expect(r.body.error.message).toMatch(/energy pool/);
  const pending = await env.DB.prepare("SELECT count(*) AS n FROM withdrawals WHERE status = 'pending'").first<{ n: number }>();
  expect(pending!.n).toBe(refused.length);

  await devnet("/devnet/time/advance", { seconds: 90 });
  await runDurableObjectAlarm(pool());
  const rows = (await env.DB.prepare("SELECT status, tx_id FROM withdrawals WHERE status <> 'pending'").all<{ status: string; tx_id: string }>()).results;
  expect(rows).toHaveLength(accepted.length);
  expect(rows.every((r) => r.status === "completed")).toBe(true);
  // Identical transfers (same recipient, same amount) must still be distinct transactions.
  expect(new Set(rows.map((r) => r.tx_id)).size).toBe(rows.length);
  // Had the pool promised more than it had, the chain would have burned TRX for the excess energy.
  for (const r of rows) {
    const info = await (await fetch(`${env.DEVNET_URL}/walletsolidity/gettransactioninfobyid`, { method: "POST", body: JSON.stringify({ value: r.tx_id }) })).json<any>();
    expect(info.receipt.result).toBe("SUCCESS");
    expect(info.receipt.energy_fee ?? 0).toBe(0);
  }
  expect((await pool().status(POOL_ID)).energy_reserved).toBe(0);
});
