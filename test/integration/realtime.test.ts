import { beforeAll, describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { advance, call, choose, createWithdrawal, credit, devnet, exhaustPool, pool, POOL_ID, seedWorld, tokenFor } from "../helpers";
import { hmacHex } from "../../src/alerts/webhooks";

const ORIGIN = "http://127.0.0.1:8787";

async function ticket(user: string, role: "user" | "admin" = "user", lang = "en") {
  const res = await call("/api/v1/ws/ticket", { method: "POST", token: await tokenFor(user, role), headers: { "accept-language": lang } });
  expect(res.status).toBe(201);
  return res.body.ticket as string;
}

function upgrade(t: string, headers: Record<string, string> = { upgrade: "websocket", origin: ORIGIN }) {
  return exports.default.fetch(new Request(`http://api.test/api/v1/ws?ticket=${t}`, { headers }));
}

interface Client {
  ws: WebSocket;
  inbox: any[];
  next(pred: (m: any) => boolean, what?: string): Promise<any>;
}

async function connect(user: string, role: "user" | "admin" = "user", lang = "en"): Promise<Client> {
  const res = await upgrade(await ticket(user, role, lang));
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const inbox: any[] = [];
  ws.addEventListener("message", (e) => inbox.push(typeof e.data === "string" && e.data.startsWith("{") ? JSON.parse(e.data) : e.data));
  return {
    ws,
    inbox,
    async next(pred, what = "a message") {
      for (let i = 0; i < 200; i++) {
        const hit = inbox.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no ${what} in ${JSON.stringify(inbox).slice(0, 2000)}`);
    },
  };
}

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "100");
  await credit("bob", "USDT", "100");
});

describe("WebSocket endpoint", () => {
  it("trades a bearer token for a single-use ticket and checks it and the Origin before upgrading", async () => {
    const t = await ticket("alice");
    expect((await upgrade(t, { upgrade: "websocket", origin: "https://evil.example" })).status).toBe(403);
    // The refused attempt did not use the ticket up.
    expect((await upgrade(t)).status).toBe(101);
    const again = await upgrade(t);
    expect(again.status).toBe(401);
    expect(((await again.json()) as any).error.code).toBe("invalid_ticket");
    expect((await upgrade("f".repeat(64))).status).toBe(401);
    expect((await upgrade(await ticket("alice"), { origin: ORIGIN })).status).toBe(426);
    expect((await call("/api/v1/ws/ticket", { method: "POST" })).status).toBe(401);
    const expired = "e".repeat(64);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(expired)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    await env.DB.prepare("INSERT INTO ws_tickets (ticket_hash, user_id, role, pool_id, lang, expires_at) VALUES (?, 'alice', 'user', ?, 'en', ?)").bind(hash, POOL_ID, Date.now() - 1).run();
    expect((await upgrade(expired)).status).toBe(401);
  });

  it("greets with the current status: detailed for admins, simple and localized for users", async () => {
    const admin = await connect("ops", "admin");
    const user = await connect("alice", "user", "ko");
    const a = await admin.next((m) => m.type === "energy_update", "admin energy_update");
    expect(a.data).toMatchObject({ pool_id: POOL_ID, energy_limit: expect.any(Number), energy_available: expect.any(Number), queue_length: 0 });
    const u = await user.next((m) => m.type === "energy_update", "user energy_update");
    expect(Object.keys(u.data).sort()).toEqual(["alternative_required", "message", "service_available", "service_status"]);
    expect(u.data).toMatchObject({ service_available: true, alternative_required: false });
    expect(u.data.message).toMatch(/출금/);
    await user.next((m) => m.type === "queue_update", "queue_update");
    // Keep-alives are answered without waking the pool.
    user.ws.send("ping");
    await user.next((m) => m === "pong", "pong");
    admin.ws.close(1000, "done");
    user.ws.close(1000, "done");
  });

  it("sends withdrawal updates to the owner only, and energy updates on every change", async () => {
    const alice = await connect("alice");
    const bob = await connect("bob");
    const admin = await connect("ops", "admin");
    const w = await createWithdrawal("alice");
    await alice.next((m) => m.type === "withdrawal_update" && m.data.withdrawal.id === w.id && m.data.event === "created", "created");
    const before = admin.inbox.filter((m) => m.type === "energy_update").length;
    expect((await choose("alice", w.id, { method: "standard" })).status).toBe(200);
    await alice.next((m) => m.type === "withdrawal_update" && m.data.withdrawal.status === "broadcast" && m.data.withdrawal.tx_id, "broadcast");
    await admin.next((m) => m.type === "energy_update" && m.data.energy_reserved > 0, "reservation in energy_update");
    await advance(90);
    await alice.next((m) => m.type === "withdrawal_update" && m.data.withdrawal.status === "completed", "completed");
    expect(admin.inbox.filter((m) => m.type === "energy_update").length).toBeGreaterThan(before + 1);
    expect(bob.inbox.some((m) => m.type === "withdrawal_update")).toBe(false);
    for (const c of [alice, bob, admin]) c.ws.close(1000, "done");
  });

  it("keeps sockets through hibernation and eviction", async () => {
    const alice = await connect("alice");
    await alice.next((m) => m.type === "energy_update");
    await evictDurableObject(pool());
    const w = await createWithdrawal("alice");
    await alice.next((m) => m.type === "withdrawal_update" && m.data.withdrawal.id === w.id, "update after eviction");
    alice.ws.send("ping");
    await alice.next((m) => m === "pong", "pong after eviction");
    await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: await tokenFor("alice"), idempotencyKey: `c-${w.id}` });
    alice.ws.close(1000, "done");
  });
});

describe("alerts", () => {
  it("alerts once per transition, with hysteresis, to admins' sockets and every webhook", async () => {
    const admin = await tokenFor("ops", "admin");
    const secret = "generic-hook-secret-0123456789";
    for (const body of [
      { kind: "slack", url: `${env.DEVNET_URL}/hooks/slack` },
      { kind: "discord", url: `${env.DEVNET_URL}/hooks/discord` },
      { kind: "generic", url: `${env.DEVNET_URL}/hooks/generic`, secret },
    ]) {
      expect((await call("/api/v1/admin/webhooks", { token: admin, body })).status).toBe(201);
    }
    const listed = (await call("/api/v1/admin/webhooks", { token: admin })).body.webhooks;
    expect(listed.every((h: any) => !("secret" in h))).toBe(true);
    expect((await call("/api/v1/admin/webhooks", { token: admin, body: { kind: "generic", url: `${env.DEVNET_URL}/hooks/x` } })).body.error.field).toBe("secret");

    const ops = await connect("ops", "admin");
    const alice = await connect("alice");
    await devnet("/devnet/hooks/fail", { count: 1 });
    await exhaustPool("alice");
    const critical = await ops.next((m) => m.type === "alert" && m.data.level === "critical", "critical alert");
    expect(critical.data.text).toContain("Main hot wallet");
    expect(critical.data.suggested_actions).toEqual(["Stake more TRX for energy", "Buy external energy", "Limit the service temporarily"]);
    expect(alice.inbox.some((m) => m.type === "alert")).toBe(false);

    // One webhook failed its first attempt: the alarm retries it after the backoff.
    await advance(20);
    await advance(20);
    const hooks = (await devnet("/devnet/hooks")).received as Array<{ name: string; headers: Record<string, string>; body: string; answered: number }>;
    const ok = hooks.filter((h) => h.answered === 200);
    const byName = (n: string) => ok.filter((h) => h.name === n).map((h) => JSON.parse(h.body));
    expect(byName("slack").map((b) => Object.keys(b))).toContainEqual(["text"]);
    expect(byName("discord").map((b) => Object.keys(b))).toContainEqual(["content"]);
    expect(byName("slack").some((b) => b.text.includes("critical"))).toBe(true);
    const generic = ok.filter((h) => h.name === "generic");
    expect(generic.length).toBeGreaterThan(0);
    for (const h of generic) {
      const expected = await hmacHex(secret, `${h.headers["x-energy-fallback-timestamp"]}.${h.body}`);
      expect(h.headers["x-energy-fallback-signature"]).toBe(`sha256=${expected}`);
    }
    expect(hooks.some((h) => h.answered === 500)).toBe(true);

    // Recovery only once availability is back above alert_threshold + 10 (30 %).
    for (let i = 0; i < 60 && !ops.inbox.some((m) => m.type === "alert" && m.data.level === "recovery"); i++) {
      await advance(1800);
      const s = await pool().status(POOL_ID);
      if (s.available_percentage <= 30) expect(ops.inbox.some((m) => m.type === "alert" && m.data.level === "recovery")).toBe(false);
    }
    await ops.next((m) => m.type === "alert" && m.data.level === "recovery", "recovery alert");

    const history = (await call("/api/v1/admin/alerts", { token: admin })).body.alerts as any[];
    const levels = history.map((a) => a.level).reverse();
    expect(levels).toEqual(["warning", "critical", "recovery"]);
    const criticalRow = history.find((a) => a.level === "critical");
    expect(criticalRow.deliveries.filter((d: any) => d.channel === "webhook")).toHaveLength(3);
    expect(criticalRow.deliveries.find((d: any) => d.channel === "websocket")).toMatchObject({ status: "delivered" });
    const webhookDeliveries = history.filter((a) => a.level !== "recovery").flatMap((a) => a.deliveries.filter((d: any) => d.channel === "webhook"));
    expect(webhookDeliveries).toHaveLength(6);
    expect(webhookDeliveries.every((d: any) => d.status === "delivered")).toBe(true);
    // The delivery that met the failing receiver succeeded on its second attempt.
    expect(webhookDeliveries.filter((d: any) => d.attempts === 2)).toHaveLength(1);
    ops.ws.close(1000, "done");
    alice.ws.close(1000, "done");
  });
});

describe("queue updates and the cron", () => {
  it("tells a queued user their position as it changes", async () => {
    await exhaustPool("alice");
    const alice = await connect("alice");
    const first = await createWithdrawal("alice");
    expect((await choose("alice", first.id, { method: "queue_wait" })).status).toBe(200);
    await alice.next((m) => m.type === "queue_update" && m.data.entries.some((e: any) => e.withdrawal_id === first.id && e.position === 1), "position 1");
    // A paid entry from someone else goes ahead: alice hears that she moved to 2.
    await credit("bob", "TRX", "20");
    const bobs = await createWithdrawal("bob");
    expect((await choose("bob", bobs.id, { method: "queue_wait", priority: 1 })).status).toBe(200);
    const moved = await alice.next((m) => m.type === "queue_update" && m.data.entries.some((e: any) => e.withdrawal_id === first.id && e.position === 2), "position 2");
    expect(moved.data.entries.map((e: any) => e.withdrawal_id)).toEqual([first.id]);
    expect(Date.parse(moved.data.entries[0].estimated_time)).toBeGreaterThan(Date.now());
    for (const [user, id] of [["alice", first.id], ["bob", bobs.id]]) {
      await call(`/api/v1/withdrawals/${id}/cancel`, { method: "POST", token: await tokenFor(user), idempotencyKey: `c-${id}` });
    }
    alice.ws.close(1000, "done");
  });

  it("the cron finds a level crossed by a change outside the service (a stake cut)", async () => {
    const admin = await tokenFor("ops", "admin");
    // A day later the pool has recovered (and said so).
    await devnet("/devnet/time/advance", { seconds: 24 * 3600 });
    await pool().refresh(POOL_ID);
    const before = (await call("/api/v1/admin/alerts", { token: admin })).body.alerts;
    expect(before[0].level).toBe("recovery");
    const w = await createWithdrawal("alice");
    expect((await choose("alice", w.id, { method: "standard" })).status).toBe(200);
    await advance(90);
    expect((await call("/api/v1/admin/alerts", { token: admin })).body.alerts).toHaveLength(before.length);
    // ~64k of ~70k used once the stake is cut: critical, and nobody inside the service did it.
    await devnet("/devnet/stake", { address: (await pool().status(POOL_ID)).hot_wallet_address, trx: 7_000 });
    const { default: worker } = await import("../../src/worker");
    await worker.scheduled({ scheduledTime: Date.now(), cron: "*/5 * * * *", noRetry() {} } as ScheduledController, env);
    const after = (await call("/api/v1/admin/alerts", { token: admin })).body.alerts;
    expect(after.length).toBe(before.length + 1);
    expect(after[0].level).toBe("critical");
  });
});

describe("operator views", () => {
  it("keeps samples of the pool for the chart and lists recent withdrawals of every user", async () => {
    const admin = await tokenFor("ops", "admin");
    const hour = await call(`/api/v1/admin/pools/${POOL_ID}/history?window=1h`, { token: admin });
    expect(hour.status).toBe(200);
    expect(hour.body.samples.length).toBeGreaterThan(0);
    expect(hour.body.samples[0]).toMatchObject({ energy_limit: expect.any(Number), energy_available: expect.any(Number), at: expect.any(String) });
    const day = await call(`/api/v1/admin/pools/${POOL_ID}/history?window=24h`, { token: admin });
    expect(day.body.samples.length).toBeGreaterThanOrEqual(hour.body.samples.length > 0 ? 1 : 0);
    const times = day.body.samples.map((s: any) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await call(`/api/v1/admin/pools/${POOL_ID}/history?window=7d`, { token: admin })).body.error.field).toBe("window");

    const recent = await call("/api/v1/admin/withdrawals?limit=5", { token: admin });
    expect(recent.body.withdrawals).toHaveLength(5);
    expect(new Set(recent.body.withdrawals.map((w: any) => w.user_id)).size).toBeGreaterThanOrEqual(1);
    const cancelled = await call("/api/v1/admin/withdrawals?status=cancelled", { token: admin });
    expect(cancelled.body.withdrawals.every((w: any) => w.status === "cancelled")).toBe(true);
    expect((await call("/api/v1/admin/withdrawals", { token: await tokenFor("alice") })).status).toBe(403);
  });
});
