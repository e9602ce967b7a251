// USD values shown next to TRX costs. The price is an integer count of micro-dollars per TRX so
// that the conversion stays in integers; the result is a decimal string rounded to cents.

export function parseUsdPrice(text: string): number {
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new Error(`TRX_PRICE_USD must be a decimal like "0.30", got ${JSON.stringify(text)}`);
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0"));
}

/** sun × (µUSD per TRX) / 1e6 sun per TRX / 1e6 µUSD per USD, rounded half up to cents. */
export function usdOfSun(sun: number, microUsdPerTrx: number): string {
  const cents = (BigInt(sun) * BigInt(microUsdPerTrx) + 5_000_000_000n) / 10_000_000_000n;
  const s = cents.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
