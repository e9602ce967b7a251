import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareQueue, estimateStarts } from "../../src/domain/queue";
import { consumeAt, usageAfter, WINDOW_SLOTS, type Ramp } from "../../src/domain/energy";

describe("queue order", () => {
  it("serves higher priority first, then earlier arrival", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ priority: fc.constantFrom(0, 1, 2), seq: fc.nat() }), { maxLength: 50 }), (entries) => {
        const sorted = [...entries].sort(compareQueue);
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1], sorted[i]];
          expect(a.priority > b.priority || (a.priority === b.priority && a.seq <= b.seq)).toBe(true);
        }
      }),
    );
  });
});

/** The alarm, tick by tick: start heads while they fit, strictly in order. */
function bruteForce(limit: number, ramp: Ramp, energies: number[], tick: number, horizon: number): Array<number | null> {
  const out: Array<number | null> = energies.map(() => null);
  let r = ramp;
  let anchor = 0;
  let next = 0;
  for (let t = 0; t <= horizon && next < energies.length; t += tick) {
    while (next < energies.length && limit - usageAfter(r, t - anchor) >= energies[next] - 1e-6) {
      r = consumeAt(r, t - anchor, energies[next]);
      anchor = t;
      out[next++] = t;
    }
  }
  return out;
}

describe("wait estimates", () => {
  it("match a tick-by-tick simulation of the alarm", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200_000, max: 2_000_000 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.integer({ min: 1_000, max: WINDOW_SLOTS }),
        fc.array(fc.constantFrom(64_376, 130_376, 20_000), { minLength: 1, maxLength: 6 }),
        (limit, fullness, remaining, energies) => {
          const ramp = { usage: Math.floor(limit * fullness), remainingSlots: remaining };
          const estimated = estimateStarts({ limit, ramp, energies, tickSlots: 10 });
          const simulated = bruteForce(limit, ramp, energies, 10, 40 * WINDOW_SLOTS);
          for (let i = 0; i < energies.length; i++) {
            if (estimated[i] === null) expect(simulated[i]).toBeNull();
            else expect(Math.abs(estimated[i]! - simulated[i]!)).toBeLessThanOrEqual(10);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never decreases along the queue and stops at an entry that can never fit", () => {
    const starts = estimateStarts({ limit: 100_000, ramp: { usage: 100_000, remainingSlots: WINDOW_SLOTS }, energies: [50_000, 150_000, 10_000], tickSlots: 10 });
    expect(starts[0]).toBeGreaterThan(0);
    expect(starts[1]).toBeNull();
    expect(starts[2]).toBeNull();
    const ordered = estimateStarts({ limit: 1_000_000, ramp: { usage: 1_000_000, remainingSlots: WINDOW_SLOTS }, energies: [64_376, 64_376, 130_376], tickSlots: 10 });
    expect(ordered[0]).toBe(1_860);
    expect(ordered[1]!).toBeGreaterThan(ordered[0]!);
    expect(ordered[2]!).toBeGreaterThan(ordered[1]!);
  });
});
