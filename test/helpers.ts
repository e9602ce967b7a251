import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { sign } from "hono/jwt";
import { addressOfKey } from "../src/tron/signer";

export const HOT_WALLET = "TUVuiKMpkatA6dhkv4z7ZuVEfdcpMApx9b";
export const FEE_WALLET = "TCLBgkbfVkJroVBJVqBEsxtPNQEQMTQCLQ";
export const RENTAL_WALLET = "TWa5cxQFesyCQUm17usvHrVkKce6rMCV4H";
export const USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
/** Holds USDT on the devnet after `seedWorld`: transfers to it cost ~65k energy. */
export const HOLDER = "TBvJUBXorwBPzqvV38vjDgegj5Eh6g2Tsq";
/** Never funded: transfers to it cost ~131k energy. */
export const FRESH = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8";
export const POOL_ID = "pool-main";

export async function tokenFor(userId: string, role: "user" | "admin" = "user", claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: userId, role, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600, ...claims }, env.JWT_SECRET, "HS256");
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  rawBody?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await exports.default.fetch(new Request(`http://api.test${path}`, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function devnet(path: string, body?: unknown): Promise<any> {
  const res = await fetch(env.DEVNET_URL + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`devnet ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

let keySeq = 0;
export const newKey = (prefix = "k") => `${prefix}-${Date.now()}-${++keySeq}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * A fresh chain and a pool: the hot wallet holds USDT and TRX and stakes `stakeTrx` for energy
 * (about 10 energy per TRX on the devnet); users `alice` and `bob` hold balances in D1.
 */
export async function seedWorld(opts: { stakeTrx?: number; config?: Record<string, unknown> } = {}) {
  await devnet("/devnet/reset", {});
  await devnet("/devnet/fund", { address: HOT_WALLET, sun: 10_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnet("/devnet/fund", { address: FEE_WALLET, sun: 100_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnet("/devnet/fund", { address: RENTAL_WALLET, sun: 100_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnet("/devnet/fund", { address: HOLDER, usdt_units: 1_000_000 });
  await devnet("/devnet/stake", { address: HOT_WALLET, trx: opts.stakeTrx ?? 100_000 });
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT OR IGNORE INTO pools (id, name, hot_wallet_address, fee_wallet_address, rental_wallet_address, active, fallback_config, created_at) VALUES (?, 'Main hot wallet', ?, ?, ?, 1, ?, ?)",
    ).bind(
      POOL_ID,
      HOT_WALLET,
      FEE_WALLET,
      RENTAL_WALLET,
      // Tests drive far more requests per minute than a person: the abuse limits are raised here
      // and tested on their own in test/integration/limits.test.ts.
      JSON.stringify({ user_money_requests_per_minute: 100_000, user_ws_tickets_per_minute: 100_000, ...opts.config }),
      now,
    ),
    ...["alice", "bob", "ops"].map((u) =>
      env.DB.prepare("INSERT OR IGNORE INTO users (id, display_name, role, created_at) VALUES (?, ?, ?, ?)").bind(u, u, u === "ops" ? "admin" : "user", now),
    ),
  ]);
  // The chain was replaced under the pool: it must not answer from its view of the old one.
  await env.ENERGY_POOL.getByName(POOL_ID).refresh(POOL_ID);
}

export async function credit(userId: string, asset: "TRX" | "USDT", amount: string) {
  const admin = await tokenFor("ops", "admin");
  const res = await call(`/api/v1/admin/users/${userId}/credit`, { token: admin, body: { asset, amount }, idempotencyKey: newKey("credit") });
  if (res.status !== 201) throw new Error(`credit failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function balances(userId: string) {
  const res = await call("/api/v1/balances", { token: await tokenFor(userId) });
  return res.body as { balances: { TRX: string; USDT: string }; held: { TRX: string; USDT: string } };
}

export const pool = () => env.ENERGY_POOL.getByName(POOL_ID);

export async function createWithdrawal(user: string, to = HOLDER, amount = "1") {
  const res = await call("/api/v1/withdrawals", { token: await tokenFor(user), body: { to_address: to, amount }, idempotencyKey: newKey("create") });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; [k: string]: any };
}

export async function checkOptions(user: string, id: string) {
  return call(`/api/v1/withdrawals/${id}/check-options`, { method: "POST", token: await tokenFor(user) });
}

export async function choose(user: string, id: string, body: Record<string, unknown>) {
  return call(`/api/v1/withdrawals/${id}/process-with-option`, { token: await tokenFor(user), body, idempotencyKey: newKey("choose") });
}

export async function withdrawal(user: string, id: string) {
  return (await call(`/api/v1/withdrawals/${id}`, { token: await tokenFor(user) })).body;
}

/** Moves the chain clock forward, then lets the pool's alarm run once if it is scheduled. */
export async function advance(seconds: number): Promise<boolean> {
  await devnet("/devnet/time/advance", { seconds });
  return runDurableObjectAlarm(pool());
}

/**
 * Spends the pool's energy with standard withdrawals until it refuses one (that one is cancelled),
 * then lets the transfers settle: afterwards less than one transfer's energy is free.
 */
export async function exhaustPool(user: string) {
  for (;;) {
    const w = await createWithdrawal(user);
    const res = await choose(user, w.id, { method: "standard" });
    if (res.status === 409 && res.body.error.code === "energy_insufficient") {
      await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: await tokenFor(user), idempotencyKey: newKey("cancel") });
      break;
    }
    if (res.status !== 200) throw new Error(`standard failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await advance(90);
}

let freshCounter = 0x4000;
/** An address that never held USDT: a transfer to it costs ~130k energy. */
export async function freshAddress(): Promise<string> {
  return addressOfKey((++freshCounter).toString(16).padStart(64, "0"));
}

/** The pool's transfers in the order they were started. */
export async function startedTransfers(): Promise<Array<{ withdrawal_id: string; tx_id: string; wallet: string; started_at: number }>> {
  return runInDurableObject(pool(), (_instance, state) =>
    state.storage.sql.exec<{ withdrawal_id: string; tx_id: string; wallet: string; started_at: number }>("SELECT withdrawal_id, tx_id, wallet, started_at FROM transfers ORDER BY rowid").toArray(),
  );
}

export async function receipt(txId: string): Promise<any> {
  const res = await fetch(`${env.DEVNET_URL}/walletsolidity/gettransactioninfobyid`, { method: "POST", body: JSON.stringify({ value: txId }) });
  return res.json();
}

export async function notifications(user: string) {
  return (await call("/api/v1/notifications?limit=100", { token: await tokenFor(user) })).body.notifications as Array<{ withdrawal_id: string; kind: string; data: any }>;
}

/** The devnet's four provider emulators as the fallback config lists them. */
export const DEVNET_PROVIDERS = (["tronsave", "feee", "itrx", "tronzap"] as const).map((name) => ({ name, base_url: `${env.DEVNET_URL}/providers/${name}`, markup: 1.1 }));
