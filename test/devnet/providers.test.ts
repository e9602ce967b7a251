// The provider adapters (src/providers, fetch + WebCrypto only) against the devnet's emulators of
// the four providers: wire format and auth, ordering with an external id, delivery by delegation
// on the devnet chain, expiry, and the scripted faults.
import { utils } from 'tronweb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Chain } from '../../devnet/chain.js';
import type { TxJson } from '../../devnet/tx.js';
import { DEVNET_PROVIDER_CREDENTIALS } from '../../devnet/providers/index.js';
import { createProvider, PROVIDER_SECRETS, providerSettingsFromEnv } from '../../src/providers/index.js';
import { itrxJson, itrxSignature } from '../../src/providers/itrx.js';
import { ProviderError, type EnergyProvider, type ProviderName } from '../../src/providers/provider.js';
import { exactJson, trxToSun } from '../../src/providers/wire.js';
import { startDevnet, type DevnetHandle } from '../../devnet/server.js';
import { request, transferParameter, wallet } from './support.js';

const receiver = wallet(5);
const ENERGY = 65_000;
const HOUR = 3_600;
const PRICES: Record<ProviderName, number> = { tronsave: 35, feee: 40, itrx: 38, tronzap: 42 };
const NAMES = Object.keys(PRICES) as ProviderName[];
/** The emulators' 3 s delay, plus up to a block until the delegation is in one. */
const DELIVERY = 6;

let devnet: DevnetHandle;

const control = (path: string, body?: unknown) => request(devnet.url, path, body);
const advance = (seconds: number) => control('/devnet/time/advance', { seconds });
const configure = (name: ProviderName, body: Record<string, unknown>) => control(`/devnet/providers/${name}`, body);

/** The devnet credentials under the Worker secret names, as a Worker's env would hold them. */
function env(overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of NAMES) {
    const names = PROVIDER_SECRETS[name];
    values[names.apiKey] = DEVNET_PROVIDER_CREDENTIALS[name].apiKey;
    if (names.apiSecret) values[names.apiSecret] = DEVNET_PROVIDER_CREDENTIALS[name].apiSecret as string;
  }
  return { ...values, ...overrides };
}

function adapter(name: ProviderName, overrides: Record<string, string> = {}): EnergyProvider {
  return createProvider(providerSettingsFromEnv(name, `${devnet.url}/providers/${name}`, env(overrides)), { timeoutMs: 5_000 });
}

async function energyLimit(address = receiver.base58): Promise<number> {
  const { body } = await control('/wallet/getaccountresource', { address, visible: true });
  return body.EnergyLimit ?? 0;
}

const order = (name: ProviderName, externalId: string) =>
  adapter(name).order({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR, externalId, maxCostSun: 10_000_000 });

/** TronSave has no external id: a lookup without its order id describes what was placed. */
const placed = (at: number) => ({ receiver: receiver.base58, energy: ENERGY, durationSec: HOUR, at });

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
});

afterAll(async () => {
  await devnet.close();
});

beforeEach(async () => {
  await control('/devnet/reset', {});
  // Providers only delegate to an activated (existing) account.
  await control('/devnet/fund', { address: receiver.base58, sun: 1_000_000 });
});

describe.each(NAMES)('%s adapter against its emulator', (name) => {
  it('quotes the configured price for an hour', async () => {
    const quote = await adapter(name).quote({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR });
    expect(quote).toEqual({ provider: name, energy: ENERGY, durationSec: HOUR, costSun: PRICES[name] * ENERGY });
  });

  it('orders, delivers by delegation after the delay, and the energy expires after the rental', async () => {
    const before = await energyLimit();
    const at = Date.now();
    const placedOrder = await order(name, `po-${name}-1`);
    expect(placedOrder.costSun).toBe(PRICES[name] * ENERGY);

    const pending = await adapter(name).status({ providerOrderId: placedOrder.providerOrderId, externalId: `po-${name}-1` });
    expect(pending).toMatchObject({ providerOrderId: placedOrder.providerOrderId, state: 'pending', deliveredEnergy: 0 });
    expect(await energyLimit()).toBe(before);

    await advance(DELIVERY);
    const delivered = await adapter(name).status({ providerOrderId: placedOrder.providerOrderId, externalId: `po-${name}-1` });
    expect(delivered).toMatchObject({ state: 'delivered', deliveredEnergy: ENERGY, costSun: PRICES[name] * ENERGY });
    expect(delivered?.delegateTxIds).toHaveLength(1);
    expect(await energyLimit()).toBe(before + ENERGY);

    const { body: emulator } = await control(`/devnet/providers/${name}`);
    const delegation = await control('/wallet/getdelegatedresourcev2', { fromAddress: emulator.delegator, toAddress: receiver.base58, visible: true });
    expect(delegation.body.delegatedResource).toEqual([
      expect.objectContaining({ from: emulator.delegator, to: receiver.base58, expire_time_for_energy: emulator.orders[0].expires_at }),
    ]);

    // The same order is found again by our external id (TronSave: by what was placed; Feee: not at all).
    if (name === 'feee') {
      expect((await rejection(adapter(name).status({ providerOrderId: null, externalId: `po-${name}-1` }))).code).toBe('lookup_unsupported');
    } else {
      const again = await adapter(name).status({ providerOrderId: null, externalId: `po-${name}-1`, placed: placed(at) });
      expect(again?.providerOrderId).toBe(placedOrder.providerOrderId);
    }

    await advance(HOUR);
    expect(await energyLimit()).toBe(before);
    expect((await control('/wallet/getdelegatedresourcev2', { fromAddress: emulator.delegator, toAddress: receiver.base58 })).body).toEqual({});
  });

  it('answers an unknown order with null', async () => {
    const status = await adapter(name).status({ providerOrderId: name === 'tronsave' ? '6818426a65fa8ea36d119d2c' : 'no-such-order', externalId: 'none' });
    expect(status).toBeNull();
  });

  it('refuses wrong credentials with a non-retryable error', async () => {
    const { apiKey } = PROVIDER_SECRETS[name];
    const error = await rejection(adapter(name, { [apiKey]: 'wrong-key' }).quote({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR }));
    expect(error.retryable).toBe(false);
  });

  it('fail_order: the refusal is an error and no order is left behind', async () => {
    await configure(name, { mode: 'fail_order', count: 1 });
    const error = await rejection(order(name, `po-${name}-fail`));
    expect(error.retryable).toBe(false);
    expect((await control(`/devnet/providers/${name}`)).body.orders).toEqual([]);
    // count 1: the next order goes through.
    await expect(order(name, `po-${name}-next`)).resolves.toHaveProperty('providerOrderId');
  });

  it('fail_quote: the quote is refused', async () => {
    await configure(name, { mode: 'fail_quote' });
    const error = await rejection(adapter(name).quote({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR }));
    expect(error.retryable).toBe(false);
  });

  it('timeout_after_accept: a retryable error, yet the order exists and is found', async () => {
    await configure(name, { mode: 'timeout_after_accept', count: 1, hang_ms: 200 });
    const at = Date.now();
    const error = await rejection(order(name, `po-${name}-lost`));
    expect(error.retryable).toBe(true);
    const { body: emulator } = await control(`/devnet/providers/${name}`);
    expect(emulator.orders).toHaveLength(1);
    if (name === 'feee') {
      // Feee.io documents no external id: the lost order cannot be found through its API.
      expect((await rejection(adapter(name).status({ providerOrderId: null, externalId: `po-${name}-lost` }))).code).toBe('lookup_unsupported');
      return;
    }
    const found = await adapter(name).status({ providerOrderId: null, externalId: `po-${name}-lost`, placed: placed(at) });
    expect(found).toMatchObject({ providerOrderId: emulator.orders[0].id, state: 'pending' });
    await advance(DELIVERY);
    expect(await energyLimit()).toBe(ENERGY);
  });

  it('partial: less energy arrives on chain than was ordered', async () => {
    await configure(name, { mode: 'partial' });
    const placedOrder = await order(name, `po-${name}-part`);
    await advance(DELIVERY);
    const status = await adapter(name).status({ providerOrderId: placedOrder.providerOrderId, externalId: `po-${name}-part` });
    expect(await energyLimit()).toBe(Math.floor(ENERGY / 2));
    if (name === 'tronzap') {
      // TronZap has no partial state: the shortfall shows only on chain.
      expect(status).toMatchObject({ state: 'delivered', deliveredEnergy: ENERGY });
    } else {
      expect(status?.state).toBe('partial');
      expect(status?.deliveredEnergy).toBe(Math.floor(ENERGY / 2));
    }
  });

  it('never_deliver: the order stays pending and nothing reaches the chain', async () => {
    await configure(name, { mode: 'never_deliver' });
    const placedOrder = await order(name, `po-${name}-never`);
    await advance(60);
    const status = await adapter(name).status({ providerOrderId: placedOrder.providerOrderId, externalId: `po-${name}-never` });
    expect(status).toMatchObject({ state: 'pending', deliveredEnergy: 0 });
    expect(await energyLimit()).toBe(0);
  });
});

describe('provider-specific behaviour', () => {
  it('tronsave: an identical order still filling is refused rather than bought twice', async () => {
    await configure('tronsave', { mode: 'never_deliver' });
    await order('tronsave', 'po-dup-1');
    const error = await rejection(order('tronsave', 'po-dup-2'));
    expect(error).toMatchObject({ code: 'must_be_wait_previous_order_filled', retryable: true });
  });

  it('tronsave: the cap on the unit price is enforced by the provider', async () => {
    const error = await rejection(
      adapter('tronsave').order({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR, externalId: 'po-cap', maxCostSun: 34 * ENERGY }),
    );
    expect(error).toMatchObject({ code: 'price_exceed_max_price_required', retryable: false });
  });

  it.each(['feee', 'itrx', 'tronzap'] as const)('%s: an order above the accepted cost is not placed', async (name) => {
    const error = await rejection(
      adapter(name).order({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR, externalId: 'po-cap', maxCostSun: PRICES[name] * ENERGY - 1 }),
    );
    expect(error).toMatchObject({ code: 'price_exceeded', retryable: false });
    expect((await control(`/devnet/providers/${name}`)).body.orders).toEqual([]);
  });

  it.each(['itrx', 'tronzap'] as const)('%s: a wrong secret fails the signature check', async (name) => {
    const secret = PROVIDER_SECRETS[name].apiSecret as string;
    const error = await rejection(
      adapter(name, { [secret]: 'wrong-secret' }).order({ energy: ENERGY, receiver: receiver.base58, durationSec: HOUR, externalId: 'po-sig', maxCostSun: 10_000_000 }),
    );
    expect(error).toMatchObject({ code: 'unauthorized', retryable: false });
  });

  it('an order to an account that does not exist is refused', async () => {
    const nowhere = wallet(8).base58;
    for (const name of NAMES) {
      const error = await rejection(adapter(name).order({ energy: ENERGY, receiver: nowhere, durationSec: HOUR, externalId: 'po-x', maxCostSun: 10_000_000 }));
      expect(error.retryable).toBe(false);
    }
  });

  it('durations a provider does not sell are refused before any request', async () => {
    for (const name of ['itrx', 'tronzap'] as const) {
      const error = await rejection(adapter(name).quote({ energy: ENERGY, receiver: receiver.base58, durationSec: 7_200 }));
      expect(error.code).toBe('unsupported_duration');
    }
  });

  it('missing secrets: the adapter is not built', () => {
    expect(() => createProvider(providerSettingsFromEnv('itrx', 'http://x', { PROVIDER_ITRX_API_KEY: 'k' }))).toThrow(/PROVIDER_ITRX_API_SECRET/);
  });
});

describe('control API', () => {
  it('reports config and orders, counts mode uses, and resets', async () => {
    await configure('itrx', { price_sun_per_energy: 50, delay_seconds: 1, mode: 'partial', count: 1 });
    await order('itrx', 'po-ctl');
    const { body } = await control('/devnet/providers/itrx');
    expect(body.config).toEqual({ price_sun_per_energy: 50, delay_seconds: 1, mode: 'ok', remaining: null, hang_ms: 30_000 });
    expect(body.credentials).toEqual({ api_key: 'devnet-itrx-key', api_secret: 'devnet-itrx-secret' });
    expect(body.orders).toEqual([expect.objectContaining({ external_id: 'po-ctl', energy: ENERGY, cost_sun: String(50 * ENERGY), state: 'pending' })]);
    await advance(4);
    expect((await control('/devnet/providers/itrx')).body.orders[0]).toMatchObject({ state: 'partial', delivered_energy: Math.floor(ENERGY / 2) });

    await control('/devnet/reset', {});
    const reset = (await control('/devnet/providers/itrx')).body;
    expect(reset.config).toMatchObject({ price_sun_per_energy: 38, delay_seconds: 3, mode: 'ok' });
    expect(reset.orders).toEqual([]);
  });

  it('rejects bad settings', async () => {
    expect((await configure('feee', { mode: 'sometimes' })).status).toBe(400);
    expect((await configure('feee', { count: 2 })).status).toBe(400);
    expect((await configure('feee', { price_sun_per_energy: -1 })).status).toBe(400);
    expect((await control('/devnet/providers/nobody')).status).toBe(404);
  });
});

describe('delegated energy on the chain model', () => {
  it('pays a transfer of the receiver, then expires', () => {
    let clock = 1_700_000_001_234;
    const chain = new Chain(() => clock);
    const usdt = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
    chain.fund(receiver.hex, 1_000_000_000n, 1_000_000n);
    chain.fund(wallet(2).hex, undefined, 1n);
    const start = chain.now();
    chain.delegateEnergy({ from: '41' + '11'.repeat(20), to: receiver.hex, energy: 70_000, startsAt: start, expiresAt: start + HOUR * 1000 });
    // In force from the next block, as a DelegateResource transaction would be.
    expect(chain.summary(receiver.hex)).toMatchObject({ energy_limit: 0 });
    clock += 3_000;
    expect(chain.summary(receiver.hex)).toMatchObject({ energy_limit: 70_000, delegated_energy: 70_000 });

    const value = { owner_address: receiver.hex, contract_address: usdt, data: 'a9059cbb' + transferParameter(wallet(2).hex, 1n) };
    const signed = utils.crypto.signTransaction(receiver.privateKey, chain.buildTrigger(value, 100_000_000, false)) as TxJson;
    const sent = chain.broadcast(signed);
    clock += 3_000;
    const mined = chain.minedTx('txid' in sent ? sent.txid : '');
    expect(mined?.execution.receipt).toMatchObject({ result: 'SUCCESS', energy_usage: 64_376, energy_fee: 0 });

    clock += HOUR * 1000;
    expect(chain.summary(receiver.hex)).toMatchObject({ energy_limit: 0, delegated_energy: 0 });
  });
});

describe('wire details', () => {
  it('itrx signature: the documented example gives the documented hex', async () => {
    // develop.itrx.io "How to sign": the sorted string of step 1 (whose signed form says period
    // "1D") with timestamp 1686796826 and the example API secret.
    const body = itrxJson({
      receive_address: 'TExWKszFWYTKZH8LYiovAPKzS3L9MLZ4kw',
      period: '1D',
      out_trade_no: '123456',
      energy_amount: 32000,
      callback_url: 'http://{mydomain}/callback',
    });
    expect(body).toBe(
      '{"callback_url":"http://{mydomain}/callback","energy_amount":32000,"out_trade_no":"123456","period":"1D","receive_address":"TExWKszFWYTKZH8LYiovAPKzS3L9MLZ4kw"}',
    );
    const signature = await itrxSignature('0285A2741D0E76E2E187260EB23E51851D48403A756333E7D0CF845406ABF3E8', '1686796826', body);
    expect(signature).toBe('07c125cabfe006614a02131f927cca9e7a654f7644a817b155fad591e1c50f7b');
  });

  it('itrx JSON escapes non-ASCII like Python', () => {
    expect(itrxJson({ b: 'é', a: [{ d: 1, c: '订' }] })).toBe('{"a":[{"c":"\\u8ba2","d":1}],"b":"\\u00e9"}');
  });

  it('TRX decimals become sun exactly', () => {
    const parsed = exactJson('{"a":8.43276,"b":24,"c":"0.1","d":0.0000001,"e":1e-7}') as Record<string, unknown>;
    expect(trxToSun(parsed.a)).toBe(8_432_760);
    expect(trxToSun(parsed.b)).toBe(24_000_000);
    expect(trxToSun(parsed.c)).toBe(100_000);
    expect(trxToSun(parsed.d)).toBe(1);
    expect(trxToSun(parsed.e)).toBeNull();
    expect(trxToSun('-1')).toBeNull();
  });
});
