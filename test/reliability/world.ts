import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, devnet, freshAddress, HOLDER, HOT_WALLET, newKey, pool, POOL_ID, seedWorld, tokenFor } from "../helpers";
import { Auditor, poolRows, Violation } from "./audit";

// One model sequence's world: a freshly reset chain, users of its own (so that its ledger is told
// apart from earlier sequences' in the same D1), and the auditor that checks it after every step.

export const PROVIDER_NAMES = ["tronsave", "feee", "itrx", "tronzap"] as const;
const STARTING_BALANCE = { USDT: "300", TRX: "300" } as const;
const NORMAL_STAKE_TRX = 100_000;
// About 200k energy: three transfers to a holder, so that the pool runs short within a few steps.
const STARTING_STAKE_TRX = 20_000;
// Enough chain time for anything in flight to settle: rentals fail over after 3 minutes per
// provider, transfers expire after 60 s and solidify 57 s later.
const SETTLE_ROUNDS = 40;
const SETTLE_STEP_SECONDS = 60;

export interface World {
  audit: Auditor;
  users: string[];
  tokens: Map<string, string>;
  admin: string;
  recipients: string[];
  /** Steps as they ran, with what they touched and how the service answered. */
  trace: string[];
  commandSteps: number;
}

export async function startWorld(label: string): Promise<World> {
  await seedWorld({ stakeTrx: STARTING_STAKE_TRX });
  const users = [`${label}-a`, `${label}-b`];
  const now = Date.now();
  await env.DB.batch(users.map((u) => env.DB.prepare("INSERT OR IGNORE INTO users (id, display_name, role, created_at) VALUES (?, ?, 'user', ?)").bind(u, u, now)));
  const admin = await tokenFor("ops", "admin");
  for (const user of users) {
    for (const [asset, amount] of Object.entries(STARTING_BALANCE)) await deposit(admin, user, asset, amount);
  }
  const tokens = new Map<string, string>();
  for (const user of users) tokens.set(user, await tokenFor(user));
  const recipients = [HOLDER, await freshAddress(), await freshAddress(), await freshAddress()];
  return { audit: await Auditor.start(users), users, tokens, admin, recipients, trace: [], commandSteps: 0 };
}

export async function deposit(admin: string, user: string, asset: string, amount: string) {
  const res = await call(`/api/v1/admin/users/${user}/credit`, { token: admin, body: { asset, amount }, idempotencyKey: newKey("deposit") });
  if (res.status !== 201) throw new Error(`deposit for ${user} answered ${res.status} ${JSON.stringify(res.body)}`);
}

/** Chain time moves on and the pool's alarm runs, as it would every 30 s while it has work. */
export async function advanceChain(seconds: number): Promise<boolean> {
  await devnet("/devnet/time/advance", { seconds });
  return runDurableObjectAlarm(pool());
}

/** Every injected fault is lifted: the chain, the providers and the webhook receiver behave again. */
export async function liftFaults(): Promise<void> {
  const res = await fetch(`${env.DEVNET_URL}/devnet/faults`, { method: "DELETE" });
  if (!res.ok) throw new Error(`clearing faults: HTTP ${res.status}`);
  for (const name of PROVIDER_NAMES) await devnet(`/devnet/providers/${name}`, { mode: "ok" });
  await devnet("/devnet/hooks/fail", { count: 0 });
}

/**
 * Ends a sequence: faults lifted and the stake restored, whatever can be cancelled is cancelled,
 * and chain time runs until everything in flight has settled. Anything still unsettled then is a
 * liveness failure; at the end every withdrawal is final and every hold resolved.
 */
export async function settle(world: World): Promise<void> {
  await liftFaults();
  await devnet("/devnet/stake", { address: HOT_WALLET, trx: NORMAL_STAKE_TRX });
  await pool().refresh(POOL_ID);
  for (let round = 0; ; round++) {
    for (const w of await world.audit.withdrawals()) {
      if (w.status !== "pending" && w.status !== "queued" && w.status !== "postponed") continue;
      const res = await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: world.tokens.get(w.user_id), idempotencyKey: newKey("settle") });
      // A queued entry the pool has begun to start cannot be cancelled; it settles below instead.
      if (res.status !== 200 && !(res.status === 409 && res.body?.error?.code === "invalid_state")) {
        throw new Violation(`settling: cancel of ${w.id} (${w.status}) answered ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    await world.audit.check(`settle round ${round}: cancelled what could be`);
    const open = (await world.audit.withdrawals()).filter((w) => w.status !== "completed" && w.status !== "failed" && w.status !== "cancelled");
    const rows = await poolRows();
    const busy = rows.openTransfers + rows.reservations.length + rows.queue.length + rows.postponed.length + rows.rentals.length;
    if (open.length === 0 && busy === 0) break;
    if (round === SETTLE_ROUNDS) {
      throw new Violation(
        `did not settle within ${SETTLE_ROUNDS * SETTLE_STEP_SECONDS} s of chain time: ${JSON.stringify(open.map((w) => [w.id, w.status, w.method]))}, ` +
          `pool: ${rows.openTransfers} open transfers, ${rows.reservations.length} reservations, ${rows.queue.length} queued, ${rows.postponed.length} postponed, ${rows.rentals.length} rentals`,
      );
    }
    await advanceChain(SETTLE_STEP_SECONDS);
    await world.audit.check(`settle round ${round}: advanced ${SETTLE_STEP_SECONDS} s`);
  }
  const held = await env.DB.prepare(`SELECT user_id, asset, held FROM balances WHERE held <> 0 AND user_id IN (${world.users.map(() => "?").join(", ")})`)
    .bind(...world.users)
    .all();
  if (held.results.length) throw new Violation(`settled, yet money is still held: ${JSON.stringify(held.results)}`);
}
