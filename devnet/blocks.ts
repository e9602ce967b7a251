// The block chain as a sequence of ids. Empty blocks are never stored: only their ids are
// derived (a hash chain), a ring keeps the last 65,536 of them for TAPOS like java-tron's
// recent-block store, and sparse checkpoints let an older id be re-derived on demand.
import { createHash } from 'node:crypto';

export const BLOCK_INTERVAL_MS = 3_000;
const SOLIDIFY_DEPTH = 19;

const RING_SIZE = 65_536;
const CHECKPOINT_EVERY = 1_024;
const ZERO_ID = '0'.repeat(64);

function deriveId(number: number, parentId: string, timestamp: number, txids: readonly string[]): string {
  const hash = createHash('sha256');
  const header = Buffer.alloc(16);
  header.writeBigUInt64BE(BigInt(number), 0);
  header.writeBigUInt64BE(BigInt(timestamp), 8);
  hash.update(header).update(Buffer.from(parentId, 'hex'));
  for (const txid of txids) hash.update(Buffer.from(txid, 'hex'));
  return number.toString(16).padStart(16, '0') + hash.digest('hex').slice(16);
}

export class BlockLog {
  head = 0;
  private headId: string;
  private readonly ring: string[] = new Array<string>(RING_SIZE);
  private readonly checkpoints = new Map<number, string>();
  private readonly txidsByBlock = new Map<number, string[]>();

  constructor(readonly genesisTimestamp: number) {
    this.headId = deriveId(0, ZERO_ID, genesisTimestamp, []);
    this.ring[0] = this.headId;
    this.checkpoints.set(0, this.headId);
  }

  get headTimestamp(): number {
    return this.timestampOf(this.head);
  }

  get solid(): number {
    return Math.max(0, this.head - SOLIDIFY_DEPTH);
  }

  timestampOf(number: number): number {
    return this.genesisTimestamp + number * BLOCK_INTERVAL_MS;
  }

  numberAt(time: number): number {
    return Math.max(0, Math.floor((time - this.genesisTimestamp) / BLOCK_INTERVAL_MS));
  }

  /** Seals every block up to `target`; `nextTxids` go into the first new block. */
  extendTo(target: number, nextTxids: string[]): void {
    let parent = this.headId;
    for (let number = this.head + 1; number <= target; number++) {
      const txids = number === this.head + 1 ? nextTxids : [];
      if (txids.length > 0) this.txidsByBlock.set(number, txids);
      parent = deriveId(number, parent, this.timestampOf(number), txids);
      this.ring[number % RING_SIZE] = parent;
      if (number % CHECKPOINT_EVERY === 0) this.checkpoints.set(number, parent);
    }
    if (target > this.head) {
      this.head = target;
      this.headId = parent;
    }
  }

  idOf(number: number): string | null {
    if (!Number.isInteger(number) || number < 0 || number > this.head) return null;
    if (this.head - number < RING_SIZE) return this.ring[number % RING_SIZE];
    const base = number - (number % CHECKPOINT_EVERY);
    let id = this.checkpoints.get(base) as string;
    for (let n = base + 1; n <= number; n++) id = deriveId(n, id, this.timestampOf(n), this.txidsOf(n));
    return id;
  }

  parentIdOf(number: number): string {
    return number === 0 ? ZERO_ID : (this.idOf(number - 1) as string);
  }

  txidsOf(number: number): readonly string[] {
    return this.txidsByBlock.get(number) ?? [];
  }

  /** java-tron's TAPOS check: ref_block_bytes picks a recent block, ref_block_hash must match it. */
  isRecentReference(refBlockBytes: unknown, refBlockHash: unknown): boolean {
    if (typeof refBlockBytes !== 'string' || !/^[0-9a-fA-F]{4}$/.test(refBlockBytes)) return false;
    if (typeof refBlockHash !== 'string') return false;
    const id = this.ring[parseInt(refBlockBytes, 16)];
    return id !== undefined && id.slice(16, 32) === refBlockHash.toLowerCase();
  }
}
