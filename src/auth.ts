import type { MiddlewareHandler } from "hono";
import { verify } from "hono/jwt";
import { AppError } from "./errors";
import type { AppEnv } from "./app-env";

export interface Identity {
  userId: string;
  role: "user" | "admin";
}

/**
 * Bearer JWT, HS256 pinned: a token signed with any other algorithm (or `none`) is refused before
 * its claims are read. `exp`, `iss` and `aud` are required.
 */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new AppError("unauthorized", { detail: "no bearer token" });
  if (!c.env.JWT_SECRET) throw new Error("JWT_SECRET is not set (a Worker secret; .dev.vars locally)");
  let payload: Record<string, unknown>;
  try {
    payload = await verify(m[1], c.env.JWT_SECRET, { alg: "HS256", iss: c.env.JWT_ISSUER, aud: c.env.JWT_AUDIENCE, exp: true });
  } catch (e) {
    throw new AppError("unauthorized", { detail: e instanceof Error ? e.name : "invalid token" });
  }
  const { sub, role, exp } = payload;
  if (typeof exp !== "number") throw new AppError("unauthorized", { detail: "exp claim required" });
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 128) throw new AppError("unauthorized", { detail: "sub claim required" });
  if (role !== "user" && role !== "admin") throw new AppError("unauthorized", { detail: "role claim must be user or admin" });
  c.set("identity", { userId: sub, role });
  await next();
};

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("identity").role !== "admin") throw new AppError("forbidden");
  await next();
};
