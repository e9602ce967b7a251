// Money is an integer count of base units inside the system and a decimal string at the API
// edge. Both assets use 6 decimals (TRX: sun, USDT: 1e-6). Parsing goes through strings and
// BigInt so no float ever touches an amount.

export const ASSET_DECIMALS = 6;
export const ASSETS = ["TRX", "USDT"] as const;
export type Asset = (typeof ASSETS)[number];

// D1 stores integers as JS numbers; 9 integer digits keep every amount below 2^53 base units.
export const MAX_INTEGER_DIGITS = 9;

const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

export type AmountProblem = "not_decimal" | "too_precise" | "too_large" | "not_positive";

export function parseAmount(text: string): { ok: true; units: number } | { ok: false; problem: AmountProblem } {
  const m = DECIMAL.exec(text);
  if (!m) return { ok: false, problem: "not_decimal" };
  const [, whole, frac = ""] = m;
  if (frac.length > ASSET_DECIMALS) return { ok: false, problem: "too_precise" };
  if (whole.length > MAX_INTEGER_DIGITS) return { ok: false, problem: "too_large" };
  const units = Number(BigInt(whole) * 10n ** BigInt(ASSET_DECIMALS) + BigInt(frac.padEnd(ASSET_DECIMALS, "0")));
  if (units <= 0) return { ok: false, problem: "not_positive" };
  return { ok: true, units };
}

export function formatAmount(units: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`amount ${units} is not a safe integer of base units`);
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(ASSET_DECIMALS + 1, "0");
  const whole = digits.slice(0, -ASSET_DECIMALS);
  const frac = digits.slice(-ASSET_DECIMALS).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (frac ? "." + frac : "");
}

/** Integer ceil(a * num / den) for non-negative operands without leaving the integers. */
export function mulDivCeil(a: number, num: number, den: number): number {
  const n = BigInt(a) * BigInt(num);
  const d = BigInt(den);
  return Number((n + d - 1n) / d);
}
