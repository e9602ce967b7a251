import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { availableEnergy, decayedUsage, slotsUntilAvailable, usagePercent, WINDOW_SLOTS } from "../../src/domain/energy";
import { serviceStatus } from "../../src/domain/status";
import { burnSun, feeLimitSun, MAX_FEE_LIMIT_SUN } from "../../src/domain/fees";
import { buildOptions, recommend } from "../../src/domain/options";
import { DEFAULT_FALLBACK_CONFIG } from "../../src/domain/config";

describe("energy recovery (java-tron ResourceProcessor.recovery)", () => {
  it("decays linearly over the 24 h window", () => {
    expect(decayedUsage(65_000, 0)).toBe(65_000);
    expect(decayedUsage(65_000, 7_200)).toBe(48_750);
    expect(decayedUsage(65_000, 14_400)).toBe(32_500);
    expect(decayedUsage(65_000, WINDOW_SLOTS)).toBe(0);
    expect(decayedUsage(65_000, WINDOW_SLOTS + 5)).toBe(0);
  });

  it("never grows and never goes below zero", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 40_000 }), (u, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const x = decayedUsage(u, early);
        const y = decayedUsage(u, late);
        expect(x).toBeLessThanOrEqual(u + 1);
        expect(y).toBeLessThanOrEqual(x);
        expect(y).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("predicts the first slot at which the needed energy is free", () => {
    const pool = { limit: 1_000_000, used: 1_000_000, reserved: 0 };
    const s = slotsUntilAvailable(pool, 65_000)!;
    expect(pool.limit - decayedUsage(pool.used, s)).toBeGreaterThanOrEqual(65_000);
    expect(pool.limit - decayedUsage(pool.used, s - 1)).toBeLessThan(65_000);
    expect(s).toBeGreaterThan(1_800);
    expect(s).toBeLessThan(1_900);
    expect(slotsUntilAvailable({ limit: 100, used: 0, reserved: 0 }, 50)).toBe(0);
    expect(slotsUntilAvailable({ limit: 100, used: 0, reserved: 60 }, 50)).toBeNull();
  });

  it("counts reservations against availability", () => {
    expect(availableEnergy({ limit: 1000, used: 300, reserved: 200 })).toBe(500);
    expect(availableEnergy({ limit: 1000, used: 900, reserved: 200 })).toBe(0);
    expect(usagePercent({ limit: 1000, used: 300, reserved: 200 })).toBe(50);
    expect(usagePercent({ limit: 0, used: 0, reserved: 0 })).toBe(100);
  });
});

describe("service status levels", () => {
  it("follows the thresholds of the fallback config", () => {
    expect(serviceStatus(100, DEFAULT_FALLBACK_CONFIG)).toBe("normal");
    expect(serviceStatus(20.01, DEFAULT_FALLBACK_CONFIG)).toBe("normal");
    expect(serviceStatus(20, DEFAULT_FALLBACK_CONFIG)).toBe("caution");
    expect(serviceStatus(10, DEFAULT_FALLBACK_CONFIG)).toBe("caution");
    expect(serviceStatus(9.99, DEFAULT_FALLBACK_CONFIG)).toBe("limited");
    expect(serviceStatus(50, { alert_threshold: 60, critical_threshold: 40 })).toBe("caution");
  });
});

describe("fees", () => {
  it("fee_limit covers the whole estimate with headroom at the live price", () => {
    expect(feeLimitSun(65_000, 100)).toBe(8_450_000);
    expect(feeLimitSun(65_000, 210)).toBe(17_745_000);
    expect(feeLimitSun(1_000_000_000, 100)).toBe(MAX_FEE_LIMIT_SUN);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 1_000 }), (e, p) => {
        expect(feeLimitSun(e, p)).toBeGreaterThanOrEqual(Math.min(e * p, MAX_FEE_LIMIT_SUN));
      }),
    );
  });

  it("burns only the shortfall", () => {
    expect(burnSun(65_000, 70_000, 100)).toBe(0);
    expect(burnSun(65_000, 15_000, 100)).toBe(5_000_000);
  });
});

describe("options", () => {
  it("offers the standard path when the pool covers the energy", () => {
    const d = buildOptions({ requiredEnergy: 65_000, availableEnergy: 65_000 });
    expect(d.can_process_immediately).toBe(true);
    expect(d.options.map((o) => o.method)).toEqual(["standard"]);
    expect(d.recommendation).toBe("standard");
  });

  it("reports energy_insufficient when it does not", () => {
    const d = buildOptions({ requiredEnergy: 65_001, availableEnergy: 65_000 });
    expect(d.can_process_immediately).toBe(false);
    expect(d.reason).toBe("energy_insufficient");
    expect(d.recommendation).toBeNull();
  });

  it("recommends the cheapest available immediate option", () => {
    expect(
      recommend([
        { method: "trx_payment", immediate: true, cost_sun: 9_000_000, available: true },
        { method: "queue_wait", immediate: false, cost_sun: 0, available: true },
        { method: "external_pool", immediate: true, cost_sun: 3_000_000, available: false },
        { method: "standard", immediate: true, cost_sun: 5_000_000, available: true },
      ]),
    ).toBe("standard");
  });
});
