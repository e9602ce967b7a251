// The fallback config's rules, mirrored from the server's ConfigSchema (src/routes/admin.ts) so that
// the form can refuse a bad value before the round trip. The server stays the authority: its 400
// is shown next to the field as well.

export const CONFIG_GROUPS = ["trx", "queue", "external", "alerts", "limits"];

export const CONFIG_FIELDS = [
  { key: "trx_payment_enabled", group: "trx", type: "boolean" },
  { key: "trx_payment_markup", group: "trx", type: "number", min: 1, max: 10, decimals: 4 },
  { key: "trx_payment_min_balance", group: "trx", type: "amount", unit: "TRX" },
  { key: "queue_enabled", group: "queue", type: "boolean" },
  { key: "queue_max_wait_hours", group: "queue", type: "integer", min: 1, max: 168, unit: "h" },
  { key: "queue_priority_fee", group: "queue", type: "amount", unit: "TRX" },
  { key: "external_pool_enabled", group: "external", type: "boolean" },
  { key: "external_pool_max_premium", group: "external", type: "number", min: 0.1, max: 10, decimals: 4 },
  { key: "alert_threshold", group: "alerts", type: "number", min: 1, max: 90, unit: "%" },
  { key: "critical_threshold", group: "alerts", type: "number", min: 0, max: 89, unit: "%" },
  { key: "user_money_requests_per_minute", group: "limits", type: "integer", min: 1, max: 100_000, unit: "/min" },
  { key: "user_ws_tickets_per_minute", group: "limits", type: "integer", min: 1, max: 100_000, unit: "/min" },
];

const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;
const AMOUNT_DECIMALS = 6;
const AMOUNT_INTEGER_DIGITS = 9;

const fail = (code, params = {}) => ({ ok: false, error: { code, params } });

/** TRX amounts are decimal strings: "0", or > 0 with at most 6 decimals and 9 integer digits. */
function parseAmount(text) {
  if (text === "0") return { ok: true, value: "0" };
  if (text.length > 32) return fail("amount_format");
  const m = DECIMAL.exec(text);
  if (!m) return fail("amount_format");
  const [, whole, frac = ""] = m;
  if (frac.length > AMOUNT_DECIMALS) return fail("amount_precision", { decimals: AMOUNT_DECIMALS });
  if (whole.length > AMOUNT_INTEGER_DIGITS) return fail("amount_large");
  if (/^0+$/.test(whole + frac)) return fail("amount_positive");
  return { ok: true, value: text };
}

function decimalsOf(n) {
  return (String(n).split(".")[1] ?? "").length;
}

/** One field's raw form value (string, or boolean for a checkbox) as the API wants it. */
export function parseField(field, raw) {
  if (field.type === "boolean") return { ok: true, value: raw === true };
  const text = String(raw).trim();
  if (text === "") return fail("required");
  if (field.type === "amount") return parseAmount(text);
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(text)) return fail("not_number");
  const n = Number(text);
  if (field.type === "integer" && !Number.isInteger(n)) return fail("not_integer");
  if (n < field.min) return fail("min", { min: field.min });
  if (n > field.max) return fail("max", { max: field.max });
  if (field.decimals !== undefined && decimalsOf(n) > field.decimals) return fail("decimals", { decimals: field.decimals });
  return { ok: true, value: n };
}

/**
 * Every field given (a server that predates a field does not report it, and must not be sent it),
 * then the rule between them. Returns the parsed values and the errors by field key (empty when the
 * form may be sent).
 */
export function validateConfig(raw) {
  const values = {};
  const errors = {};
  for (const field of CONFIG_FIELDS) {
    if (!(field.key in raw)) continue;
    const r = parseField(field, raw[field.key]);
    if (r.ok) values[field.key] = r.value;
    else errors[field.key] = r.error;
  }
  if ("alert_threshold" in values && "critical_threshold" in values && values.critical_threshold >= values.alert_threshold) {
    errors.critical_threshold = { code: "below_alert", params: {} };
  }
  return { values, errors };
}
