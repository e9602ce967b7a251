// Applying one TriggerSmartContract transaction inside a block, in java-tron's order:
// bandwidth first (free allowance, else burn), then the VM run capped by fee_limit, then
// the energy bill (staked energy first, the shortfall burned).
import { consume, energyLimit, FREE_NET_LIMIT, increase, recovery, type Usage } from './energy.js';
import { applyTransfer, callUsdt, type UsdtLedger, type UsdtLog } from './usdt.js';

export interface Account {
  address: string;
  createTime: number;
  balance: bigint;
  stakeSun: bigint;
  energy: Usage;
  freeNet: { usage: number; lastSlot: number };
  /** Energy other accounts delegate to this one (Stake 2.0 DelegateResource), rented or not. */
  delegatedIn: Delegation[];
}

/**
 * A delegation of energy to an account, in force for the blocks `startSlot <= slot < expireSlot`.
 * It is kept in energy units so that the receiver's EnergyLimit rises by exactly what a
 * provider sold; `balanceSun` is the stake it stands for, as getdelegatedresourcev2 reports it.
 */
export interface Delegation {
  from: string;
  energy: number;
  balanceSun: bigint;
  startSlot: number;
  expireSlot: number;
  /** Timestamps (ms) of those two blocks; expireTime is java-tron's expire_time_for_energy. */
  startTime: number;
  expireTime: number;
  txid: string;
}

export type ContractResult = 'SUCCESS' | 'REVERT' | 'OUT_OF_ENERGY';

export interface Receipt {
  energy_usage: number;
  energy_fee: number;
  energy_usage_total: number;
  energy_penalty_total: number;
  net_usage: number;
  net_fee: number;
  result: ContractResult;
}

export interface Execution {
  receipt: Receipt;
  fee: number;
  output: string;
  logs: UsdtLog[];
  resMessage?: string;
}

export interface Prices {
  energyFee: number;
  transactionFee: number;
  totalEnergyWeight: number;
}

export interface TriggerCall {
  owner: string;
  data: string;
  feeLimit: number;
  bandwidthBytes: number;
}

/** The free bandwidth left at `slot`, after linear recovery. */
export function freeNetUsed(account: Account, slot: number): number {
  return increase(account.freeNet.usage, 0, account.freeNet.lastSlot, slot);
}

export function canPayBandwidth(account: Account, bytes: number, slot: number, prices: Prices): boolean {
  return bytes <= FREE_NET_LIMIT - freeNetUsed(account, slot) || account.balance >= BigInt(bytes * prices.transactionFee);
}

function payBandwidth(account: Account, bytes: number, slot: number, prices: Prices): { net_usage: number; net_fee: number } | null {
  const used = freeNetUsed(account, slot);
  if (bytes <= FREE_NET_LIMIT - used) {
    account.freeNet = { usage: increase(used, bytes, slot, slot), lastSlot: slot };
    return { net_usage: bytes, net_fee: 0 };
  }
  const fee = bytes * prices.transactionFee;
  if (account.balance < BigInt(fee)) return null;
  account.balance -= BigInt(fee);
  return { net_usage: 0, net_fee: fee };
}

export const isActive = (d: Delegation, slot: number): boolean => d.startSlot <= slot && slot < d.expireSlot;

/** Energy delegated to the account that is in force at `slot`. */
export function delegatedEnergy(account: Account, slot: number): number {
  return account.delegatedIn.reduce((sum, d) => (isActive(d, slot) ? sum + d.energy : sum), 0);
}

/** EnergyLimit: own stake at the network ratio plus energy delegated in (java-tron counts both). */
export function accountEnergyLimit(account: Account, slot: number, totalEnergyWeight: number): number {
  return energyLimit(account.stakeSun, totalEnergyWeight) + delegatedEnergy(account, slot);
}

export function leftStakedEnergy(account: Account, slot: number, totalEnergyWeight: number): number {
  return Math.max(accountEnergyLimit(account, slot, totalEnergyWeight) - recovery(account.energy, slot), 0);
}

/** Executes `call` against the USDT contract; null when the bandwidth cannot be paid. */
export function executeTrigger(account: Account, ledger: UsdtLedger, call: TriggerCall, slot: number, prices: Prices): Execution | null {
  const net = payBandwidth(account, call.bandwidthBytes, slot, prices);
  if (!net) return null;

  const price = prices.energyFee;
  const left = leftStakedEnergy(account, slot, prices.totalEnergyWeight);
  const cap = Math.min(left + Number(account.balance / BigInt(price)), Math.floor(call.feeLimit / price));
  const outcome = callUsdt(ledger, call.owner, call.data);

  let total = outcome.energy;
  let penalty = outcome.penalty;
  let result: ContractResult = outcome.status;
  let output = outcome.output;
  let resMessage = outcome.status === 'REVERT' ? 'REVERT opcode executed' : undefined;
  if (outcome.energy > cap) {
    total = cap;
    penalty = Math.floor((outcome.penalty * cap) / outcome.energy);
    result = 'OUT_OF_ENERGY';
    output = '';
    resMessage =
      `Not enough energy for 'SSTORE' operation executing: curInvokeEnergyLimit[${cap}], ` +
      `curOpEnergy[${outcome.energy - cap}], usedEnergy[${cap}]`;
  } else if (outcome.status === 'SUCCESS' && outcome.transfer) {
    applyTransfer(ledger, outcome.transfer);
  }

  let energyUsage = 0;
  let energyFee = 0;
  if (total > 0) {
    energyUsage = Math.min(left, total);
    energyFee = (total - energyUsage) * price;
    account.energy = consume(account.energy, energyUsage, slot);
    account.balance -= BigInt(energyFee);
  }

  return {
    receipt: {
      energy_usage: energyUsage,
      energy_fee: energyFee,
      energy_usage_total: total,
      energy_penalty_total: penalty,
      net_usage: net.net_usage,
      net_fee: net.net_fee,
      result,
    },
    fee: energyFee + net.net_fee,
    output,
    logs: result === 'SUCCESS' ? outcome.logs : [],
    ...(resMessage ? { resMessage } : {}),
  };
}
