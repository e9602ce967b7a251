import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import {
  advance, balances, checkOptions, choose, createWithdrawal, credit, devnet, exhaustPool, HOLDER, HOT_WALLET, pool, POOL_ID, receipt, seedWorld, withdrawal,
} from "../helpers";
import { addressOfKey } from "../../src/tron/signer";
import { sendUsdt, usdtUnits } from "./chain";

// A broadcast whose outcome is unknown (DESIGN §4): the signed bytes and txid are stored before the
// first broadcast and only ever rebroadcast; a transaction that never appears is failed and
// refunded only once its expiration has passed on the solidified chain; a mined transaction with a
// REVERT or OUT_OF_ENERGY receipt is a failure with a refund.

interface StoredTransfer {
  withdrawal_id: string;
  tx_id: string;
  wallet: string;
  signed_tx: string;
  expiration: number;
  state: string;
  attempts: number;
  last_error: string | null;
}

async function storedTransfer(withdrawalId: string): Promise<StoredTransfer | null> {
  return runInDurableObject(pool(), (_i, state) =>
    (state.storage.sql.exec("SELECT withdrawal_id, tx_id, wallet, signed_tx, expiration, state, attempts, last_error FROM transfers WHERE withdrawal_id = ?", withdrawalId).toArray()[0] as unknown as StoredTransfer) ?? null,
  );
}

async function sha256Hex(hex: string): Promise<string> {
  const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Mined USDT transfers from the hot and fee wallets to `to`, oldest first. */
async function transfersTo(to: string): Promise<Array<{ txid: string; from: string; amount: string; result: string }>> {
  return (await devnet(`/devnet/transactions?address=${to}`)).transactions.filter((t: any) => t.to === to);
}

/** Ledger entries of a withdrawal by reason: every hold is opened once and resolved once. */
async function entries(withdrawalId: string): Promise<Record<string, number>> {
  const rows = await env.DB.prepare("SELECT reason, count(*) AS n FROM ledger_entries WHERE withdrawal_id = ? GROUP BY reason").bind(withdrawalId).all<{ reason: string; n: number }>();
  return Object.fromEntries(rows.results.map((r) => [r.reason, r.n]));
}

async function solidHead(): Promise<number> {
  const res = await (await fetch(`${env.DEVNET_URL}/walletsolidity/getnowblock`, { method: "POST", body: "{}" })).json<any>();
  return res.block_header.raw_data.timestamp;
}

/** Moves the chain clock to just after a block boundary: the next ~3 s mine nothing new. */
async function startOfBlock(): Promise<void> {
  const s = await devnet("/devnet/state");
  const intoBlock = s.now - s.head.timestamp;
  await devnet("/devnet/time/advance", { seconds: (3_000 - intoBlock + 20) / 1_000 });
}

let user = "";

// Each test runs on a fresh chain with a user of its own; what it left in flight settles first, on
// the chain it was sent to.
beforeEach(async () => {
  await seedWorld();
  user = `bu-${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO users (id, display_name, role, created_at) VALUES (?, ?, 'user', ?)").bind(user, user, Date.now()).run();
  await credit(user, "USDT", "1000");
  await credit(user, "TRX", "1000");
});

afterEach(async () => {
  await fetch(`${env.DEVNET_URL}/devnet/faults`, { method: "DELETE" });
  await devnet("/devnet/stake", { address: HOT_WALLET, trx: 200_000 });
  await pool().refresh(POOL_ID);
  for (let i = 0; i < 4; i++) await advance(90);
});

describe("the signed transaction is stored before it is broadcast", () => {
  it("while the broadcast hangs, the pool already holds the signed bytes and their txid; the alarm rebroadcasts those bytes", async () => {
    const w = await createWithdrawal(user, HOLDER, "3");
    // The node never receives the broadcast: the connection hangs, then drops.
    await devnet("/devnet/faults", { kind: "timeout", path: "/wallet/broadcasttransaction", ms: 1_500 });
    const processing = choose(user, w.id, { method: "standard" });

    // Building and signing come first (tronweb loads on the first signature): poll until the row is there.
    let stored: StoredTransfer | null = null;
    for (let i = 0; i < 1_000 && !stored; i++) {
      stored = await storedTransfer(w.id);
      if (!stored) await new Promise((r) => setTimeout(r, 10));
    }
    expect(stored).not.toBeNull();
    const signed = JSON.parse(stored!.signed_tx);
    expect(stored).toMatchObject({ wallet: "hot", state: "signed", attempts: 0 });
    expect(stored!.tx_id).toMatch(/^[0-9a-f]{64}$/);
    // The txid is the hash of the stored raw bytes, and the bytes are signed.
    expect(signed.txID).toBe(stored!.tx_id);
    expect(await sha256Hex(signed.raw_data_hex)).toBe(stored!.tx_id);
    expect(signed.signature).toHaveLength(1);
    expect(stored!.expiration).toBe(signed.raw_data.expiration);
    // D1 knows the txid too, and the node has not seen the transaction yet.
    expect(await withdrawal(user, w.id)).toMatchObject({ status: "processing", tx_id: stored!.tx_id });
    expect(await devnet("/wallet/gettransactionbyid", { value: stored!.tx_id })).toEqual({});

    // The reply never came: the outcome is unknown, so nothing is failed or refunded.
    const answered = await processing;
    expect(answered.status).toBe(200);
    expect(answered.body.result.withdrawal).toMatchObject({ status: "processing", tx_id: stored!.tx_id });
    expect((await balances(user)).held.USDT).toBe("3");

    // The alarm finds it nowhere and rebroadcasts the same bytes; nothing is rebuilt.
    await runDurableObjectAlarm(pool());
    const after = await storedTransfer(w.id);
    expect(after).toMatchObject({ tx_id: stored!.tx_id, signed_tx: stored!.signed_tx, state: "broadcast", attempts: 2, last_error: null });
    await advance(90);
    expect(await withdrawal(user, w.id)).toMatchObject({ status: "completed", tx_id: stored!.tx_id });
    expect((await transfersTo(HOLDER)).map((t) => t.txid)).toEqual([stored!.tx_id]);
  });
});

describe("a lost broadcast reply", () => {
  it("leads to a rebroadcast of the same bytes, never a second transaction", async () => {
    // The race to win: the alarm must look before the node mines the transaction (next block).
    for (let attempt = 1; ; attempt++) {
      const w = await createWithdrawal(user, HOLDER, "4");
      await startOfBlock();
      // The node takes the transaction, but its reply is lost.
      await devnet("/devnet/faults", { kind: "accept_then_timeout", ms: 100 });
      const answered = await choose(user, w.id, { method: "standard" });
      expect(answered.body.result.withdrawal.status).toBe("processing");
      const first = (await storedTransfer(w.id))!;
      expect(first).toMatchObject({ state: "signed", attempts: 1 });
      expect(first.last_error).toMatch(/^NO_REPLY/);

      await runDurableObjectAlarm(pool());
      const second = (await storedTransfer(w.id))!;
      if (second.attempts === 1 && attempt < 3) {
        // The block was mined before the alarm looked (so there was nothing to rebroadcast): again.
        await advance(90);
        continue;
      }
      // Rebroadcast while the node still held it in its pool: a duplicate, which means "taken".
      expect(second).toMatchObject({ tx_id: first.tx_id, signed_tx: first.signed_tx, state: "broadcast", attempts: 2, last_error: null });
      expect(await withdrawal(user, w.id)).toMatchObject({ status: "broadcast", tx_id: first.tx_id });

      await advance(90);
      await advance(90);
      expect(await withdrawal(user, w.id)).toMatchObject({ status: "completed", tx_id: first.tx_id });
      const mine = (await transfersTo(HOLDER)).filter((t) => t.amount === "4000000");
      expect(mine.map((t) => [t.txid, t.result])).toEqual([[first.tx_id, "SUCCESS"]]);
      expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_post: 1 });
      return;
    }
  });
});

describe("a transaction that never appears", () => {
  it("is failed and refunded only once its expiration has passed on the solidified chain", async () => {
    const before = await balances(user);
    const w = await createWithdrawal(user, HOLDER, "5");
    // The node says yes to every broadcast of it and drops it each time.
    await devnet("/devnet/faults", { kind: "accept_never_mine", count: 100 });
    const answered = await choose(user, w.id, { method: "standard" });
    expect(answered.body.result.withdrawal.status).toBe("broadcast");
    const t = (await storedTransfer(w.id))!;

    let sawUnexpired = false;
    for (let i = 0; i < 20; i++) {
      await devnet("/devnet/time/advance", { seconds: 15 });
      const solidBefore = await solidHead();
      await runDurableObjectAlarm(pool());
      const solidAfter = await solidHead();
      const now = await withdrawal(user, w.id);
      if (solidAfter < t.expiration) {
        sawUnexpired = true;
        expect(now.status, `solidified chain at ${solidAfter}, expiration ${t.expiration}`).toBe("broadcast");
        expect((await balances(user)).held.USDT).toBe("5");
        expect(await entries(w.id)).toEqual({ withdrawal_hold: 2 });
      }
      if (solidBefore >= t.expiration) {
        expect(now).toMatchObject({ status: "failed", failure_reason: "expired_unconfirmed", tx_id: t.tx_id });
        break;
      }
    }
    expect(sawUnexpired).toBe(true);
    expect((await storedTransfer(w.id))!).toMatchObject({ state: "failed", tx_id: t.tx_id, signed_tx: t.signed_tx });
    expect((await storedTransfer(w.id))!.attempts).toBeGreaterThan(1);
    expect(await balances(user)).toEqual(before);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2 });
    expect((await pool().status(POOL_ID)).energy_reserved).toBe(0);
    // Nothing reached the chain, and later alarms refund nothing twice.
    await fetch(`${env.DEVNET_URL}/devnet/faults`, { method: "DELETE" });
    await advance(90);
    await runDurableObjectAlarm(pool());
    expect(await transfersTo(HOLDER)).toEqual([]);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2 });
  });
});

describe("a mined transaction that failed", () => {
  it("REVERT (the hot wallet ran out of USDT after the estimate) fails the withdrawal and refunds it once", async () => {
    await exhaustPool(user);
    const before = await balances(user);
    const w = await createWithdrawal(user, HOLDER, "6");
    const queued = await choose(user, w.id, { method: "queue_wait" });
    expect(queued.body.result.withdrawal.status).toBe("queued");
    // Estimated with the hot wallet's USDT; then the exchange's hot wallet is emptied.
    await sendUsdt(env.HOT_WALLET_PRIVATE_KEY, HOLDER, await usdtUnits(HOT_WALLET));
    await devnet("/devnet/time/advance", { seconds: 6 });
    expect(await usdtUnits(HOT_WALLET)).toBe(0n);
    // Energy comes back (a bigger stake) and the queue head starts.
    await devnet("/devnet/stake", { address: HOT_WALLET, trx: 200_000 });
    await pool().refresh(POOL_ID);
    await runDurableObjectAlarm(pool());
    const sent = await withdrawal(user, w.id);
    expect(sent.status).toBe("broadcast");

    await advance(90);
    const done = await withdrawal(user, w.id);
    expect(done).toMatchObject({ status: "failed", failure_reason: "receipt_revert", tx_id: sent.tx_id });
    expect((await receipt(sent.tx_id)).receipt.result).toBe("REVERT");
    expect(await balances(user)).toEqual(before);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2 });
    await runDurableObjectAlarm(pool());
    await advance(90);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2 });
    expect((await pool().status(POOL_ID)).energy_reserved).toBe(0);
  });

  it("OUT_OF_ENERGY (the recipient emptied its USDT after the estimate) fails a TRX-paid withdrawal and refunds amount and fee once", async () => {
    // A recipient holding USDT (a ~65k-energy transfer) whose owner the test plays.
    const recipientKey = "7".repeat(64);
    const recipient = await addressOfKey(recipientKey);
    await devnet("/devnet/fund", { address: recipient, sun: 100_000_000, usdt_units: 1_000_000 });
    await exhaustPool(user);
    const before = await balances(user);
    const w = await createWithdrawal(user, recipient, "2");
    const options = await checkOptions(user, w.id);
    expect(options.body.required_energy).toBeLessThan(70_000);
    // The first broadcast is accepted and dropped; the recipient then empties its balance.
    await devnet("/devnet/faults", { kind: "accept_never_mine" });
    const paid = await choose(user, w.id, { method: "trx_payment" });
    expect(paid.body.result.withdrawal).toMatchObject({ status: "broadcast", method: "trx_payment" });
    const fee = paid.body.result.withdrawal.fee_trx;
    expect((await balances(user)).held).toEqual({ TRX: fee, USDT: "2" });
    await sendUsdt(recipientKey, HOLDER, await usdtUnits(recipient));
    // The rebroadcast (same bytes) is mined after that: a transfer to a non-holder needs ~130k
    // energy, more than its fee_limit covers.
    await runDurableObjectAlarm(pool());
    await advance(90);
    const done = await withdrawal(user, w.id);
    expect(done).toMatchObject({ status: "failed", failure_reason: "receipt_out_of_energy", tx_id: paid.body.result.withdrawal.tx_id });
    expect((await receipt(done.tx_id)).receipt.result).toBe("OUT_OF_ENERGY");
    expect(await balances(user)).toEqual(before);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2, fee_hold: 2, fee_release: 2 });
    await advance(90);
    expect(await entries(w.id)).toEqual({ withdrawal_hold: 2, withdrawal_release: 2, fee_hold: 2, fee_release: 2 });
  });
});
