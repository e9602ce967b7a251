// The java-tron JSON shapes of blocks, transactions, receipts and accounts, rendered from
// the chain model. Field names and nesting follow what a real node prints.
import { createHash } from 'node:crypto';
import { renderAddress } from './address.js';
import type { Chain, MinedTx } from './chain.js';
import type { Account } from './execute.js';
import { FREE_NET_LIMIT, TOTAL_ENERGY_CURRENT_LIMIT, TOTAL_NET_LIMIT } from './energy.js';
import { omitDefaults, utf8Hex } from './json.js';
import { renderRawData } from './tx.js';
import { USDT_ADDRESS_HEX } from './usdt.js';

const WITNESS_HEX = '41' + 'be'.repeat(20);
const BLOCK_VERSION = 32;
const TOTAL_NET_WEIGHT = 26_000_000_000;
const ZERO_HASH = '0'.repeat(64);
const DEFAULT_ACTIVE_OPERATIONS = '7fff1fc0033ec30f000000000000000000000000000000000000000000000000';

const sha256Hex = (...parts: string[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(Buffer.from(part, 'hex'));
  return hash.digest('hex');
};

export function transactionJson(tx: MinedTx, visible: boolean) {
  return {
    ret: [{ contractRet: tx.execution.receipt.result }],
    signature: tx.signatures,
    txID: tx.txid,
    raw_data: renderRawData(tx.raw, visible),
    raw_data_hex: tx.rawHex,
  };
}

export function blockJson(chain: Chain, number: number, detail: boolean, visible: boolean) {
  const log = chain.blocks;
  const id = log.idOf(number);
  if (id === null) return {};
  const txids = log.txidsOf(number);
  const header = omitDefaults({
    txTrieRoot: txids.length > 0 ? sha256Hex(...txids) : ZERO_HASH,
    witness_address: renderAddress(WITNESS_HEX, visible),
    parentHash: log.parentIdOf(number),
    version: BLOCK_VERSION,
    timestamp: log.timestampOf(number),
  });
  const transactions = detail ? txids.map((txid) => transactionJson(chain.minedTx(txid) as MinedTx, visible)) : [];
  return {
    blockID: id,
    block_header: {
      // Kept even for the genesis block: tronweb reads raw_data.number unconditionally.
      raw_data: { number, ...header },
      witness_signature: sha256Hex(id) + sha256Hex(id, id) + '1b',
    },
    ...(transactions.length > 0 ? { transactions } : {}),
  };
}

export function transactionInfoJson(tx: MinedTx, visible: boolean) {
  const { receipt, fee, output, logs, resMessage } = tx.execution;
  const failed = receipt.result !== 'SUCCESS';
  return omitDefaults({
    id: tx.txid,
    fee,
    blockNumber: tx.blockNumber,
    blockTimeStamp: tx.blockTimestamp,
    contractResult: [output],
    contract_address: renderAddress(USDT_ADDRESS_HEX, visible),
    receipt,
    log: logs,
    result: failed ? 'FAILED' : undefined,
    resMessage: failed && resMessage ? utf8Hex(resMessage) : undefined,
  });
}

/** Slots become wall-clock milliseconds on the way out, as in java-tron's Wallet.getAccount. */
export function accountJson(chain: Chain, account: Account, visible: boolean) {
  const log = chain.blocks;
  const view = chain.resources(account);
  const address = renderAddress(account.address, visible);
  const key = { address, weight: 1 };
  return omitDefaults({
    address,
    balance: account.balance,
    create_time: account.createTime,
    free_net_usage: view.freeNetUsed,
    latest_consume_free_time: account.freeNet.lastSlot > 0 ? log.timestampOf(account.freeNet.lastSlot) : 0,
    owner_permission: { permission_name: 'owner', threshold: 1, keys: [key] },
    active_permission: [
      { type: 'Active', id: 2, permission_name: 'active', threshold: 1, operations: DEFAULT_ACTIVE_OPERATIONS, keys: [key] },
    ],
    frozenV2: [{}, { type: 'ENERGY', amount: account.stakeSun }, { type: 'TRON_POWER' }],
    account_resource: {
      energy_usage: view.energyUsed,
      latest_consume_time_for_energy: account.energy.lastSlot > 0 ? log.timestampOf(account.energy.lastSlot) : 0,
      energy_window_size: account.energy.windowSizeV2,
      energy_window_optimized: account.energy.windowSizeV2 > 0,
      acquired_delegated_frozenV2_balance_for_energy: view.delegatedInSun,
    },
  });
}

export function accountResourceJson(chain: Chain, account: Account) {
  const view = chain.resources(account);
  const stakedTrx = account.stakeSun / 1_000_000n;
  return omitDefaults({
    freeNetUsed: view.freeNetUsed,
    freeNetLimit: FREE_NET_LIMIT,
    TotalNetLimit: TOTAL_NET_LIMIT,
    TotalNetWeight: TOTAL_NET_WEIGHT,
    tronPowerLimit: stakedTrx,
    EnergyUsed: view.energyUsed,
    EnergyLimit: view.energyLimit,
    TotalEnergyLimit: TOTAL_ENERGY_CURRENT_LIMIT,
    TotalEnergyWeight: view.totalEnergyWeight,
  });
}

export function accountNetJson(chain: Chain, account: Account) {
  return omitDefaults({
    freeNetUsed: chain.resources(account).freeNetUsed,
    freeNetLimit: FREE_NET_LIMIT,
    TotalNetLimit: TOTAL_NET_LIMIT,
    TotalNetWeight: TOTAL_NET_WEIGHT,
  });
}
