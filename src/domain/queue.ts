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
 * The alarm simulated entry by entry: entries start strictly in order, each at the first tick when
 * its energy is free, and its consumption then joins the ramp. Fed one entry at a time so that a
 * caller can stop reading the queue once the starts pass the horizon it cares about.
 */
export class StartSimulation {
  #ramp: Ramp;
  #at = 0;
  #stuck = false;
  readonly #limit: number;
  readonly #tickSlots: number;

  constructor(input: Omit<EstimateInput, "energies">) {
    this.#ramp = input.ramp;
    this.#limit = input.limit;
    this.#tickSlots = input.tickSlots;
  }

  /** Slots from now until this next entry starts; null from the first entry that can never fit. */
  next(energy: number): number | null {
    const wait = this.#stuck ? null : slotsUntilFree(this.#ramp, this.#limit, energy);
    if (wait === null) {
      this.#stuck = true;
      return null;
    }
    const start = wait === 0 ? 0 : Math.ceil(wait / this.#tickSlots) * this.#tickSlots;
    this.#ramp = consumeAt(this.#ramp, start, energy);
    this.#at += start;
    return this.#at;
  }
}

/** Slots from now until each entry starts (see StartSimulation). */
export function estimateStarts(input: EstimateInput): Array<number | null> {
  const sim = new StartSimulation(input);
  return input.energies.map((e) => sim.next(e));
}
