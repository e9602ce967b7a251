// The devnet's state machine: time, blocks, accounts, the pending pool and mined
// transactions. Every public method first catches the chain up to the current devnet time,
// so blocks appear lazily and a time jump costs only the hashing of the skipped ids.
import { createHash } from 'node:crypto';
import { renderAddress, toBase58 } from './address.js';
import { BlockLog, BLOCK_INTERVAL_MS } from './blocks.js';
import { freshUsage, recovery, TOTAL_ENERGY_CURRENT_LIMIT } from './energy.js';
import {
  accountEnergyLimit,
  canPayBandwidth,
  delegatedEnergy,
  executeTrigger,
  freeNetUsed,
  isActive,
  leftStakedEnergy,
  type Account,
  type ContractResult,
  type Delegation,
  type Execution,
  type Prices,
} from './execute.js';
import {
  buildTriggerTx,
  encode,
  recoverSigner,
  renderRawData,
  triggerOf,
  type RawData,
  type TriggerValue,
  type TxJson,
} from './tx.js';
import { callUsdt, decodeTransfer, USDT_ADDRESS_HEX, type UsdtLedger, type UsdtOutcome } from './usdt.js';

export const ENERGY_FEE = 100;
export const TRANSACTION_FEE = 1_000;
/** Whole TRX the rest of the network stakes for energy; it dwarfs any devnet stake. */
const NETWORK_ENERGY_WEIGHT = 18_000_000_000;

export const MAX_FEE_LIMIT = 15_000_000_000;
const EXPIRATION_WINDOW_MS = 60_000;
const MAX_EXPIRATION_AHEAD_MS = 24 * 3_600_000;
const SUN_PER_TRX = 1_000_000n;

export type BroadcastResult = { result: true; txid: string } | { code: string; txid: string; message: string };

interface PooledTx {
  txid: string;
  /** raw_data with hex addresses, exactly as signed otherwise. */
  raw: RawData;
  rawHex: string;
  signatures: string[];
  owner: string;
  data: string;
  feeLimit: number;
  bandwidthBytes: number;
}

export interface MinedTx extends PooledTx {
  blockNumber: number;
  blockTimestamp: number;
  execution: Execution;
}

export interface AccountSummary {
  address: string;
  hex: string;
  account_exists: boolean;
  balance_sun: string;
  usdt_units: string;
  stake_trx: number;
  energy_limit: number;
  /** Part of energy_limit delegated in by others (rented energy), in force at the head block. */
  delegated_energy: number;
  energy_used: number;
  energy_available: number;
  free_net_used: number;
}

export interface ResourceView {
  energyLimit: number;
  energyUsed: number;
  freeNetUsed: number;
  totalEnergyWeight: number;
  /** Stake (sun) behind the energy delegated in at the head block. */
  delegatedInSun: bigint;
}

export interface DelegationRequest {
  from: string;
  to: string;
  energy: number;
  /**
   * Devnet times (ms). Like a transaction, the delegation takes effect in a block: the first one
   * at or after `startsAt`, and ends with the first block at or after `expiresAt`.
   */
  startsAt: number;
  expiresAt: number;
}

export interface DelegatedResource {
  from: string;
  to: string;
  balanceSun: bigint;
  expireTime: number;
}

export class Chain {
  private offsetMs = 0;
  private blockLog!: BlockLog;
  private accounts!: Map<string, Account>;
  private ledger!: UsdtLedger;
  private pool!: PooledTx[];
  private mined!: Map<string, MinedTx>;
  private delegationCount = 0;

  constructor(private readonly wallClock: () => number = Date.now) {
    this.reset();
  }

  reset(): void {
    this.offsetMs = 0;
    const now = this.wallClock();
    this.blockLog = new BlockLog(now - (now % BLOCK_INTERVAL_MS));
    this.accounts = new Map();
    this.ledger = new Map();
    this.pool = [];
    this.mined = new Map();
  }

  now(): number {
    return this.wallClock() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  get blocks(): BlockLog {
    this.sync();
    return this.blockLog;
  }

  advance(seconds: number): void {
    this.offsetMs += Math.round(seconds * 1000);
    this.sync();
  }

  /** Produces the blocks due by now; the pool always belongs to the block after the head. */
  sync(): void {
    const log = this.blockLog;
    const target = log.numberAt(this.now());
    if (target <= log.head) return;
    const slot = log.head + 1;
    const included = this.pool.filter((tx) => this.include(tx, slot, log.timestampOf(slot)));
    this.pool = [];
    log.extendTo(target, included.map((tx) => tx.txid));
  }

  private include(tx: PooledTx, slot: number, timestamp: number): boolean {
    const account = this.accounts.get(tx.owner);
    const execution = account && executeTrigger(account, this.ledger, tx, slot, this.prices());
    if (!execution) return false;
    this.mined.set(tx.txid, { ...tx, blockNumber: slot, blockTimestamp: timestamp, execution });
    return true;
  }

  prices(): Prices {
    return { energyFee: ENERGY_FEE, transactionFee: TRANSACTION_FEE, totalEnergyWeight: this.totalEnergyWeight() };
  }

  totalEnergyWeight(): number {
    let staked = 0n;
    for (const account of this.accounts.values()) staked += account.stakeSun / SUN_PER_TRX;
    return NETWORK_ENERGY_WEIGHT + Number(staked);
  }

  account(hex: string): Account | undefined {
    this.sync();
    return this.accounts.get(hex);
  }

  usdtBalance(hex: string): bigint {
    this.sync();
    return this.ledger.get(hex) ?? 0n;
  }

  /** Usage decayed to the head block, as getaccount / getaccountresource report it. */
  resources(account: Account): ResourceView {
    const head = this.blocks.head;
    const totalEnergyWeight = this.totalEnergyWeight();
    return {
      energyLimit: accountEnergyLimit(account, head, totalEnergyWeight),
      energyUsed: recovery(account.energy, head),
      freeNetUsed: freeNetUsed(account, head),
      totalEnergyWeight,
      delegatedInSun: account.delegatedIn.reduce((sum, d) => (isActive(d, head) ? sum + d.balanceSun : sum), 0n),
    };
  }

  minedTx(txid: unknown): MinedTx | undefined {
    this.sync();
    return typeof txid === 'string' ? this.mined.get(txid.toLowerCase()) : undefined;
  }

  /** Builds an unsigned transaction (value addresses in hex) referencing the head block. */
  buildTrigger(value: TriggerValue, feeLimit: number, visible: boolean): TxJson {
    const log = this.blocks;
    const headId = log.idOf(log.head) as string;
    const header = {
      ref_block_bytes: (log.head % 65_536).toString(16).padStart(4, '0'),
      ref_block_hash: headId.slice(16, 32),
      expiration: log.headTimestamp + EXPIRATION_WINDOW_MS,
      timestamp: this.now(),
      fee_limit: feeLimit,
    };
    const rendered: TriggerValue = {
      ...value,
      owner_address: renderAddress(value.owner_address, visible),
      contract_address: renderAddress(value.contract_address, visible),
    };
    return buildTriggerTx(rendered, header, visible);
  }

  simulate(owner: string, data: string): UsdtOutcome {
    this.sync();
    return callUsdt(this.ledger, owner, data);
  }

  /**
   * java-tron's admission checks in its order (duplicate, TAPOS, expiration, signature,
   * contract, bandwidth). `dropOnAccept` lets a fault swallow an accepted transaction.
   */
  broadcast(tx: TxJson, dropOnAccept: () => boolean = () => false): BroadcastResult {
    this.sync();
    if (!tx || typeof tx !== 'object' || !tx.raw_data || !Array.isArray(tx.raw_data.contract)) {
      throw new Error('Invalid transaction: no raw_data.contract');
    }
    const signatures = Array.isArray(tx.signature) ? tx.signature.filter((s) => typeof s === 'string') : [];
    const { txid, rawHex, bandwidthBytes } = encode(tx, signatures);
    const fail = (code: string, message: string): BroadcastResult => ({ code, txid, message });
    const raw = tx.raw_data;
    const log = this.blockLog;

    if (this.mined.has(txid) || this.pool.some((p) => p.txid === txid)) return fail('DUP_TRANSACTION_ERROR', 'Dup transaction.');
    if (!log.isRecentReference(raw.ref_block_bytes, raw.ref_block_hash)) return fail('TAPOS_ERROR', 'Tapos check error.');
    if (!(raw.expiration > log.headTimestamp) || raw.expiration > log.headTimestamp + MAX_EXPIRATION_AHEAD_MS) {
      return fail('TRANSACTION_EXPIRATION_ERROR', 'Transaction expired');
    }
    const call = triggerOf(raw);
    if (!call) return fail('CONTRACT_VALIDATE_ERROR', 'Contract validate error : devnet runs single TriggerSmartContract transactions only');
    if (signatures.length === 0) return fail('SIGERROR', 'Validate signature error: miss sig or contract');
    for (const signature of signatures) {
      const signer = recoverSigner(txid, signature);
      if (signer !== call.owner) {
        const who = signer ? toBase58(signer) : 'an unrecoverable key';
        return fail('SIGERROR', `Validate signature error: ${signature} is signed by ${who} but it is not contained of permission.`);
      }
    }
    const account = this.accounts.get(call.owner);
    if (!account) return fail('CONTRACT_VALIDATE_ERROR', 'Contract validate error : Validate TriggerSmartContract error, no OwnerAccount.');
    if (call.contract !== USDT_ADDRESS_HEX) return fail('CONTRACT_VALIDATE_ERROR', 'Contract validate error : No contract or not a valid smart contract');
    const feeLimit = raw.fee_limit ?? 0;
    if (!Number.isInteger(feeLimit) || feeLimit < 0 || feeLimit > MAX_FEE_LIMIT) {
      return fail('CONTRACT_VALIDATE_ERROR', `Contract validate error : feeLimit must be >= 0 and <= ${MAX_FEE_LIMIT}`);
    }
    if (call.call_value) return fail('CONTRACT_VALIDATE_ERROR', 'Contract validate error : devnet USDT is not payable');
    if (!canPayBandwidth(account, bandwidthBytes, log.head, this.prices())) {
      return fail('BANDWITH_ERROR', 'Account resource insufficient error.');
    }

    if (!dropOnAccept()) {
      const data = (typeof call.data === 'string' ? call.data : '').toLowerCase();
      this.pool.push({ txid, raw: renderRawData(raw, false), rawHex, signatures, owner: call.owner, data, feeLimit, bandwidthBytes });
    }
    return { result: true, txid };
  }

  // ─── control ────────────────────────────────────────────────────────────────

  private ensureAccount(hex: string): Account {
    let account = this.accounts.get(hex);
    if (!account) {
      account = {
        address: hex,
        createTime: this.blockLog.headTimestamp,
        balance: 0n,
        stakeSun: 0n,
        energy: freshUsage(),
        freeNet: { usage: 0, lastSlot: 0 },
        delegatedIn: [],
      };
      this.accounts.set(hex, account);
    }
    return account;
  }

  /** Adds TRX (creating the account) and/or USDT (contract storage only). */
  fund(hex: string, sun: bigint | undefined, usdtUnits: bigint | undefined): AccountSummary {
    this.sync();
    if (sun !== undefined) this.ensureAccount(hex).balance += sun;
    if (usdtUnits !== undefined) this.ledger.set(hex, (this.ledger.get(hex) ?? 0n) + usdtUnits);
    return this.summary(hex);
  }

  stake(hex: string, trx: bigint): AccountSummary {
    this.sync();
    this.ensureAccount(hex).stakeSun = trx * SUN_PER_TRX;
    return this.summary(hex);
  }

  /**
   * Delegates energy to an existing account for a time window, as an energy provider does with
   * DelegateResource (and reclaims with UnDelegateResource at the end). The delegator needs no
   * account here: its stake belongs to the constant rest of the network. Null when the receiver
   * has no account (java-tron rejects delegating to an inactive address).
   */
  delegateEnergy(request: DelegationRequest): Delegation | null {
    this.sync();
    const receiver = this.accounts.get(request.to);
    if (!receiver) return null;
    const log = this.blockLog;
    const slotAt = (time: number) => Math.max(Math.ceil((time - log.genesisTimestamp) / BLOCK_INTERVAL_MS), 0);
    // The stake that yields this energy at today's ratio, rounded up as a delegator must.
    const ratioDenominator = BigInt(TOTAL_ENERGY_CURRENT_LIMIT);
    const stake = BigInt(request.energy) * BigInt(this.totalEnergyWeight()) * SUN_PER_TRX;
    this.delegationCount += 1;
    const startSlot = slotAt(request.startsAt);
    const expireSlot = slotAt(request.expiresAt);
    const delegation: Delegation = {
      from: request.from,
      energy: request.energy,
      balanceSun: (stake + ratioDenominator - 1n) / ratioDenominator,
      startSlot,
      expireSlot,
      startTime: log.timestampOf(startSlot),
      expireTime: log.timestampOf(expireSlot),
      txid: createHash('sha256')
        .update(`delegate:${this.delegationCount}:${request.from}:${request.to}:${request.energy}:${request.startsAt}`)
        .digest('hex'),
    };
    receiver.delegatedIn = [...receiver.delegatedIn.filter((d) => d.expireSlot > log.head), delegation];
    return delegation;
  }

  /** Delegations in force at the head block, filtered by delegator and/or receiver (hex). */
  delegatedResources(from?: string, to?: string): DelegatedResource[] {
    const head = this.blocks.head;
    const rows: DelegatedResource[] = [];
    for (const account of this.accounts.values()) {
      if (to && account.address !== to) continue;
      for (const d of account.delegatedIn) {
        if (!isActive(d, head) || (from && d.from !== from)) continue;
        rows.push({ from: d.from, to: account.address, balanceSun: d.balanceSun, expireTime: d.expireTime });
      }
    }
    return rows;
  }

  summary(hex: string): AccountSummary {
    const account = this.account(hex);
    const view = account ? this.resources(account) : { energyLimit: 0, energyUsed: 0, freeNetUsed: 0 };
    return {
      address: toBase58(hex),
      hex,
      account_exists: account !== undefined,
      balance_sun: (account?.balance ?? 0n).toString(),
      usdt_units: this.usdtBalance(hex).toString(),
      stake_trx: Number((account?.stakeSun ?? 0n) / SUN_PER_TRX),
      energy_limit: view.energyLimit,
      delegated_energy: account ? delegatedEnergy(account, this.blockLog.head) : 0,
      energy_used: view.energyUsed,
      energy_available: account ? leftStakedEnergy(account, this.blockLog.head, this.totalEnergyWeight()) : 0,
      free_net_used: view.freeNetUsed,
    };
  }

  state() {
    const log = this.blocks;
    const addresses = new Set([...this.accounts.keys(), ...this.ledger.keys()]);
    const mined: Record<ContractResult, number> = { SUCCESS: 0, REVERT: 0, OUT_OF_ENERGY: 0 };
    for (const tx of this.mined.values()) mined[tx.execution.receipt.result] += 1;
    return {
      now: this.now(),
      time_offset_ms: this.offsetMs,
      genesis_timestamp: log.genesisTimestamp,
      head: { number: log.head, timestamp: log.headTimestamp, id: log.idOf(log.head) },
      solid: { number: log.solid, timestamp: log.timestampOf(log.solid) },
      total_energy_weight: this.totalEnergyWeight(),
      accounts: [...addresses].map((hex) => this.summary(hex)),
      pending: this.pool.length,
      mined,
    };
  }

  /** Mined USDT transfer calls, oldest first, optionally only those touching `hex`. */
  transfers(hex?: string) {
    this.sync();
    const rows = [];
    for (const tx of this.mined.values()) {
      const call = decodeTransfer(tx.data);
      if (!call) continue;
      if (hex && tx.owner !== hex && call.to !== hex) continue;
      rows.push({
        txid: tx.txid,
        from: toBase58(tx.owner),
        to: call.to ? toBase58(call.to) : null,
        amount: call.amount?.toString() ?? null,
        result: tx.execution.receipt.result,
        block: tx.blockNumber,
        block_timestamp: tx.blockTimestamp,
        fee_sun: tx.execution.fee,
        energy_usage_total: tx.execution.receipt.energy_usage_total,
      });
    }
    return rows;
  }
}
