// tronweb, unchanged, against the devnet over HTTP: the calls the service makes.
import { TronWeb, utils } from 'tronweb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type DevnetHandle } from '../../devnet/server.js';
import { fromHexText, request, transferParameter, USDT, wallet } from './support.js';

const hot = wallet(6);
const holder = wallet(7);
const fresh = wallet(8);
const stranger = wallet(9);

let devnet: DevnetHandle;
let tronWeb: TronWeb;

const control = (path: string, body?: unknown) => request(devnet.url, path, body);
const advance = (seconds: number) => control('/devnet/time/advance', { seconds });

function transferArgs(to: string, amount: number) {
  return [
    { type: 'address', value: to },
    { type: 'uint256', value: amount },
  ];
}

async function buildTransfer(to: string, amount: number, feeLimit = 100_000_000) {
  const built = await tronWeb.transactionBuilder.triggerSmartContract(USDT, 'transfer(address,uint256)', { feeLimit }, transferArgs(to, amount), hot.base58);
  return built.transaction;
}

async function usdtOf(address: string): Promise<bigint> {
  const contract = await tronWeb.contract().at(USDT);
  return BigInt(String(await contract.balanceOf(address).call()));
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  tronWeb = new TronWeb({ fullHost: devnet.url, privateKey: hot.privateKey });
  await control('/devnet/reset', {});
  await control('/devnet/fund', { address: hot.base58, sun: 10_000_000_000, usdt_units: '1000000000' });
  await control('/devnet/fund', { address: holder.base58, usdt_units: 1 });
  // 5,000 TRX -> 49,999 energy: less than one transfer, so part of it is always burned.
  await control('/devnet/stake', { address: hot.base58, trx: 5_000 });
  await advance(6);
});

afterAll(async () => {
  await devnet.close();
});

describe('reads', () => {
  it('serves the head block with its number inside the block id', async () => {
    const { body: state } = await control('/devnet/state');
    const block = await tronWeb.trx.getCurrentBlock();
    const { number, timestamp } = block.block_header.raw_data;
    expect(number).toBeGreaterThanOrEqual(state.head.number);
    expect(block.blockID.slice(0, 16)).toBe(number.toString(16).padStart(16, '0'));
    expect(timestamp).toBe(state.genesis_timestamp + number * 3_000);
    expect((await tronWeb.trx.getBlockByNumber(number)).blockID).toBe(block.blockID);
    expect((await tronWeb.trx.getBlockByHash(block.blockID)).block_header.raw_data.number).toBe(number);
  });

  it('reports account resources with zero fields omitted, and {} for unknown accounts', async () => {
    const resources = await tronWeb.trx.getAccountResources(hot.base58);
    expect(resources).toMatchObject({
      freeNetLimit: 600,
      EnergyLimit: 49_999,
      TotalEnergyLimit: 180_000_000_000,
      TotalEnergyWeight: 18_000_005_000,
    });
    expect('EnergyUsed' in resources).toBe(false);
    expect(await tronWeb.trx.getAccountResources(stranger.base58)).toEqual({});
    expect(await tronWeb.trx.getAccount(stranger.base58)).toEqual({});
  });

  it('publishes getEnergyFee and getTransactionFee', async () => {
    const parameters = await tronWeb.trx.getChainParameters();
    const value = (key: string) => parameters.find((p) => p.key === key)?.value;
    expect(value('getEnergyFee')).toBe(100);
    expect(value('getTransactionFee')).toBe(1_000);
  });

  it('reports the dynamic energy factor of USDT', async () => {
    const info = await tronWeb.trx.getContractInfo(USDT);
    expect(info.contract_state.energy_factor).toBe(34_000);
  });

  it('estimates ~64k energy to a holder and ~130k to a new recipient', async () => {
    const estimate = (to: string) =>
      tronWeb.transactionBuilder.triggerConstantContract(USDT, 'transfer(address,uint256)', {}, transferArgs(to, 1), hot.base58);
    const toHolder = await estimate(holder.base58);
    const toFresh = await estimate(fresh.base58);
    expect(toHolder.result.result).toBe(true);
    expect(toHolder).toMatchObject({ energy_used: 64_376, energy_penalty: 64_376 - 14_631 });
    expect(toFresh).toMatchObject({ energy_used: 130_376, energy_penalty: 130_376 - 29_631 });
  });

  it('answers GET queries and visible=true like java-tron', async () => {
    const { body } = await control(`/wallet/getaccount?address=${hot.base58}&visible=true`);
    expect(body.address).toBe(hot.base58);
    expect(body.frozenV2).toContainEqual({ type: 'ENERGY', amount: 5_000_000_000 });
  });

  it('answers malformed JSON with a java-style Error envelope and HTTP 200', async () => {
    const res = await request(devnet.url, '/wallet/getaccount', '{"address": ');
    expect(res.status).toBe(200);
    expect(res.body.Error).toMatch(/^class com\.alibaba\.fastjson\.JSONException : /);
  });
});

describe('a USDT transfer', () => {
  it('is built, signed, broadcast, mined, solidified and paid from stake first', async () => {
    const before = await usdtOf(holder.base58);
    const tx = await buildTransfer(holder.base58, 2_000_000);
    const signed = await tronWeb.trx.sign(tx);
    const sent = await tronWeb.trx.sendRawTransaction(signed);
    expect(sent).toMatchObject({ result: true, txid: signed.txID });

    await advance(3);
    expect(await tronWeb.trx.getUnconfirmedTransactionInfo(signed.txID)).toHaveProperty('receipt');
    expect(await tronWeb.trx.getTransactionInfo(signed.txID)).toEqual({});

    await advance(60);
    const info = await tronWeb.trx.getTransactionInfo(signed.txID);
    expect(info.receipt).toMatchObject({
      result: 'SUCCESS',
      energy_usage: 49_999,
      energy_fee: (64_376 - 49_999) * 100,
      energy_usage_total: 64_376,
      energy_penalty_total: 64_376 - 14_631,
    });
    expect(info.receipt.net_usage).toBeGreaterThan(0);
    expect(info.fee).toBe(info.receipt.energy_fee);
    expect(info).not.toHaveProperty('result');
    expect(await usdtOf(holder.base58)).toBe(before + 2_000_000n);

    const account = await tronWeb.trx.getAccount(hot.base58);
    expect(account.account_resource.latest_consume_time_for_energy).toBe(info.blockTimeStamp);
    const { EnergyUsed } = await tronWeb.trx.getAccountResources(hot.base58);
    expect(EnergyUsed).toBeLessThan(49_999);
    expect(EnergyUsed).toBeGreaterThan(49_900);
    expect((await tronWeb.trx.getTransaction(signed.txID)).ret).toEqual([{ contractRet: 'SUCCESS' }]);
  });

  it('dies OUT_OF_ENERGY under a too-low fee_limit and moves no USDT', async () => {
    const before = await usdtOf(fresh.base58);
    const signed = await tronWeb.trx.sign(await buildTransfer(fresh.base58, 1_000_000, 3_000_000));
    expect((await tronWeb.trx.sendRawTransaction(signed)).result).toBe(true);
    await advance(60);
    const info = await tronWeb.trx.getTransactionInfo(signed.txID);
    expect(info.result).toBe('FAILED');
    expect(info.receipt).toMatchObject({ result: 'OUT_OF_ENERGY', energy_usage_total: 30_000 });
    expect(fromHexText(info.resMessage)).toMatch(/^Not enough energy/);
    expect(await usdtOf(fresh.base58)).toBe(before);
  });

  it('round-trips visible=true (base58) transactions built by the node', async () => {
    const { body: built } = await control('/wallet/triggersmartcontract', {
      owner_address: hot.base58,
      contract_address: USDT,
      function_selector: 'transfer(address,uint256)',
      parameter: transferParameter(holder.hex, 5n),
      fee_limit: 100_000_000,
      visible: true,
    });
    const tx = built.transaction;
    expect(tx.raw_data.contract[0].parameter.value.owner_address).toBe(hot.base58);
    expect(utils.transaction.txCheck(tx)).toBe(true);
    const sent = await control('/wallet/broadcasttransaction', utils.crypto.signTransaction(hot.privateKey, tx));
    expect(sent.body).toEqual({ result: true, txid: tx.txID });
    await advance(3);
    const { body: mined } = await control('/wallet/gettransactionbyid', { value: tx.txID, visible: true });
    expect(mined.raw_data.contract[0].parameter.value.contract_address).toBe(USDT);
    expect(mined.raw_data_hex).toBe(tx.raw_data_hex);
  });

  it('costs about twice as much energy to a new recipient as to a holder', async () => {
    const toFresh = await tronWeb.trx.sign(await buildTransfer(fresh.base58, 1));
    const toHolder = await tronWeb.trx.sign(await buildTransfer(holder.base58, 1));
    await tronWeb.trx.sendRawTransaction(toFresh);
    await tronWeb.trx.sendRawTransaction(toHolder);
    await advance(60);
    expect((await tronWeb.trx.getTransactionInfo(toFresh.txID)).receipt.energy_usage_total).toBe(130_376);
    expect((await tronWeb.trx.getTransactionInfo(toHolder.txID)).receipt.energy_usage_total).toBe(64_376);
  });
});

describe('broadcast errors', () => {
  it('SIGERROR when another key signed', async () => {
    const tx = await buildTransfer(holder.base58, 1);
    const forged = utils.crypto.signTransaction(stranger.privateKey, tx);
    const res = await tronWeb.trx.sendRawTransaction(forged);
    expect(res).toMatchObject({ code: 'SIGERROR', txid: tx.txID });
    expect(fromHexText(res.message as string)).toContain(stranger.base58);
  });

  it('DUP_TRANSACTION_ERROR for the same transaction twice, pending or mined', async () => {
    const signed = await tronWeb.trx.sign(await buildTransfer(holder.base58, 1));
    expect((await tronWeb.trx.sendRawTransaction(signed)).result).toBe(true);
    expect(await tronWeb.trx.sendRawTransaction(signed)).toMatchObject({ code: 'DUP_TRANSACTION_ERROR' });
    await advance(3);
    expect(await tronWeb.trx.sendRawTransaction(signed)).toMatchObject({ code: 'DUP_TRANSACTION_ERROR' });
  });

  it('TRANSACTION_EXPIRATION_ERROR once 61 seconds have passed', async () => {
    const signed = await tronWeb.trx.sign(await buildTransfer(holder.base58, 1));
    await advance(61);
    const res = await tronWeb.trx.sendRawTransaction(signed);
    expect(res).toMatchObject({ code: 'TRANSACTION_EXPIRATION_ERROR' });
    expect(fromHexText(res.message as string)).toBe('Transaction expired');
  });
});
