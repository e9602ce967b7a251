import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { AppError, languageOf } from "./errors";
import type { AppEnv } from "./app-env";
import { requireAdmin, requireAuth } from "./auth";
import { log } from "./log";
import { energyRoutes } from "./routes/energy";
import { balanceRoutes } from "./routes/balances";
import { withdrawalRoutes } from "./routes/withdrawals";
import { optionRoutes } from "./routes/options";
import { notificationRoutes } from "./routes/notifications";
import { wsTicketRoutes, wsUpgradeRoutes } from "./routes/ws";
import { adminPoolRoutes } from "./routes/admin/pools";
import { adminCreditRoutes } from "./routes/admin/credit";
import { adminConfigRoutes } from "./routes/admin/config";
import { adminAlertRoutes } from "./routes/admin/alerts";
import { adminRentalRoutes } from "./routes/admin/rentals";
import { adminReconciliationRoutes } from "./routes/admin/reconciliation";

export const MAX_BODY_BYTES = 16 * 1024;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use("/api/*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError("payload_too_large"); } }));

  // Public: the status users see before signing in. The WebSocket upgrade authenticates with its
  // ticket instead of a bearer token (browsers cannot send one).
  app.route("/api/v1", energyRoutes);
  app.route("/api/v1", wsUpgradeRoutes);

  const authed = new OpenAPIHono<AppEnv>();
  authed.use("*", requireAuth);
  authed.route("/", balanceRoutes);
  authed.route("/", withdrawalRoutes);
  authed.route("/", optionRoutes);
  authed.route("/", notificationRoutes);
  authed.route("/", wsTicketRoutes);
  authed.use("/admin/*", requireAdmin);
  for (const admin of [adminPoolRoutes, adminCreditRoutes, adminConfigRoutes, adminAlertRoutes, adminRentalRoutes, adminReconciliationRoutes]) authed.route("/", admin);
  app.route("/api/v1", authed);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Energy Fallback API", version: "1.0.0", description: "USDT-TRC20 withdrawals that keep flowing when the TRON energy pool runs short." },
    security: [{ bearer: [] }],
  });

  app.notFound(() => {
    throw new AppError("not_found", { what: "Route" });
  });

  app.onError((err, c) => {
    const lang = languageOf(c.req.header("accept-language"));
    if (err instanceof AppError) return c.json(err.toBody(lang), err.status as 400);
    if (err instanceof HTTPException) {
      // Hono's own validator reports unparsable JSON bodies this way.
      const code = err.status === 400 ? "malformed_json" : err.status === 413 ? "payload_too_large" : "invalid_request";
      return c.json(new AppError(code, { detail: err.message }).toBody(lang), err.status);
    }
    log("unhandled_error", { path: c.req.path, method: c.req.method, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    return c.json(new AppError("internal_error").toBody(lang), 500);
  });

  return app;
}
