import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatAmount, mulDivCeil, parseAmount } from "../../src/domain/amount";
import { usdOfSun, parseUsdPrice } from "../../src/domain/pricing";

describe("amounts", () => {
  it("parses decimal strings into base units", () => {
    expect(parseAmount("1")).toEqual({ ok: true, units: 1_000_000 });
    expect(parseAmount("6.5")).toEqual({ ok: true, units: 6_500_000 });
    expect(parseAmount("0.000001")).toEqual({ ok: true, units: 1 });
    expect(parseAmount("999999999.999999")).toEqual({ ok: true, units: 999_999_999_999_999 });
  });

  it.each([
    ["0", "not_positive"],
    ["0.000000", "not_positive"],
    ["-1", "not_decimal"],
    ["1.0000001", "too_precise"],
    ["1e5", "not_decimal"],
    ["01", "not_decimal"],
    [" 1", "not_decimal"],
    ["1.", "not_decimal"],
    [".5", "not_decimal"],
    ["1000000000", "too_large"],
    ["NaN", "not_decimal"],
  ])("rejects %j as %s", (text, problem) => {
    expect(parseAmount(text)).toEqual({ ok: false, problem });
  });

  it("round-trips every representable amount exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999_999 }), (units) => {
        const parsed = parseAmount(formatAmount(units));
        expect(parsed).toEqual({ ok: true, units });
      }),
    );
  });

  it("formats without trailing zeros", () => {
    expect(formatAmount(6_500_000)).toBe("6.5");
    expect(formatAmount(0)).toBe("0");
    expect(formatAmount(1)).toBe("0.000001");
    expect(formatAmount(-2_000_000)).toBe("-2");
  });

  it("mulDivCeil rounds up and stays exact beyond 2^53 intermediates", () => {
    expect(mulDivCeil(10, 13, 10)).toBe(13);
    expect(mulDivCeil(11, 13, 10)).toBe(15);
    expect(mulDivCeil(9_000_000_000_000, 1_000, 1_000)).toBe(9_000_000_000_000);
  });

  it("converts sun to USD cents with integer arithmetic", () => {
    const price = parseUsdPrice("0.30");
    expect(price).toBe(300_000);
    expect(usdOfSun(6_500_000, price)).toBe("1.95");
    expect(usdOfSun(0, price)).toBe("0.00");
    expect(usdOfSun(16_666, price)).toBe("0.00");
    expect(usdOfSun(16_667, price)).toBe("0.01");
    expect(() => parseUsdPrice("abc")).toThrow(/TRX_PRICE_USD/);
  });
});
