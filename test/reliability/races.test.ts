import { beforeAll, expect, it } from "vitest";
import { advance, call, createWithdrawal, credit, newKey, receipt, seedWorld, startedTransfers, tokenFor } from "../helpers";
import { poolRows } from "./audit";

// Two requests that start the same withdrawal at once (a double click that mints a new
// Idempotency-Key each time, two tabs): one wins, the other is refused, and the winner's energy
// stays promised to it until the chain counts the transfer.

beforeAll(async () => {
  // About 100k energy: one transfer to a holder (64,376) fits, a second does not.
  await seedWorld({ stakeTrx: 10_000 });
  await credit("alice", "USDT", "100");
});

it("two concurrent standard starts of one withdrawal keep its energy reserved until the chain counts it", async () => {
  const token = await tokenFor("alice");
  const w = await createWithdrawal("alice");
  const start = () => call(`/api/v1/withdrawals/${w.id}/process-with-option`, { token, body: { method: "standard" }, idempotencyKey: newKey("race") });
  const answers = await Promise.all([start(), start(), start()]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
  expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === "invalid_state")).toBe(true);

  const rows = await poolRows();
  expect(rows.reservations).toEqual([expect.objectContaining({ withdrawal_id: w.id, energy: 64_376 })]);

  // The energy is promised: a second withdrawal cannot have it.
  const other = await createWithdrawal("alice");
  const refused = await call(`/api/v1/withdrawals/${other.id}/process-with-option`, { token, body: { method: "standard" }, idempotencyKey: newKey("race") });
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe("energy_insufficient");

  await advance(90);
  for (const t of await startedTransfers()) {
    const info = await receipt(t.tx_id);
    expect(info.receipt.result).toBe("SUCCESS");
    // Had the pool promised the same energy twice, the hot wallet would have burned TRX.
    expect(info.receipt.energy_fee ?? 0).toBe(0);
  }
});
