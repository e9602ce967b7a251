import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { availableEnergy, consumeAt, rampFromAccount, slotsUntilFree, usageAfter, usagePercent, WINDOW_SLOTS } from "../../src/domain/energy";
import { serviceStatus } from "../../src/domain/status";
import { burnSun, feeLimitSun, MAX_FEE_LIMIT_SUN } from "../../src/domain/fees";
import { buildOptions, recommend } from "../../src/domain/options";
import { DEFAULT_FALLBACK_CONFIG } from "../../src/domain/config";

describe("energy recovery (java-tron ResourceProcessor)", () => {
  const full = (usage: number) => ({ usage, remainingSlots: WINDOW_SLOTS });

  it("decays linearly over the 24 h window", () => {
    expect(usageAfter(full(65_000), 0)).toBe(65_000);
    expect(usageAfter(full(65_000), 7_200)).toBe(48_750);
    expect(usageAfter(full(65_000), 14_400)).toBe(32_500);
    expect(usageAfter(full(65_000), WINDOW_SLOTS)).toBe(0);
    expect(usageAfter(full(65_000), WINDOW_SLOTS + 5)).toBe(0);
  });

  it("never grows and never goes below zero", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 1, max: WINDOW_SLOTS }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 40_000 }), (u, w, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const r = { usage: u, remainingSlots: w };
        expect(usageAfter(r, early)).toBeLessThanOrEqual(u);
        expect(usageAfter(r, late)).toBeLessThanOrEqual(usageAfter(r, early));
        expect(usageAfter(r, late)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("merges new use into one ramp with a usage-weighted window (increaseV2)", () => {
    // 40,000 used with 10,000 slots of its ramp left, 5,000 slots pass, then 20,000 more are used:
    // remain 20,000 over 5,000 slots and 20,000 over a full window -> 40,000 over 16,900 slots.
    const r = consumeAt({ usage: 40_000, remainingSlots: 10_000 }, 5_000, 20_000);
    expect(r.usage).toBe(40_000);
    expect(r.remainingSlots).toBe((20_000 * 5_000 + 20_000 * WINDOW_SLOTS) / 40_000);
    expect(consumeAt({ usage: 0, remainingSlots: WINDOW_SLOTS }, 10, 5_000)).toEqual({ usage: 5_000, remainingSlots: WINDOW_SLOTS });
  });

  it("reads the ramp from getaccount's window fields", () => {
    const base = { used: 30_000, lastConsumeMs: 1_000_000, headMs: 1_000_000 + 3_000 * 800 };
    expect(rampFromAccount({ ...base, windowSize: 28_800_000, windowOptimized: true })).toEqual({ usage: 30_000, remainingSlots: 28_000 });
    expect(rampFromAccount({ ...base, windowSize: 28_800, windowOptimized: false })).toEqual({ usage: 30_000, remainingSlots: 28_000 });
    expect(rampFromAccount({ ...base, windowSize: 0, windowOptimized: false, lastConsumeMs: 0 }).remainingSlots).toBe(WINDOW_SLOTS);
  });

  it("predicts the first slot at which the needed energy is free", () => {
    const ramp = full(1_000_000);
    const s = slotsUntilFree(ramp, 1_000_000, 65_000)!;
    expect(1_000_000 - usageAfter(ramp, s)).toBeGreaterThanOrEqual(65_000);
    expect(1_000_000 - usageAfter(ramp, s - 1)).toBeLessThan(65_000);
    expect(s).toBe(1_872);
    expect(slotsUntilFree(full(0), 100, 50)).toBe(0);
    expect(slotsUntilFree(full(0), 100, 150)).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: WINDOW_SLOTS }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (u, w, limit, need) => {
        const r = { usage: u, remainingSlots: w };
        const t = slotsUntilFree(r, limit, need);
        if (need > limit) {
          expect(t).toBeNull();
          return;
        }
        expect(limit - usageAfter(r, t!)).toBeGreaterThanOrEqual(need - 1e-6);
        if (t! > 0) expect(limit - usageAfter(r, t! - 1)).toBeLessThan(need);
      }),
    );
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
  const base = {
    requiredEnergy: 65_000,
    availableEnergy: 65_000,
    queueWaiting: 0,
    config: DEFAULT_FALLBACK_CONFIG,
    energyFeeSun: 100,
    transactionFeeSun: 1_000,
    userTrxSun: 100_000_000,
    waitSlots: { normal: 1_200, priority: 600 },
    rentals: [],
  };

  it("offers the standard path when the pool covers the energy and nobody waits", () => {
    const d = buildOptions(base);
    expect(d.can_process_immediately).toBe(true);
    expect(d.options.map((o) => o.method)).toEqual(["standard"]);
    expect(d.recommendation).toBe("standard");
  });

  it("keeps free energy for the queue while anyone waits", () => {
    const d = buildOptions({ ...base, queueWaiting: 1 });
    expect(d.can_process_immediately).toBe(false);
    expect(d.reason).toBe("queue_waiting");
  });

  it("prices every alternative when energy is short", () => {
    const d = buildOptions({ ...base, availableEnergy: 10_000 });
    expect(d.reason).toBe("energy_insufficient");
    const [trx, queue, priority, postpone] = d.options;
    // (65,000 × 100 + 345 × 1,000) × 1.5
    expect(trx).toMatchObject({ method: "trx_payment", immediate: true, cost_sun: 10_267_500, available: true });
    expect(queue).toMatchObject({ method: "queue_wait", priority: 0, cost_sun: 0, estimated_wait_minutes: 60, available: true });
    expect(priority).toMatchObject({ method: "queue_wait", priority: 1, cost_sun: 5_000_000, estimated_wait_minutes: 30, available: true });
    expect(postpone).toMatchObject({ method: "postpone", suggested_after_slots: 1_200, available: true });
    expect(d.recommendation).toBe("trx_payment");
  });

  it("explains why an option is unavailable", () => {
    const poor = buildOptions({ ...base, availableEnergy: 0, userTrxSun: 4_000_000 });
    expect(poor.options[0]).toMatchObject({ method: "trx_payment", available: false, reason: "below_min_trx_balance" });
    expect(poor.options[2]).toMatchObject({ priority: 1, available: false, reason: "insufficient_trx_balance" });
    // Nothing immediate: the cheapest available (the free queue) is recommended.
    expect(poor.recommendation).toBe("queue_wait");
    const short = buildOptions({ ...base, availableEnergy: 0, userTrxSun: 10_000_000, config: { ...DEFAULT_FALLBACK_CONFIG, trx_payment_min_balance: 1 } });
    expect(short.options[0]).toMatchObject({ available: false, reason: "insufficient_trx_balance" });
    const slow = buildOptions({ ...base, availableEnergy: 0, waitSlots: { normal: 24 * 1_200 + 1, priority: null } });
    expect(slow.options[1]).toMatchObject({ available: false, reason: "queue_wait_exceeds_max" });
    expect(slow.options[2]).toMatchObject({ available: false, reason: "never_fits" });
  });

  it("lists only enabled options", () => {
    const d = buildOptions({ ...base, availableEnergy: 0, config: { ...DEFAULT_FALLBACK_CONFIG, trx_payment_enabled: false, queue_enabled: false } });
    expect(d.options.map((o) => o.method)).toEqual(["postpone"]);
    expect(d.recommendation).toBe("postpone");
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
    fc.assert(
      fc.property(
        fc.array(fc.record({ method: fc.constantFrom(...(["trx_payment", "queue_wait", "external_pool", "postpone"] as const)), immediate: fc.boolean(), cost_sun: fc.nat(1e9), available: fc.boolean() })),
        (options) => {
          const r = recommend(options);
          const immediate = options.filter((o) => o.available && o.immediate);
          if (immediate.length) expect(immediate.filter((o) => o.method === r).some((o) => o.cost_sun === Math.min(...immediate.map((x) => x.cost_sun)))).toBe(true);
          else if (!options.some((o) => o.available)) expect(r).toBeNull();
        },
      ),
    );
  });
});
