import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Balances change only through ledger_entries: a trigger (migrations/0001_ledger_triggers.sql)
// applies every inserted entry to `balances`, and the CHECK constraints there make any batch that
// would overdraw a balance fail as a whole.

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
  createdAt: integer("created_at").notNull(),
});

export const pools = sqliteTable("pools", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  hotWalletAddress: text("hot_wallet_address").notNull(),
  // Sends TRX-paid withdrawals. It stakes nothing, so such a transfer burns TRX for all its energy
  // and never touches the energy the hot wallet has promised to queued users.
  feeWalletAddress: text("fee_wallet_address"),
  // Receives energy rented from providers and sends those withdrawals. A wallet of its own, because
  // TRON spends an account's energy on whatever it sends next: rented energy on the fee wallet would
  // be eaten by a TRX-paid transfer.
  rentalWalletAddress: text("rental_wallet_address"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  fallbackConfig: text("fallback_config").notNull().default("{}"),
  createdAt: integer("created_at").notNull(),
});

export const balances = sqliteTable(
  "balances",
  {
    userId: text("user_id").notNull(),
    asset: text("asset", { enum: ["TRX", "USDT"] }).notNull(),
    available: integer("available").notNull().default(0),
    held: integer("held").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.asset] }),
    check("balances_available_non_negative", sql`${t.available} >= 0`),
    check("balances_held_non_negative", sql`${t.held} >= 0`),
  ],
);

export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id").notNull(),
    asset: text("asset", { enum: ["TRX", "USDT"] }).notNull(),
    bucket: text("bucket", { enum: ["available", "held"] }).notNull(),
    delta: integer("delta").notNull(),
    reason: text("reason").notNull(),
    holdId: text("hold_id"),
    withdrawalId: text("withdrawal_id"),
    reference: text("reference"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("ledger_user_asset").on(t.userId, t.asset, t.id),
    uniqueIndex("ledger_reference_unique").on(t.reference),
    check("ledger_delta_non_zero", sql`${t.delta} <> 0`),
  ],
);

// A hold is money set aside for one purpose; it is resolved exactly once, `posted` (spent) or
// `released` (refunded). Triggers write the matching ledger entries on each transition.
export const holds = sqliteTable(
  "holds",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    asset: text("asset", { enum: ["TRX", "USDT"] }).notNull(),
    amount: integer("amount").notNull(),
    purpose: text("purpose", { enum: ["withdrawal", "fee"] }).notNull(),
    withdrawalId: text("withdrawal_id").notNull(),
    state: text("state", { enum: ["held", "posted", "released"] }).notNull().default("held"),
    // Posting may take less than was held (a rental that came in under the accepted quote); the
    // rest goes back to the user in the same step. Null: all of it.
    postedAmount: integer("posted_amount"),
    createdAt: integer("created_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [
    index("holds_withdrawal").on(t.withdrawalId, t.state),
    check("holds_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const withdrawals = sqliteTable(
  "withdrawals",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    poolId: text("pool_id").notNull(),
    toAddress: text("to_address").notNull(),
    amount: integer("amount").notNull(),
    status: text("status", {
      enum: ["pending", "queued", "postponed", "processing", "broadcast", "completed", "failed", "cancelled"],
    }).notNull(),
    method: text("method"),
    priority: integer("priority").notNull().default(0),
    energyRequired: integer("energy_required"),
    feeSun: integer("fee_sun").notNull().default(0),
    txId: text("tx_id"),
    energyUsed: integer("energy_used"),
    burnedSun: integer("burned_sun"),
    failureReason: text("failure_reason"),
    postponeUntil: integer("postpone_until"),
    // The provider quotes shown by the last check-options (JSON): the accepted one caps the charge.
    externalQuotes: text("external_quotes"),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("withdrawals_user_created").on(t.userId, t.createdAt),
    index("withdrawals_status").on(t.status),
    index("withdrawals_pool_status_updated").on(t.poolId, t.status, t.updatedAt),
    uniqueIndex("withdrawals_user_idempotency").on(t.userId, t.idempotencyKey),
    check("withdrawals_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["running", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("idempotency_created").on(t.createdAt)],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    withdrawalId: text("withdrawal_id"),
    kind: text("kind").notNull(),
    data: text("data").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
  },
  (t) => [index("notifications_user_created").on(t.userId, t.createdAt)],
);

// A WebSocket ticket is stored hashed: it is a bearer credential for one upgrade, within 60 s.
export const wsTickets = sqliteTable(
  "ws_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["user", "admin"] }).notNull(),
    poolId: text("pool_id").notNull(),
    lang: text("lang").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("ws_tickets_expires").on(t.expiresAt)],
);

export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  // null: alerts of every pool.
  poolId: text("pool_id"),
  kind: text("kind", { enum: ["slack", "discord", "generic"] }).notNull(),
  url: text("url").notNull(),
  // generic only: the HMAC-SHA256 key the receiver verifies `timestamp.body` with.
  secret: text("secret"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
});

export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id").notNull(),
    level: text("level", { enum: ["warning", "critical", "recovery"] }).notNull(),
    usagePercentage: real("usage_percentage").notNull(),
    energyAvailable: integer("energy_available").notNull(),
    energyLimit: integer("energy_limit").notNull(),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("alerts_pool_created").on(t.poolId, t.createdAt)],
);

export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    alertId: text("alert_id").notNull(),
    channel: text("channel", { enum: ["webhook", "websocket"] }).notNull(),
    webhookId: text("webhook_id"),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("alert_deliveries_alert").on(t.alertId)],
);

// A rental from an external provider. The row is written before the provider is called and its id
// is the provider's external / out-trade id, so a retry after a lost reply finds the same order.
export const purchaseOrders = sqliteTable(
  "purchase_orders",
  {
    id: text("id").primaryKey(),
    withdrawalId: text("withdrawal_id").notNull(),
    poolId: text("pool_id").notNull(),
    provider: text("provider").notNull(),
    attempt: integer("attempt").notNull(),
    energy: integer("energy").notNull(),
    durationSec: integer("duration_sec").notNull(),
    receiver: text("receiver").notNull(),
    quotedCostSun: integer("quoted_cost_sun").notNull(),
    costSun: integer("cost_sun"),
    chargedSun: integer("charged_sun"),
    status: text("status", { enum: ["created", "ordered", "delivered", "completed", "failed"] }).notNull(),
    providerOrderId: text("provider_order_id"),
    deliveredEnergy: integer("delivered_energy"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    orderedAt: integer("ordered_at"),
    deliveredAt: integer("delivered_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("purchase_orders_provider_status").on(t.provider, t.status, t.createdAt), index("purchase_orders_withdrawal").on(t.withdrawalId)],
);

// Per-user request counts in fixed one-minute windows: D1 serializes the increments, so the limit
// is exact (a rate-limiting binding would only be eventually consistent).
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    userId: text("user_id").notNull(),
    bucket: text("bucket").notNull(),
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.bucket, t.windowStart] }), index("rate_limits_window").on(t.windowStart)],
);

// Each run of the reconciliation: what was compared and every mismatch found.
export const reconciliationRuns = sqliteTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    trigger: text("trigger", { enum: ["cron", "operator"] }).notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    checked: text("checked").notNull(),
    mismatches: text("mismatches").notNull(),
    mismatchCount: integer("mismatch_count").notNull(),
  },
  (t) => [index("reconciliation_runs_started").on(t.startedAt)],
);
