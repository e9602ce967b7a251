import type { Context } from "hono";
import { AppError, languageOf } from "./errors";
import { consumeLimit } from "./limits";
import type { AppEnv } from "./app-env";

// DESIGN §4: money-moving POSTs carry an Idempotency-Key, scoped per user and kept >= 24 h.
// Missing -> 400; same key, different body -> 422; same key still running -> 409; otherwise the
// first response is replayed. The operations behind the key are themselves guarded by state
// transitions in SQL, so a key abandoned by a crash can be taken over without moving money twice.
// It wraps the handler rather than sitting in front of it as middleware: the request is validated
// first, so a rejected request writes nothing, not even its key.

export const IDEMPOTENCY_RETENTION_MS = 48 * 3600_000;
// A key stuck in `running` this long belongs to an invocation that died mid-way.
const ABANDONED_AFTER_MS = 60_000;
const KEY_FORMAT = /^[A-Za-z0-9_\-:.]{8,128}$/;

export async function idempotently<R extends Response>(c: Context<AppEnv>, run: () => Promise<R>): Promise<R> {
  const key = c.req.header("idempotency-key");
  if (!key) throw new AppError("idempotency_key_required");
  if (!KEY_FORMAT.test(key)) throw new AppError("invalid_request", { detail: "Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ - : ." }, "Idempotency-Key");
  const { userId } = c.get("identity");
  const body = await c.req.text();
  const hash = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const now = Date.now();
  const db = c.env.DB;

  // A replay or a conflict on a key already seen is answered without counting against the limit;
  // only a new request is counted.
  const seen = await db.prepare("SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key = ?").bind(userId, key).first();
  if (!seen) await consumeLimit(c, userId, "money");

  const claimed = await db
    .prepare(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES (?, ?, ?, 'running', ?)
       ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'running', created_at = excluded.created_at
         WHERE idempotency_keys.request_hash = excluded.request_hash AND idempotency_keys.state = 'running' AND idempotency_keys.created_at < ?`,
    )
    .bind(userId, key, hash, now, now - ABANDONED_AFTER_MS)
    .run();

  if ((claimed.meta.changes ?? 0) === 0) {
    const row = await db
      .prepare("SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE user_id = ? AND key = ?")
      .bind(userId, key)
      .first<{ request_hash: string; state: string; response_status: number; response_body: string }>();
    if (!row) throw new AppError("idempotency_in_progress");
    if (row.request_hash !== hash) throw new AppError("idempotency_key_reused");
    if (row.state === "running") throw new AppError("idempotency_in_progress");
    return new Response(row.response_body, {
      status: row.response_status,
      headers: { "content-type": "application/json", "idempotent-replayed": "true" },
    }) as R;
  }

  let res: Response;
  try {
    res = await run();
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500) {
      // A server error leaves nothing to replay: free the key so that the client can retry.
      await release(db, userId, key);
      throw e;
    }
    res = c.json(e.toBody(languageOf(c.req.header("accept-language"))), e.status as 400);
  }
  await db
    .prepare("UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE user_id = ? AND key = ?")
    .bind(res.status, await res.clone().text(), userId, key)
    .run();
  return res as R;
}

async function release(db: D1Database, userId: string, key: string): Promise<void> {
  await db.prepare("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND state = 'running'").bind(userId, key).run();
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
