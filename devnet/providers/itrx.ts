// itrx.io's frontend API (develop.itrx.io, mirrored in tronenergy-global/tron-energy-doc): header
// API-KEY everywhere; POSTs also TIMESTAMP and SIGNATURE = hex HMAC-SHA256(secret,
// "{timestamp}&{body as compact JSON with sorted keys}"). Errors: HTTP 400 with per-field lists or
// {"detail"}, HTTP 200 with errno 1 and a message, 403 for a wrong key (api-summary page).
import { createHmac } from 'node:crypto';
import { toBase58, toHexAddress } from '../address.js';
import { jsonObject, reply, sha256Hex, type EmulatedOrder, type ProviderEmulator, type ProviderReply, type ProviderRequest } from './core.js';

const PERIOD_SECONDS: Record<string, number> = { '1H': 3_600, '1D': 86_400, '3D': 259_200, '30D': 2_592_000 };
/** The query reply numbers periods 0 (1 hour), 1, 3 and 30 (days). */
const PERIOD_NUMBER: Record<string, number> = { '1H': 0, '1D': 1, '3D': 3, '30D': 30 };
const MINIMUM_ENERGY = 10_000;
const SMALL_ORDER_ENERGY = 50_000;
const SMALL_ORDER_ADDITION_SUN = 600_000;
const BALANCE_SUN = 813_900_029_257;

export const itrxSerial = (sequence: number, createdAt: number): string => sha256Hex(`itrx:${sequence}:${createdAt}`).slice(0, 32);

const refuse = (message: string) => reply(200, { errno: 1, message });
const forbidden = (detail: string) => reply(403, { detail });

/** Sorted keys at every depth, no spaces, non-ASCII escaped: Python's json.dumps(sort_keys=True, separators=(',', ':')). */
export function signedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(sort(value)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fieldErrors(energy: unknown, period: unknown): ProviderReply | null {
  const errors: Record<string, string[]> = {};
  if (!Number.isSafeInteger(Number(energy))) errors.energy_amount = ['A valid integer is required.'];
  else if (Number(energy) < MINIMUM_ENERGY) errors.energy_amount = [`Please make sure the value is greater than or equal to ${MINIMUM_ENERGY}.`];
  if (typeof period !== 'string' || !(period in PERIOD_SECONDS)) errors.period = [`'${String(period)}' is not a legal option.`];
  return Object.keys(errors).length > 0 ? reply(400, errors) : null;
}

function total(emu: ProviderEmulator, energy: number, period: string): { price: number; addition: number; total: number } {
  const price = emu.config.priceSunPerEnergy;
  const addition = energy < SMALL_ORDER_ENERGY ? SMALL_ORDER_ADDITION_SUN : 0;
  return { price, addition, total: emu.cost(price, energy, PERIOD_SECONDS[period]) + addition };
}

function orderJson(emu: ProviderEmulator, order: EmulatedOrder) {
  const phase = emu.phase(order);
  const delivered = emu.delivered(order);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const status = phase === 'pending' ? 30 : phase === 'delivered' && order.deliverEnergy < order.energy ? 31 : 40;
  return {
    errno: 0,
    receive_address: toBase58(order.receiver),
    order_no: order.id,
    energy_amount: order.energy,
    pay_amount: delivered,
    amount: order.costSun,
    details:
      delivered > 0
        ? [
            {
              delegate_hash: order.delegateTxId,
              delegate_time: iso(order.deliverAt),
              reclaim_hash: phase === 'expired' ? sha256Hex(`reclaim:${order.delegateTxId}`) : null,
              reclaim_time: iso(order.expiresAt),
              reclaim_time_real: phase === 'expired' ? iso(order.expiresAt) : null,
              status: phase === 'expired' ? 30 : 20,
            },
          ]
        : [],
    create_time: iso(order.createdAt),
    api_name: 'devnet',
    period: PERIOD_NUMBER[order.extra.period as string],
    status,
    refund_amount: 0,
  };
}

function verify(emu: ProviderEmulator, req: ProviderRequest, body: Record<string, unknown>): ProviderReply | null {
  const { timestamp, signature } = req.headers;
  if (!timestamp || !signature) return forbidden('TIMESTAMP and SIGNATURE headers are required');
  const expected = createHmac('sha256', emu.credentials.apiSecret ?? '').update(`${timestamp}&${signedJson(body)}`).digest('hex');
  return signature.toLowerCase() === expected ? null : forbidden('Signature verification failed');
}

function order(emu: ProviderEmulator, req: ProviderRequest): ProviderReply {
  const body = jsonObject(req.body);
  if (!body) return reply(400, { detail: 'JSON parse error' });
  const failed = verify(emu, req, body);
  if (failed) return failed;
  const invalid = fieldErrors(body.energy_amount, body.period);
  if (invalid) return invalid;
  const receiver = toHexAddress(body.receive_address);
  if (!receiver) return reply(400, { receive_address: ['Invalid TRON address.'] });
  const mode = emu.takeMode('order');
  if (mode === 'fail_order') return refuse('Insufficient platform energy');
  const energy = Number(body.energy_amount);
  const period = body.period as string;
  const placed = emu.place({
    receiver,
    energy,
    durationSec: PERIOD_SECONDS[period],
    unitPrice: emu.config.priceSunPerEnergy,
    externalId: typeof body.out_trade_no === 'string' ? body.out_trade_no : null,
    mode,
    costSun: total(emu, energy, period).total,
    extra: { period },
  });
  if (!placed) return refuse('The address needs to be activated');
  const accepted = reply(200, { errno: 0, serial: placed.id, amount: placed.costSun, balance: BALANCE_SUN - placed.costSun });
  return mode === 'timeout_after_accept' ? { ...accepted, hangMs: emu.config.hangMs } : accepted;
}

export function handleItrx(emu: ProviderEmulator, req: ProviderRequest): ProviderReply {
  const keyOk = req.headers['api-key'] === emu.credentials.apiKey;
  const route = `${req.method} ${req.path}`;
  if (route === 'GET /api/v1/frontend/index-data') {
    // Documented: "returns empty data when the APIKEY is incorrect".
    if (!keyOk) return reply(200, {});
    const price = emu.config.priceSunPerEnergy;
    return reply(200, {
      platform_avail_energy: 50_000_000,
      platform_max_energy: 10_000_000,
      minimum_order_energy: 32_000,
      maximum_order_energy: 100_000_000,
      small_amount: SMALL_ORDER_ENERGY,
      small_addition: SMALL_ORDER_ADDITION_SUN / 1_000_000,
      usdt_energy_need_old: 65_000,
      usdt_energy_need_new: 131_000,
      tiered_pricing: [0, 1, 3, 30].map((period) => ({ period, price })),
      balance: BALANCE_SUN,
    });
  }
  if (!keyOk) return forbidden('API not found');
  if (route === 'GET /api/v1/frontend/order/price') {
    const energy = req.query.get('energy_amount');
    const period = req.query.get('period');
    const invalid = fieldErrors(energy, period);
    if (invalid) return invalid;
    if (emu.takeMode('quote') === 'fail_quote') return refuse('Insufficient platform energy');
    const { price, addition, total: totalPrice } = total(emu, Number(energy), period as string);
    return reply(200, { period, energy_amount: Number(energy), price, total_price: totalPrice, addition });
  }
  if (route === 'POST /api/v1/frontend/order') return order(emu, req);
  if (route === 'GET /api/v1/frontend/order/query') {
    const serial = req.query.get('serial');
    const outTradeNo = req.query.get('out_trade_no');
    const found = serial ? emu.find(serial) : outTradeNo ? emu.findByExternalId(outTradeNo) : undefined;
    return found ? reply(200, orderJson(emu, found)) : reply(200, { errno: 404, message: 'Order not found' });
  }
  return reply(404, { detail: 'Not found.' });
}
