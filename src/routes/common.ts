import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ZodError } from "zod";
import { AppError } from "../errors";
import type { AppEnv } from "../app-env";
import { parseAmount } from "../domain/amount";
import { isTronAddress } from "../tron/address";

/** Every router reports the first invalid field as a 400 that names it. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

export function validationError(error: ZodError, target: string): AppError {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  // A strict object reports unknown keys on the object itself; the offending key is the field.
  if (issue?.code === "unrecognized_keys") path.push(issue.keys[0]);
  const field = path.length ? path.join(".") : target;
  return new AppError("invalid_request", { detail: `${field}: ${issue?.message ?? "invalid"}` }, field);
}

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi("Error");

export const errorResponses = {
  400: { description: "Invalid input; `error.field` names it", content: { "application/json": { schema: ErrorSchema } } },
  401: { description: "Missing or invalid token", content: { "application/json": { schema: ErrorSchema } } },
} as const;

export const AmountString = z
  .string()
  .max(32)
  .superRefine((v, ctx) => {
    const r = parseAmount(v);
    if (!r.ok) ctx.addIssue({ code: "custom", message: AMOUNT_PROBLEMS[r.problem] });
  })
  .openapi({ example: "25.5", description: "Decimal string, > 0, at most 6 decimals" });

const AMOUNT_PROBLEMS = {
  not_decimal: "must be a decimal string such as \"12.5\"",
  too_precise: "at most 6 decimal places",
  too_large: "too large",
  not_positive: "must be greater than 0",
} as const;

export const TronAddress = z
  .string()
  .max(64)
  .refine(isTronAddress, { message: "not a valid TRON base58check address" })
  .openapi({ example: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8" });

export const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({ param: { name: "idempotency-key", in: "header" }, description: "Required" }),
});

export function identity(c: Context<AppEnv>) {
  return c.get("identity");
}
