import { utils } from 'tronweb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Chain, type BroadcastResult } from '../../devnet/chain.js';
import type { TxJson } from '../../devnet/tx.js';
import { transferParameter, wallet } from './support.js';

const USDT_HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
const sender = wallet(1);
const holder = wallet(2);
const fresh = wallet(3);

let clock: number;
let chain: Chain;

function advance(seconds: number) {
  chain.advance(seconds);
}

function transfer(from = sender, to = holder.hex, amount = 1_000_000n, feeLimit = 100_000_000): TxJson {
  const value = { owner_address: from.hex, contract_address: USDT_HEX, data: 'a9059cbb' + transferParameter(to, amount) };
  const tx = chain.buildTrigger(value, feeLimit, false);
  return utils.crypto.signTransaction(from.privateKey, tx) as TxJson;
}

function accepted(result: BroadcastResult): string {
  if (!('result' in result)) throw new Error(`rejected: ${result.code} ${result.message}`);
  return result.txid;
}

function mine(txid: string) {
  advance(3);
  const tx = chain.minedTx(txid);
  if (!tx) throw new Error('not mined');
  return tx;
}

beforeEach(() => {
  clock = 1_700_000_001_234;
  chain = new Chain(() => clock);
  chain.fund(sender.hex, 1_000_000_000n, 50_000_000n);
  chain.fund(holder.hex, undefined, 1n);
});

describe('time and blocks', () => {
  it('starts at the genesis slot and produces a block every 3 seconds of devnet time', () => {
    expect(chain.blocks.genesisTimestamp).toBe(1_700_000_001_000);
    expect(chain.blocks.head).toBe(0);
    clock = chain.blocks.genesisTimestamp + 2_999;
    expect(chain.blocks.head).toBe(0);
    clock += 1;
    expect(chain.blocks.head).toBe(1);
    advance(30);
    expect(chain.blocks.head).toBe(11);
    expect(chain.blocks.solid).toBe(0);
    advance(30);
    expect(chain.blocks.solid).toBe(21 - 19);
  });

  it('derives block ids deterministically, number first', () => {
    const twin = new Chain(() => clock);
    advance(300);
    twin.advance(300);
    const id = chain.blocks.idOf(57) as string;
    expect(id.slice(0, 16)).toBe((57).toString(16).padStart(16, '0'));
    expect(id).toBe(twin.blocks.idOf(57));
    expect(chain.blocks.parentIdOf(57)).toBe(chain.blocks.idOf(56));
  });

  it('jumps days ahead without materializing empty blocks, and still knows old ids', () => {
    const reference = new Chain(() => clock);
    reference.advance(600);
    const started = performance.now();
    advance(3 * 86_400);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(chain.blocks.head).toBe(3 * 28_800);
    // Block 150 is outside the 65,536-block TAPOS ring now and must be re-derived.
    expect(chain.blocks.idOf(150)).toBe(reference.blocks.idOf(150));
  });
});

describe('transactions', () => {
  it('are mined in the next block, at that block slot', () => {
    advance(10);
    const head = chain.blocks.head;
    const txid = accepted(chain.broadcast(transfer()));
    expect(chain.minedTx(txid)).toBeUndefined();
    const mined = mine(txid);
    expect(mined.blockNumber).toBe(head + 1);
    expect(mined.blockTimestamp).toBe(chain.blocks.timestampOf(head + 1));
    expect(chain.blocks.txidsOf(head + 1)).toEqual([txid]);
    expect(chain.usdtBalance(holder.hex)).toBe(1_000_001n);
  });

  it('pay energy from stake first and burn the shortfall at 100 sun per energy', () => {
    chain.stake(sender.hex, 5_000n); // 5,000 * 180e9 / 18,000,005,000 = 49,999 energy
    const txid = accepted(chain.broadcast(transfer()));
    const { receipt, fee } = mine(txid).execution;
    expect(receipt).toMatchObject({ result: 'SUCCESS', energy_usage_total: 64_376, energy_penalty_total: 64_376 - 14_631 });
    expect(receipt.energy_usage).toBe(49_999);
    expect(receipt.energy_fee).toBe((64_376 - 49_999) * 100);
    expect(fee).toBe(receipt.energy_fee + receipt.net_fee);
    const account = chain.account(sender.hex)!;
    expect(account.energy.usage).toBe(49_999);
    expect(account.balance).toBe(1_000_000_000n - BigInt(receipt.energy_fee));
  });

  it('charge ~130k energy for a recipient without USDT and ~64k for a holder', () => {
    const toFresh = mine(accepted(chain.broadcast(transfer(sender, fresh.hex)))).execution.receipt;
    const toHolder = mine(accepted(chain.broadcast(transfer(sender, holder.hex)))).execution.receipt;
    expect(toFresh.energy_usage_total).toBe(130_376);
    expect(toHolder.energy_usage_total).toBe(64_376);
  });

  it('stop OUT_OF_ENERGY at fee_limit, burn all of it and move no USDT', () => {
    const txid = accepted(chain.broadcast(transfer(sender, holder.hex, 1_000_000n, 2_000_000)));
    const { receipt, output, resMessage } = mine(txid).execution;
    expect(receipt).toMatchObject({ result: 'OUT_OF_ENERGY', energy_usage_total: 20_000, energy_fee: 2_000_000, energy_usage: 0 });
    expect(output).toBe('');
    expect(resMessage).toMatch(/^Not enough energy/);
    expect(chain.usdtBalance(holder.hex)).toBe(1n);
    expect(chain.usdtBalance(sender.hex)).toBe(50_000_000n);
  });

  it('revert a transfer above the sender balance, or to the zero address', () => {
    const tooMuch = mine(accepted(chain.broadcast(transfer(sender, holder.hex, 50_000_001n)))).execution;
    expect(tooMuch.receipt).toMatchObject({ result: 'REVERT', energy_usage_total: 14_631 });
    expect(tooMuch.resMessage).toBe('REVERT opcode executed');
    const toZero = mine(accepted(chain.broadcast(transfer(sender, '41' + '00'.repeat(20))))).execution;
    expect(toZero.receipt.result).toBe('REVERT');
    expect(chain.usdtBalance(sender.hex)).toBe(50_000_000n);
  });

  it('use the free 600 bytes of bandwidth first, then burn 1,000 sun per byte', () => {
    const first = mine(accepted(chain.broadcast(transfer()))).execution.receipt;
    expect(first.net_usage).toBeGreaterThan(300);
    expect(first.net_fee).toBe(0);
    const second = mine(accepted(chain.broadcast(transfer()))).execution.receipt;
    expect(second.net_usage).toBe(0);
    expect(second.net_fee).toBe(first.net_usage * 1_000);
  });

  it('are refused BANDWITH_ERROR when neither free bandwidth nor TRX can pay', () => {
    const poor = wallet(4);
    chain.fund(poor.hex, 0n, 10n);
    mine(accepted(chain.broadcast(transfer(poor, holder.hex, 1n))));
    const result = chain.broadcast(transfer(poor, holder.hex, 1n));
    expect(result).toMatchObject({ code: 'BANDWITH_ERROR' });
  });
});

describe('broadcast admission', () => {
  it('rejects a stale or foreign reference block with TAPOS_ERROR', () => {
    const tx = transfer();
    const forged = { ...tx, raw_data: { ...tx.raw_data, ref_block_hash: '00'.repeat(8) } };
    const resigned = utils.crypto.signTransaction(sender.privateKey, { ...forged, signature: undefined, txID: txidOf(forged) });
    expect(chain.broadcast(resigned as TxJson)).toMatchObject({ code: 'TAPOS_ERROR' });
  });

  it('rejects an unknown owner and a non-USDT contract with CONTRACT_VALIDATE_ERROR', () => {
    const stranger = wallet(5);
    expect(chain.broadcast(transfer(stranger))).toMatchObject({ code: 'CONTRACT_VALIDATE_ERROR' });
    const elsewhere = chain.buildTrigger({ owner_address: sender.hex, contract_address: holder.hex, data: 'a9059cbb' }, 1_000_000, false);
    const signed = utils.crypto.signTransaction(sender.privateKey, elsewhere) as TxJson;
    expect(chain.broadcast(signed)).toMatchObject({ code: 'CONTRACT_VALIDATE_ERROR' });
  });

  it('accepts upper-case and 0/1 recovery ids in signatures', () => {
    const tx = transfer();
    const signature = tx.signature![0];
    const v = parseInt(signature.slice(128), 16) - 27;
    const zeroOne = { ...tx, signature: [signature.slice(0, 128).toUpperCase() + v.toString(16).padStart(2, '0')] };
    expect('result' in chain.broadcast(zeroOne)).toBe(true);
  });
});

function txidOf(tx: TxJson): string {
  return utils.transaction.txPbToTxID(utils.transaction.txJsonToPb(tx)).replace(/^0x/, '');
}
