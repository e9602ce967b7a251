import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { balances, call, credit, HOLDER, newKey, seedWorld, tokenFor } from "../helpers";

async function counts() {
  const r = await env.DB.prepare(
    "SELECT (SELECT count(*) FROM withdrawals) AS w, (SELECT count(*) FROM ledger_entries) AS l, (SELECT count(*) FROM holds) AS h, (SELECT count(*) FROM idempotency_keys) AS k",
  ).first();
  return r;
}

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "100");
  await credit("bob", "USDT", "100");
});

describe("auth", () => {
  it("requires a valid HS256 token with exp, iss and aud", async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: "alice", role: "user", iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, exp: now + 60 };
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const cases: Array<[string, string | undefined]> = [
      ["none", undefined],
      ["expired", await sign({ ...base, exp: now - 10 }, env.JWT_SECRET, "HS256")],
      ["no exp", await sign({ sub: "alice", role: "user", iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE }, env.JWT_SECRET, "HS256")],
      ["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64(base)}.`],
      ["HS512", await sign(base, env.JWT_SECRET, "HS512")],
      ["wrong iss", await sign({ ...base, iss: "someone-else" }, env.JWT_SECRET, "HS256")],
      ["wrong aud", await sign({ ...base, aud: "other-api" }, env.JWT_SECRET, "HS256")],
      ["bad signature", await sign(base, "another-secret-0123456789abcdef", "HS256")],
      ["bad role", await sign({ ...base, role: "root" }, env.JWT_SECRET, "HS256")],
    ];
    for (const [name, token] of cases) {
      const res = await call("/api/v1/balances", { token });
      expect(res.status, name).toBe(401);
      expect(res.body.error.code, name).toBe("unauthorized");
    }
    expect((await call("/api/v1/balances", { token: await sign(base, env.JWT_SECRET, "HS256") })).status).toBe(200);
  });

  it("keeps users out of admin endpoints", async () => {
    const res = await call("/api/v1/admin/pools", { token: await tokenFor("alice") });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    const admin = await call("/api/v1/admin/pools", { token: await tokenFor("ops", "admin") });
    expect(admin.status).toBe(200);
    expect(admin.body.pools[0]).toMatchObject({ id: "pool-main", hot_wallet_address: expect.stringMatching(/^T/) });
    expect(admin.body.pools[0].status.energy_limit).toBeGreaterThan(0);
  });
});

describe("ownership", () => {
  it("answers 404 for another user's withdrawal on every route", async () => {
    const mine = await call("/api/v1/withdrawals", { token: await tokenFor("alice"), body: { to_address: HOLDER, amount: "1" }, idempotencyKey: newKey() });
    expect(mine.status).toBe(201);
    const bob = await tokenFor("bob");
    const id = mine.body.id;
    expect((await call(`/api/v1/withdrawals/${id}`, { token: bob })).status).toBe(404);
    expect((await call(`/api/v1/withdrawals/${id}/check-options`, { method: "POST", token: bob })).status).toBe(404);
    expect((await call(`/api/v1/withdrawals/${id}/process-with-option`, { token: bob, body: { method: "standard" }, idempotencyKey: newKey() })).status).toBe(404);
    expect((await call(`/api/v1/withdrawals/${id}/cancel`, { method: "POST", token: bob, idempotencyKey: newKey() })).status).toBe(404);
    const list = await call("/api/v1/withdrawals", { token: bob });
    expect(list.body.withdrawals.map((w: any) => w.id)).not.toContain(id);
    expect((await call(`/api/v1/withdrawals/${id}`, { token: await tokenFor("alice") })).body.status).toBe("pending");
  });
});

describe("idempotency", () => {
  it("replays, refuses a changed body, and requires the header", async () => {
    const token = await tokenFor("alice");
    const key = newKey();
    const body = { to_address: HOLDER, amount: "2" };
    const first = await call("/api/v1/withdrawals", { token, body, idempotencyKey: key });
    const replay = await call("/api/v1/withdrawals", { token, body, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM withdrawals WHERE idempotency_key = ?").bind(key).first<{ n: number }>())!.n).toBe(1);

    const changed = await call("/api/v1/withdrawals", { token, body: { ...body, amount: "3" }, idempotencyKey: key });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe("idempotency_key_reused");

    const missing = await call("/api/v1/withdrawals", { token, body });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("idempotency_key_required");

    // Keys are per user: bob's identical key is his own.
    const bobs = await call("/api/v1/withdrawals", { token: await tokenFor("bob"), body, idempotencyKey: key });
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(first.body.id);
  });

  it("answers 409 while the first request with the key is still running", async () => {
    const key = newKey();
    await env.DB.prepare("INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES ('alice', ?, 'x', 'running', ?)").bind(key, Date.now()).run();
    const res = await call("/api/v1/withdrawals", { token: await tokenFor("alice"), body: { to_address: HOLDER, amount: "1" }, idempotencyKey: key });
    // The stored hash differs from this body's, so the mismatch wins; with the same hash it is 409.
    expect(res.status).toBe(422);
    const body = { to_address: HOLDER, amount: "1" };
    const key2 = newKey();
    const hash = await sha256Hex(`POST /api/v1/withdrawals\n${JSON.stringify(body)}`);
    await env.DB.prepare("INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES ('alice', ?, ?, 'running', ?)").bind(key2, hash, Date.now()).run();
    const busy = await call("/api/v1/withdrawals", { token: await tokenFor("alice"), body, idempotencyKey: key2 });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("idempotency_in_progress");
  });

  it("replays a refusal as well as a success", async () => {
    const token = await tokenFor("bob");
    const key = newKey();
    const first = await call("/api/v1/withdrawals", { token, body: { to_address: HOLDER, amount: "5000" }, idempotencyKey: key });
    expect(first.status).toBe(409);
    await credit("bob", "USDT", "10000");
    const again = await call("/api/v1/withdrawals", { token, body: { to_address: HOLDER, amount: "5000" }, idempotencyKey: key });
    expect(again.status).toBe(409);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("bad input", () => {
  const token = () => tokenFor("alice");
  const cases: Array<[string, Record<string, unknown> | string, string]> = [
    ["missing amount", { to_address: HOLDER }, "amount"],
    ["missing address", { amount: "1" }, "to_address"],
    ["zero amount", { to_address: HOLDER, amount: "0" }, "amount"],
    ["negative amount", { to_address: HOLDER, amount: "-1" }, "amount"],
    ["over-precise amount", { to_address: HOLDER, amount: "1.0000001" }, "amount"],
    ["numeric amount", { to_address: HOLDER, amount: 1 }, "amount"],
    ["exponent amount", { to_address: HOLDER, amount: "1e3" }, "amount"],
    ["huge amount", { to_address: HOLDER, amount: "1".repeat(40) }, "amount"],
    ["bad checksum", { to_address: HOLDER.slice(0, -1) + (HOLDER.endsWith("q") ? "r" : "q"), amount: "1" }, "to_address"],
    ["ethereum address", { to_address: "0x52908400098527886E0F7030069857D2E4169EE7", amount: "1" }, "to_address"],
    ["address as number", { to_address: 12345, amount: "1" }, "to_address"],
    ["extra field", { to_address: HOLDER, amount: "1", fee: "0" }, "fee"],
  ];

  it.each(cases)("rejects %s with 400 naming the field and writes nothing", async (_name, body, field) => {
    const before = await counts();
    const res = await call("/api/v1/withdrawals", { token: await token(), body, idempotencyKey: newKey() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it("rejects malformed JSON", async () => {
    const before = await counts();
    const res = await call("/api/v1/withdrawals", { token: await token(), rawBody: "{\"to_address\": ", idempotencyKey: newKey() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("malformed_json");
    expect(await counts()).toEqual(before);
  });

  it("rejects an unknown option method naming the field", async () => {
    const w = await call("/api/v1/withdrawals", { token: await token(), body: { to_address: HOLDER, amount: "1" }, idempotencyKey: newKey() });
    const res = await call(`/api/v1/withdrawals/${w.body.id}/process-with-option`, { token: await token(), body: { method: "teleport" }, idempotencyKey: newKey() });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("method");
    const urgent = await call(`/api/v1/withdrawals/${w.body.id}/process-with-option`, { token: await token(), body: { method: "queue_wait", priority: 2 }, idempotencyKey: newKey() });
    expect(urgent.status).toBe(400);
    expect(urgent.body.error.field).toBe("priority");
  });

  it("rejects oversized bodies with 413", async () => {
    const res = await call("/api/v1/withdrawals", { token: await token(), rawBody: JSON.stringify({ to_address: HOLDER, amount: "1", pad: "x".repeat(64 * 1024) }), idempotencyKey: newKey() });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("validates list queries and admin credits", async () => {
    expect((await call("/api/v1/withdrawals?limit=0", { token: await token() })).body.error.field).toBe("limit");
    expect((await call("/api/v1/withdrawals?status=lost", { token: await token() })).body.error.field).toBe("status");
    const admin = await tokenFor("ops", "admin");
    const bad = await call("/api/v1/admin/users/alice/credit", { token: admin, body: { asset: "BTC", amount: "1" }, idempotencyKey: newKey() });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("asset");
    const nobody = await call("/api/v1/admin/users/nobody/credit", { token: admin, body: { asset: "TRX", amount: "1" }, idempotencyKey: newKey() });
    expect(nobody.status).toBe(404);
  });

  it("answers unknown routes with a JSON 404, in Korean when asked", async () => {
    const res = await call("/api/v1/nowhere", { token: await token(), headers: { "accept-language": "ko-KR,ko;q=0.9" } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect(res.body.error.message).toMatch(/찾을 수 없습니다/);
  });
});

describe("reads", () => {
  it("reports the service status and balances", async () => {
    const status = await call("/api/v1/energy/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ service_status: "normal", alternative_options_available: true });
    expect(status.body.energy_available_percentage).toBeGreaterThan(20);
    const ko = await call("/api/v1/energy/status", { headers: { "accept-language": "ko" } });
    expect(ko.body.message).not.toBe(status.body.message);
    const b = await balances("alice");
    expect(Number(b.balances.USDT) + Number(b.held.USDT)).toBe(100);
  });

  it("pages through withdrawals newest first", async () => {
    const token = await tokenFor("alice");
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call(`/api/v1/withdrawals?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token });
      expect(res.status).toBe(200);
      all.push(...res.body.withdrawals.map((w: any) => w.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    const expected = (await env.DB.prepare("SELECT id FROM withdrawals WHERE user_id = 'alice' ORDER BY created_at DESC, id DESC").all<{ id: string }>()).results.map((r) => r.id);
    expect(all).toEqual(expected);
    expect(all.length).toBeGreaterThan(2);
  });

  it("publishes the OpenAPI document", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/v1/withdrawals", "/api/v1/withdrawals/{id}/check-options", "/api/v1/energy/status", "/api/v1/admin/pools"]));
  });
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("notifications", () => {
  it("pages newest first and marks read", async () => {
    const token = await tokenFor("bob");
    for (let i = 0; i < 3; i++) {
      const w = await call("/api/v1/withdrawals", { token, body: { to_address: HOLDER, amount: "1" }, idempotencyKey: newKey() });
      expect((await call(`/api/v1/withdrawals/${w.body.id}/cancel`, { method: "POST", token, idempotencyKey: newKey() })).status).toBe(200);
    }
    const first = await call("/api/v1/notifications?limit=2", { token });
    expect(first.status).toBe(200);
    expect(first.body.notifications).toHaveLength(2);
    expect(first.body.notifications[0]).toMatchObject({ kind: "cancelled", read: false, data: { status: "cancelled" } });
    const total = first.body.unread_count as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const all: string[] = first.body.notifications.map((n: any) => n.id);
    let cursor = first.body.next_cursor;
    while (cursor) {
      const page = await call(`/api/v1/notifications?limit=2&cursor=${cursor}`, { token });
      all.push(...page.body.notifications.map((n: any) => n.id));
      cursor = page.body.next_cursor;
    }
    expect(new Set(all).size).toBe(total);

    const marked = await call("/api/v1/notifications/read", { token, body: { ids: [all[0]] } });
    expect(marked.body).toEqual({ marked: 1 });
    expect((await call("/api/v1/notifications?unread=true&limit=100", { token })).body.notifications).toHaveLength(total - 1);
    // Someone else's notification ids mark nothing.
    expect((await call("/api/v1/notifications/read", { token: await tokenFor("alice"), body: { ids: [all[1]] } })).body).toEqual({ marked: 0 });
    expect((await call("/api/v1/notifications/read", { token, body: { all: true } })).body).toEqual({ marked: total - 1 });
    expect((await call("/api/v1/notifications", { token })).body.unread_count).toBe(0);
    const bad = await call("/api/v1/notifications/read", { token, body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("ids");
  });
});
