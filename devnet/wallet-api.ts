// The java-tron HTTP endpoints the devnet answers, as functions of the request parameters
// (POST body or GET query, already merged). `/walletsolidity/` views see solidified blocks only.
import { renderAddress, toHexAddress } from './address.js';
import { ENERGY_FEE, MAX_FEE_LIMIT, TRANSACTION_FEE, type Chain, type MinedTx } from './chain.js';
import type { Account } from './execute.js';
import type { FaultQueue } from './faults.js';
import { FREE_NET_LIMIT, TOTAL_ENERGY_CURRENT_LIMIT, TOTAL_NET_LIMIT } from './energy.js';
import { omitDefaults, utf8Hex } from './json.js';
import { encode, selectorOf, type TxJson } from './tx.js';
import { ENERGY_FACTOR, USDT_ADDRESS_HEX, USDT_CONTRACT } from './usdt.js';
import { accountJson, accountNetJson, accountResourceJson, blockJson, transactionInfoJson, transactionJson } from './views.js';

export type Params = Record<string, unknown>;

export interface WalletContext {
  chain: Chain;
  faults: FaultQueue;
  params: Params;
  path: string;
  solidity: boolean;
}

type Handler = (ctx: WalletContext) => unknown;

const CHAIN_PARAMETERS: Array<[string, number]> = [
  ['getMaintenanceTimeInterval', 21_600_000],
  ['getAccountUpdateNetFee', 100_000_000],
  ['getTransactionFee', TRANSACTION_FEE],
  ['getCreateAccountFee', 100_000],
  ['getCreateNewAccountFeeInSystemContract', 1_000_000],
  ['getEnergyFee', ENERGY_FEE],
  ['getFreeNetLimit', FREE_NET_LIMIT],
  ['getTotalNetLimit', TOTAL_NET_LIMIT],
  ['getTotalEnergyLimit', 90_000_000_000],
  ['getTotalEnergyCurrentLimit', TOTAL_ENERGY_CURRENT_LIMIT],
  ['getMaxFeeLimit', MAX_FEE_LIMIT],
  ['getAllowTvmFreezeV2', 1],
  ['getUnfreezeDelayDays', 14],
  ['getAllowDynamicEnergy', 1],
  ['getDynamicEnergyMaxFactor', ENERGY_FACTOR],
];

const visibleOf = (params: Params) => params.visible === true || params.visible === 'true';
const flagOf = (value: unknown) => value === true || value === 'true';

function addressParam(params: Params, name: string): string {
  const hex = toHexAddress(params[name]);
  if (!hex) throw new Error(`Invalid ${name}`);
  return hex;
}

function integerParam(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`Invalid number ${String(value)}`);
  return n;
}

function blockNumberOf(ctx: WalletContext, requested: number): number | null {
  const log = ctx.chain.blocks;
  const limit = ctx.solidity ? log.solid : log.head;
  return requested >= 0 && requested <= limit ? requested : null;
}

function renderBlock(ctx: WalletContext, number: number | null, detail = true) {
  return number === null ? {} : blockJson(ctx.chain, number, detail, visibleOf(ctx.params));
}

function latestBlock(ctx: WalletContext): number {
  const log = ctx.chain.blocks;
  return ctx.solidity ? log.solid : log.head;
}

function getBlock(ctx: WalletContext) {
  const { id_or_num: idOrNum, detail } = ctx.params;
  if (idOrNum === undefined || idOrNum === '') return renderBlock(ctx, latestBlock(ctx), flagOf(detail));
  const key = String(idOrNum);
  if (/^\d+$/.test(key)) return renderBlock(ctx, blockNumberOf(ctx, Number(key)), flagOf(detail));
  return renderBlock(ctx, blockById(ctx, key), flagOf(detail));
}

function blockById(ctx: WalletContext, id: unknown): number | null {
  if (typeof id !== 'string' || !/^[0-9a-fA-F]{64}$/.test(id)) return null;
  const number = blockNumberOf(ctx, parseInt(id.slice(0, 16), 16));
  return number !== null && ctx.chain.blocks.idOf(number) === id.toLowerCase() ? number : null;
}

function visibleTx(ctx: WalletContext): MinedTx | undefined {
  const tx = ctx.chain.minedTx(ctx.params.value);
  if (!tx || (ctx.solidity && tx.blockNumber > ctx.chain.blocks.solid)) return undefined;
  return tx;
}

function withAccount<T>(ctx: WalletContext, render: (account: Account) => T): T | object {
  const account = ctx.chain.account(addressParam(ctx.params, 'address'));
  return account ? render(account) : {};
}

/** The TriggerSmartContract value a trigger request describes (addresses in hex). */
function triggerValue(params: Params) {
  const owner = addressParam(params, 'owner_address');
  const contract = addressParam(params, 'contract_address');
  const callValue = integerParam(params.call_value, 0);
  let data: string;
  if (typeof params.data === 'string' && params.data !== '') data = params.data.replace(/^0x/, '').toLowerCase();
  else if (typeof params.function_selector === 'string') {
    data = selectorOf(params.function_selector) + String(params.parameter ?? '').replace(/^0x/, '').toLowerCase();
  } else throw new Error('function_selector or data is required');
  return { owner_address: owner, contract_address: contract, data, ...(callValue ? { call_value: callValue } : {}) };
}

const notAContract = { result: { code: 'CONTRACT_VALIDATE_ERROR', message: utf8Hex('Smart contract is not exist.') } };

function triggerSmartContract(ctx: WalletContext) {
  const value = triggerValue(ctx.params);
  if (value.contract_address !== USDT_ADDRESS_HEX) return notAContract;
  const transaction = ctx.chain.buildTrigger(value, integerParam(ctx.params.fee_limit, 0), visibleOf(ctx.params));
  return { result: { result: true }, transaction };
}

function triggerConstantContract(ctx: WalletContext) {
  const value = triggerValue(ctx.params);
  if (value.contract_address !== USDT_ADDRESS_HEX) return notAContract;
  const outcome = ctx.chain.simulate(value.owner_address, value.data);
  const built = ctx.chain.buildTrigger(value, integerParam(ctx.params.fee_limit, 0), visibleOf(ctx.params));
  const reverted = outcome.status === 'REVERT';
  return {
    result: reverted ? { result: true, message: utf8Hex('REVERT opcode executed') } : { result: true },
    energy_used: outcome.energy,
    ...(outcome.penalty > 0 ? { energy_penalty: outcome.penalty } : {}),
    constant_result: [outcome.output],
    transaction: { ret: [reverted ? { ret: 'FAILED' } : {}], ...built },
  };
}

function broadcastTransaction(ctx: WalletContext) {
  const tx = ctx.params as unknown as TxJson;
  const injected = ctx.faults.take('broadcast_error', ctx.path);
  if (injected) return { code: injected.code, txid: txidOf(tx), message: utf8Hex(injected.message ?? '') };
  const outcome = ctx.chain.broadcast(tx, () => ctx.faults.take('accept_never_mine', ctx.path) !== null);
  return 'code' in outcome ? { ...outcome, message: utf8Hex(outcome.message) } : outcome;
}

function txidOf(tx: TxJson): string {
  try {
    return encode(tx).txid;
  } catch {
    return typeof tx?.txID === 'string' ? tx.txID : '';
  }
}

function contractOf(ctx: WalletContext) {
  if (toHexAddress(ctx.params.value) !== USDT_ADDRESS_HEX) return null;
  const visible = visibleOf(ctx.params);
  return {
    ...USDT_CONTRACT,
    origin_address: renderAddress(USDT_CONTRACT.origin_address, visible),
    contract_address: renderAddress(USDT_CONTRACT.contract_address, visible),
  };
}

/** Stake 2.0 delegations in force from one address to another (both required, as in java-tron). */
function delegatedResourceV2(ctx: WalletContext) {
  const from = addressParam(ctx.params, 'fromAddress');
  const to = addressParam(ctx.params, 'toAddress');
  const visible = visibleOf(ctx.params);
  return omitDefaults({
    delegatedResource: ctx.chain.delegatedResources(from, to).map((row) => ({
      from: renderAddress(row.from, visible),
      to: renderAddress(row.to, visible),
      frozen_balance_for_energy: row.balanceSun,
      expire_time_for_energy: row.expireTime,
    })),
  });
}

const solidityEndpoints: Record<string, Handler> = {
  getnowblock: (ctx) => renderBlock(ctx, latestBlock(ctx)),
  getblock: getBlock,
  getblockbynum: (ctx) => renderBlock(ctx, blockNumberOf(ctx, integerParam(ctx.params.num, 0))),
  getblockbyid: (ctx) => renderBlock(ctx, blockById(ctx, ctx.params.value)),
  getaccount: (ctx) => withAccount(ctx, (account) => accountJson(ctx.chain, account, visibleOf(ctx.params))),
  gettransactionbyid: (ctx) => {
    const tx = visibleTx(ctx);
    return tx ? transactionJson(tx, visibleOf(ctx.params)) : {};
  },
  gettransactioninfobyid: (ctx) => {
    const tx = visibleTx(ctx);
    return tx ? transactionInfoJson(tx, visibleOf(ctx.params)) : {};
  },
  triggerconstantcontract: triggerConstantContract,
  getdelegatedresourcev2: delegatedResourceV2,
};

const fullNodeEndpoints: Record<string, Handler> = {
  ...solidityEndpoints,
  getaccountresource: (ctx) => withAccount(ctx, (account) => accountResourceJson(ctx.chain, account)),
  getaccountnet: (ctx) => withAccount(ctx, (account) => accountNetJson(ctx.chain, account)),
  getchainparameters: () => ({
    chainParameter: CHAIN_PARAMETERS.map(([key, value]) => omitDefaults({ key, value })),
  }),
  getnodeinfo: (ctx) => {
    const log = ctx.chain.blocks;
    return {
      block: `Num:${log.head},ID:${log.idOf(log.head)}`,
      solidityBlock: `Num:${log.solid},ID:${log.idOf(log.solid)}`,
      configNodeInfo: { codeVersion: '4.8.0', p2pVersion: 'devnet' },
    };
  },
  triggersmartcontract: triggerSmartContract,
  // Disabled as on most public nodes, so clients exercise their triggerconstantcontract path.
  estimateenergy: () => ({ result: { code: 'OTHER_ERROR', message: utf8Hex('this node does not support estimate energy') } }),
  broadcasttransaction: broadcastTransaction,
  getcontract: (ctx) => contractOf(ctx) ?? {},
  getcontractinfo: (ctx) => {
    const contract = contractOf(ctx);
    return contract ? { smart_contract: contract, contract_state: { energy_factor: ENERGY_FACTOR } } : {};
  },
};

/** Finds the handler for `/wallet/<name>` or `/walletsolidity/<name>`. */
export function walletRoute(path: string): { handler: Handler; solidity: boolean } | null {
  const match = /^\/(wallet|walletsolidity)\/([A-Za-z0-9]+)\/?$/.exec(path);
  if (!match) return null;
  const solidity = match[1] === 'walletsolidity';
  const table = solidity ? solidityEndpoints : fullNodeEndpoints;
  const name = match[2].toLowerCase();
  return Object.hasOwn(table, name) ? { handler: table[name], solidity } : null;
}
