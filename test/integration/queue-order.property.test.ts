import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { advance, call, choose, createWithdrawal, credit, devnet, exhaustPool, freshAddress, HOT_WALLET, receipt, seedWorld, startedTransfers, tokenFor, withdrawal } from "../helpers";
import { compareQueue } from "../../src/domain/queue";

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "100000");
  await credit("alice", "TRX", "10000");
});

const arrival = fc.record({
  priority: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
  newRecipient: fc.boolean(),
  urgent: fc.boolean(),
});

it("the queue starts withdrawals in priority-then-arrival order and never oversubscribes the pool", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(arrival, { minLength: 2, maxLength: 5 }), async (arrivals) => {
      await seedWorld();
      await exhaustPool("alice");
      const admin = await tokenFor("ops", "admin");
      const entries: Array<{ id: string; priority: number; seq: number }> = [];
      for (const [seq, a] of arrivals.entries()) {
        const w = await createWithdrawal("alice", a.newRecipient ? await freshAddress() : undefined);
        const res = await choose("alice", w.id, { method: "queue_wait", priority: a.priority });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        let priority: number = a.priority;
        // Operators may mark a few urgent while they wait.
        if (a.urgent && seq % 2 === 1) {
          expect((await call(`/api/v1/admin/withdrawals/${w.id}/priority`, { token: admin, body: { priority: 2 } })).status).toBe(200);
          priority = 2;
        }
        entries.push({ id: w.id, priority, seq });
      }
      const sentBefore = (await startedTransfers()).length;
      for (let i = 0; i < 400; i++) {
        const statuses = await Promise.all(entries.map((e) => withdrawal("alice", e.id).then((w) => w.status)));
        if (statuses.every((s) => s === "completed")) break;
        await advance(600);
      }
      const started = (await startedTransfers()).slice(sentBefore).map((t) => t);
      const expected = [...entries].sort(compareQueue).map((e) => e.id);
      expect(started.map((t) => t.withdrawal_id)).toEqual(expected);
      // Had the pool promised energy it did not have, the hot wallet would have burned TRX for it.
      for (const t of started) {
        const info = await receipt(t.tx_id);
        expect(info.receipt.result).toBe("SUCCESS");
        expect(info.receipt.energy_fee ?? 0).toBe(0);
      }
      const chain = (await devnet("/devnet/state")).accounts.find((a: any) => a.address === HOT_WALLET);
      expect(chain.energy_used).toBeLessThanOrEqual(chain.energy_limit);
      const queued = await env.DB.prepare("SELECT count(*) AS n FROM withdrawals WHERE status = 'queued'").first<{ n: number }>();
      expect(queued!.n).toBe(0);
    }),
    { numRuns: 8, verbose: 1 },
  );
}, 240_000);
