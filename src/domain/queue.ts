import { consumeAt, slotsUntilFree, type Ramp } from "./energy";

// The waiting queue: who goes first, and when each entry is expected to start.

export const PRIORITY = { normal: 0, paid: 1, urgent: 2 } as const;
export type Priority = 0 | 1 | 2;

export interface QueueKey {
  priority: number;
  seq: number;
}

/** Higher priority first, then arrival (a smaller sequence number arrived earlier). */
export function compareQueue(a: QueueKey, b: QueueKey): number {
  return b.priority - a.priority || a.seq - b.seq;
}

export interface EstimateInput {
  limit: number;
  /** The pool's ramp now, with the reservations in flight already consumed on it. */
  ramp: Ramp;
  /** Energy of each waiting entry, in queue order. */
  energies: number[];
  /** The alarm's period: an entry starts at the first tick after its energy is free. */
  tickSlots: number;
}

/**
 * Slots from now until each entry starts, simulating the alarm: entries start strictly in order,
 * each at the first tick when its energy is free, and its consumption then joins the ramp.
 * null from the first entry that can never fit (more energy than the whole limit).
 */
export function estimateStarts(input: EstimateInput): Array<number | null> {
  const out: Array<number | null> = [];
  let ramp = input.ramp;
  let at = 0;
  for (const energy of input.energies) {
    const wait = slotsUntilFree(ramp, input.limit, energy);
    if (wait === null || out[out.length - 1] === null) {
      out.push(null);
      continue;
    }
    const start = wait === 0 ? 0 : Math.ceil(wait / input.tickSlots) * input.tickSlots;
    ramp = consumeAt(ramp, start, energy);
    at += start;
    out.push(at);
  }
  return out;
}
