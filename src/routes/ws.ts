import { createRoute, z } from "@hono/zod-openapi";
import { AppError, languageOf } from "../errors";
import { getPool } from "../db/pools";
import { WS_IDENTITY_HEADERS } from "../objects/energy-pool";
import { errorResponses, identity, router } from "./common";
import { json } from "./withdrawal-shared";
import { consumeLimit } from "../limits";

// Browsers cannot put an Authorization header on a WebSocket, so a signed-in client first trades
// its bearer token for a ticket: single use, valid 60 s, stored hashed. The upgrade is then checked
// here (ticket, Origin) before it reaches the pool, which trusts the identity headers set below.

export const TICKET_TTL_MS = 60_000;

export const wsTicketRoutes = router();
export const wsUpgradeRoutes = router();

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

wsTicketRoutes.openapi(
  createRoute({
    method: "post",
    path: "/ws/ticket",
    summary: "A single-use ticket (60 s) for GET /api/v1/ws",
    request: { body: { required: false, content: { "application/json": { schema: z.object({ pool_id: z.string().min(1).max(64).optional() }).strict() } } } },
    responses: { 201: json(z.object({ ticket: z.string(), expires_at: z.string(), url: z.string() }), "Ticket"), ...errorResponses },
  }),
  async (c) => {
    const { userId, role } = identity(c);
    await consumeLimit(c, userId, "ws_ticket");
    const poolId = (c.req.header("content-type")?.includes("json") ? c.req.valid("json").pool_id : undefined) ?? c.env.DEFAULT_POOL_ID;
    if (!(await getPool(c.env.DB, poolId))) throw new AppError("not_found", { what: "Pool" });
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const ticket = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    const expiresAt = Date.now() + TICKET_TTL_MS;
    await c.env.DB.batch([
      // Expired tickets are useless: clearing them here keeps the table at the size of one minute.
      c.env.DB.prepare("DELETE FROM ws_tickets WHERE expires_at < ?").bind(Date.now() - TICKET_TTL_MS),
      c.env.DB.prepare("INSERT INTO ws_tickets (ticket_hash, user_id, role, pool_id, lang, expires_at) VALUES (?, ?, ?, ?, ?, ?)").bind(
        await sha256Hex(ticket),
        userId,
        role,
        poolId,
        languageOf(c.req.header("accept-language")),
        expiresAt,
      ),
    ]);
    return c.json({ ticket, expires_at: new Date(expiresAt).toISOString(), url: `/api/v1/ws?ticket=${ticket}` }, 201);
  },
);

wsUpgradeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/ws",
    summary: "WebSocket upgrade (energy_update, queue_update, withdrawal_update, alert)",
    request: { query: z.object({ ticket: z.string().regex(/^[0-9a-f]{64}$/, "a ticket from POST /api/v1/ws/ticket") }).strict() },
    responses: { 101: { description: "Switching protocols" }, ...errorResponses },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("upgrade_required");
    // Cross-site WebSocket hijacking only works from browsers, and browsers always send Origin.
    const origin = c.req.header("origin");
    const allowed = (c.env.WS_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
    if (origin && !allowed.includes(origin)) throw new AppError("origin_not_allowed", { origin });
    const row = await c.env.DB.prepare(
      "UPDATE ws_tickets SET used_at = ? WHERE ticket_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id, role, pool_id, lang",
    )
      .bind(Date.now(), await sha256Hex(c.req.valid("query").ticket), Date.now())
      .first<{ user_id: string; role: string; pool_id: string; lang: string }>();
    if (!row) throw new AppError("invalid_ticket");
    const headers = new Headers({ upgrade: "websocket" });
    headers.set(WS_IDENTITY_HEADERS.user, row.user_id);
    headers.set(WS_IDENTITY_HEADERS.role, row.role);
    headers.set(WS_IDENTITY_HEADERS.lang, row.lang);
    headers.set(WS_IDENTITY_HEADERS.pool, row.pool_id);
    return c.env.ENERGY_POOL.getByName(row.pool_id).fetch(new Request("https://pool/ws", { headers }));
  },
);
