import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { median, rankRentals, reliability, rentalChargeSun } from "../../src/domain/external";

describe("provider reliability", () => {
  it("starts a newcomer at the middle and rewards delivered orders and fast delivery", () => {
    const fresh = reliability({ orders: 0, delivered: 0, medianDeliverySec: null });
    expect(fresh).toBeCloseTo(0.375, 6);
    const good = reliability({ orders: 20, delivered: 20, medianDeliverySec: 5 });
    const slow = reliability({ orders: 20, delivered: 20, medianDeliverySec: 300 });
    const flaky = reliability({ orders: 20, delivered: 10, medianDeliverySec: 5 });
    expect(good).toBeGreaterThan(slow);
    expect(good).toBeGreaterThan(flaky);
    expect(good).toBeGreaterThan(fresh);
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.option(fc.double({ min: 0, max: 3600, noNaN: true })), (a, b, m) => {
        const orders = Math.max(a, b);
        const r = reliability({ orders, delivered: Math.min(a, b), medianDeliverySec: m });
        expect(r).toBeGreaterThan(0);
        expect(r).toBeLessThan(1);
      }),
    );
  });

  it("takes the median of delivery times", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("ranking rentals", () => {
  const burn = 6_782_600; // 64,376 energy × 100 sun + 345 bytes × 1,000 sun
  it("charges the provider's cost plus its markup, rounded up to the sun", () => {
    expect(rentalChargeSun(2_253_160, 1.1)).toBe(2_478_476);
    expect(rentalChargeSun(1, 1.0001)).toBe(2);
  });

  it("orders by what the user pays, breaks ties by track record, and flags the too expensive", () => {
    const ranked = rankRentals(
      [
        { provider: "tronzap", costSun: 2_700_000, markup: 1.1 },
        { provider: "feee", costSun: 2_500_000, markup: 1.1 },
        { provider: "itrx", costSun: 2_500_000, markup: 1.1 },
        { provider: "tronsave", costSun: 7_000_000, markup: 2 },
      ],
      { feee: { orders: 10, delivered: 5, medianDeliverySec: 10 }, itrx: { orders: 10, delivered: 10, medianDeliverySec: 10 } },
      burn,
      2,
    );
    expect(ranked.map((r) => r.provider)).toEqual(["itrx", "feee", "tronzap", "tronsave"]);
    expect(ranked.map((r) => r.acceptable)).toEqual([true, true, true, false]);
    expect(ranked[0].charge_sun).toBe(2_750_000);
  });

  it("accepts exactly up to burn cost × max premium", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e10 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 10_000, max: 30_000 }), (cost, burnSun, premiumBp) => {
        const [r] = rankRentals([{ provider: "x", costSun: cost, markup: 1 }], {}, burnSun, premiumBp / 10_000);
        expect(r.acceptable).toBe(BigInt(cost) * 10_000n <= BigInt(burnSun) * BigInt(premiumBp));
      }),
    );
  });
});
