// Fault injection and the control API, driven over HTTP.
import { TronWeb } from 'tronweb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDevnet, type DevnetHandle } from '../../devnet/server.js';
import { fromHexText, request, USDT, wallet } from './support.js';

const hot = wallet(6);
const holder = wallet(7);

let devnet: DevnetHandle;
let tronWeb: TronWeb;

const control = (path: string, body?: unknown, method?: string) => request(devnet.url, path, body, method);
const advance = (seconds: number) => control('/devnet/time/advance', { seconds });

async function signedTransfer(amount = 1) {
  const { transaction } = await tronWeb.transactionBuilder.triggerSmartContract(
    USDT,
    'transfer(address,uint256)',
    { feeLimit: 100_000_000 },
    [
      { type: 'address', value: holder.base58 },
      { type: 'uint256', value: amount },
    ],
    hot.base58,
  );
  return tronWeb.trx.sign(transaction);
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  tronWeb = new TronWeb({ fullHost: devnet.url, privateKey: hot.privateKey });
});

afterAll(async () => {
  await devnet.close();
});

beforeEach(async () => {
  await control('/devnet/reset', {});
  await control('/devnet/fund', { address: hot.base58, sun: 10_000_000_000, usdt_units: 1_000_000_000 });
  await advance(3);
});

describe('faults', () => {
  it('broadcast_error answers with the queued code, count times, then broadcasts normally', async () => {
    await control('/devnet/faults', { kind: 'broadcast_error', code: 'SERVER_BUSY', count: 2 });
    const signed = await signedTransfer();
    for (let i = 0; i < 2; i++) {
      const res = await tronWeb.trx.sendRawTransaction(signed);
      expect(res).toMatchObject({ code: 'SERVER_BUSY', txid: signed.txID });
      expect(fromHexText(res.message as string)).toBe('server busy');
    }
    expect((await tronWeb.trx.sendRawTransaction(signed)).result).toBe(true);
    await advance(3);
    expect(await tronWeb.trx.getUnconfirmedTransactionInfo(signed.txID)).toHaveProperty('blockNumber');
  });

  it('accept_never_mine accepts the transaction but it never reaches a block', async () => {
    await control('/devnet/faults', { kind: 'accept_never_mine' });
    const signed = await signedTransfer();
    expect(await tronWeb.trx.sendRawTransaction(signed)).toMatchObject({ result: true, txid: signed.txID });
    await advance(120);
    expect(await tronWeb.trx.getUnconfirmedTransactionInfo(signed.txID)).toEqual({});
    expect(await tronWeb.trx.getTransactionInfo(signed.txID)).toEqual({});
    const { body: state } = await control('/devnet/state');
    expect(state.pending).toBe(0);
    expect(state.mined.SUCCESS).toBe(0);
    expect(state.faults).toEqual([]);
  });

  it('timeout hangs the matching request, then destroys the socket; later requests work', async () => {
    await control('/devnet/faults', { kind: 'timeout', path: 'getnowblock', ms: 150 });
    const started = Date.now();
    await expect(tronWeb.trx.getCurrentBlock()).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await tronWeb.trx.getCurrentBlock()).blockID).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accept_then_timeout keeps the transaction although the client never hears back', async () => {
    await control('/devnet/faults', { kind: 'accept_then_timeout', ms: 100 });
    const signed = await signedTransfer();
    await expect(tronWeb.trx.sendRawTransaction(signed)).rejects.toThrow();
    expect(await tronWeb.trx.sendRawTransaction(signed)).toMatchObject({ code: 'DUP_TRANSACTION_ERROR' });
    await advance(3);
    const info = await tronWeb.trx.getUnconfirmedTransactionInfo(signed.txID);
    expect(info.receipt?.result).toBe('SUCCESS');
  });

  it('DELETE /devnet/faults drops everything queued', async () => {
    await control('/devnet/faults', { kind: 'broadcast_error', code: 'SERVER_BUSY', count: 5 });
    expect((await control('/devnet/faults', undefined, 'DELETE')).body).toEqual({ cleared: 1 });
    expect((await tronWeb.trx.sendRawTransaction(await signedTransfer())).result).toBe(true);
  });
});

describe('control API', () => {
  it('advances time by whole blocks and reports head and solid numbers', async () => {
    const { body: before } = await control('/devnet/state');
    const { status, body } = await advance(300);
    expect(status).toBe(200);
    expect(body.head.number - before.head.number).toBeGreaterThanOrEqual(100);
    expect(body.solid.number).toBe(body.head.number - 19);
    expect(body.time_offset_ms).toBe(before.time_offset_ms + 300_000);
  });

  it('rejects bad input with 400 and unknown endpoints with 404', async () => {
    expect((await advance(0)).status).toBe(400);
    expect((await control('/devnet/time/advance', { seconds: '5' })).status).toBe(400);
    expect((await control('/devnet/fund', { address: 'nope', sun: 1 })).status).toBe(400);
    expect((await control('/devnet/fund', { address: hot.base58, sun: -1 })).status).toBe(400);
    expect((await control('/devnet/stake', { address: hot.base58, trx: 1.5 })).status).toBe(400);
    expect((await control('/devnet/faults', { kind: 'meteor' })).status).toBe(400);
    expect((await control('/devnet/faults', { kind: 'broadcast_error' })).status).toBe(400);
    expect((await control('/devnet/time/advance', '{oops')).status).toBe(400);
    expect((await control('/devnet/nothing')).status).toBe(404);
  });

  it('stakes, funds and lists accounts in /devnet/state', async () => {
    await control('/devnet/stake', { address: hot.base58, trx: 1_000 });
    await control('/devnet/fund', { address: hot.base58, sun: '5' });
    const { body } = await control('/devnet/state');
    const account = body.accounts.find((a: { address: string }) => a.address === hot.base58);
    expect(account).toMatchObject({
      account_exists: true,
      balance_sun: '10000000005',
      usdt_units: '1000000000',
      stake_trx: 1_000,
      energy_limit: 9_999,
      energy_available: 9_999,
    });
  });

  it('lists mined transfers with their outcome', async () => {
    const signed = await signedTransfer(7);
    await tronWeb.trx.sendRawTransaction(signed);
    await advance(3);
    const { body } = await control(`/devnet/transactions?address=${holder.base58}`);
    expect(body.transactions).toEqual([
      expect.objectContaining({ txid: signed.txID, from: hot.base58, to: holder.base58, amount: '7', result: 'SUCCESS' }),
    ]);
  });

  it('resets to an empty chain', async () => {
    await control('/devnet/faults', { kind: 'timeout' });
    const { body } = await control('/devnet/reset', {});
    expect(body.head.number).toBeLessThanOrEqual(1);
    const { body: state } = await control('/devnet/state');
    expect(state.accounts).toEqual([]);
    expect(state.faults).toEqual([]);
    expect(state.time_offset_ms).toBe(0);
  });
});
