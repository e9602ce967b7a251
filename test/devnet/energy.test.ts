import { describe, expect, it } from 'vitest';
import { consume, energyLimit, increase, recovery, type Usage } from '../../devnet/energy.js';

// Expected values are derived by hand from java-tron's ResourceProcessor formulas:
//   avg = ceil(usage * 1e6 / W); avg = round(avg * (W - elapsed) / W); usage = floor(avg * W / 1e6)
const FULL_WINDOW_V2 = 28_800 * 1_000;

describe('energy recovery', () => {
  const used: Usage = { usage: 65_000, lastSlot: 100, windowSizeV2: FULL_WINDOW_V2 };

  it('leaves 48,750 of 65,000 after 6 hours (7,200 slots)', () => {
    // avg = ceil(65e9 / 28800) = 2,256,945; round(2,256,945 * 0.75) = 1,692,709; * 28800 / 1e6 = 48,750.0192
    expect(recovery(used, 100 + 7_200)).toBe(48_750);
  });

  it('is complete after 24 hours and not one slot earlier', () => {
    // one slot early: round(2,256,945 / 28800) = 78; 78 * 28800 / 1e6 = 2.2464
    expect(recovery(used, 100 + 28_799)).toBe(2);
    expect(recovery(used, 100 + 28_800)).toBe(0);
    expect(recovery(used, 100 + 90_000)).toBe(0);
  });

  it('does not decay within the consuming slot', () => {
    expect(recovery(used, 100)).toBe(65_000);
  });
});

describe('energy consumption (increaseV2)', () => {
  it('starts a full window on a fresh account', () => {
    // ceil(30,000e6 / 28800) = 1,041,667; * 28800 / 1e6 = 30,000.0096
    expect(consume({ usage: 0, lastSlot: 0, windowSizeV2: 0 }, 30_000, 1_000)).toEqual({
      usage: 30_000,
      lastSlot: 1_000,
      windowSizeV2: FULL_WINDOW_V2,
    });
  });

  it('merges a new use with the decayed remainder into one weighted window', () => {
    const first = consume({ usage: 0, lastSlot: 0, windowSizeV2: 0 }, 30_000, 1_000);
    // Half a window later (14,400 slots):
    //   old avg = 1,041,667 -> round(1,041,667 * 0.5) = 520,834; remain = 520,834 * 28800 / 1e6 = 15,000
    //   new avg = ceil(50,000e6 / 28800) = 1,736,112
    //   usage  = (520,834 + 1,736,112) * 28800 / 1e6 = 65,000.0448 -> 65,000
    //   window = ceil((15,000 * (28,800,000 - 14,400,000) + 50,000 * 28,800,000) / 65,000)
    //          = ceil(1,656,000,000,000 / 65,000) = 25,476,924
    const merged = consume(first, 50_000, 15_400);
    expect(merged).toEqual({ usage: 65_000, lastSlot: 15_400, windowSizeV2: 25_476_924 });

    // The merged ramp runs over floor(25,476,924 / 1000) = 25,476 slots.
    //   avg = ceil(65,000e6 / 25,476) = 2,551,421; half way: round(2,551,421 * 0.5) = 1,275,711
    //   1,275,711 * 25,476 / 1e6 = 32,500.013 -> 32,500
    expect(recovery(merged, 15_400 + 12_738)).toBe(32_500);
    expect(recovery(merged, 15_400 + 25_475)).toBeGreaterThan(0);
    expect(recovery(merged, 15_400 + 25_476)).toBe(0);
  });

  it('resets to a full window once the old use has fully recovered', () => {
    const old: Usage = { usage: 40_000, lastSlot: 10, windowSizeV2: 12_345_678 };
    expect(consume(old, 20_000, 10 + 50_000)).toEqual({ usage: 20_000, lastSlot: 50_010, windowSizeV2: FULL_WINDOW_V2 });
  });

  it('keeps exact integers where products pass 2^53', () => {
    const huge = consume({ usage: 0, lastSlot: 0, windowSizeV2: 0 }, 9_000_000_000_000, 5);
    expect(huge.usage).toBe(9_000_000_000_000);
    expect(recovery(huge, 5 + 14_400)).toBe(4_500_000_000_000);
  });
});

describe('fixed-window increase (free bandwidth)', () => {
  it('adds within a slot and decays linearly over a day', () => {
    const afterUse = increase(0, 345, 500, 500);
    expect(afterUse).toBe(345);
    // ceil(345e6 / 28800) = 11,980; round(11,980 * 0.5) = 5,990; * 28800 / 1e6 = 172.512
    expect(increase(afterUse, 0, 500, 500 + 14_400)).toBe(172);
  });
});

describe('energy limit', () => {
  it('is stake * TotalEnergyCurrentLimit / TotalEnergyWeight, truncated', () => {
    // 250 TRX of 18,000,000,000 TRX staked network-wide: 250 * 180e9 / 18e9 = 2,500
    expect(energyLimit(250_000_000n, 18_000_000_000)).toBe(2_500);
    // 1,000,000 TRX: 1e6 * 180e9 / 18,001,000,000 = 9,999,444.47...
    expect(energyLimit(1_000_000_000_000n, 18_001_000_000)).toBe(9_999_444);
    expect(energyLimit(0n, 18_000_000_000)).toBe(0);
  });
});
