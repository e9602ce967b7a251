// Feee.io's open API v2 (feee.io/doc/en-US/api/order/*): header `key` plus a User-Agent, envelope
// {code, msg, request_id, data}, amounts in TRX as JSON numbers, order statuses from the
// BuyOrderDetail structure page. The docs publish no error codes: the emulator answers 401 for
// a bad key, 403 without a User-Agent and code 1 for business refusals (its own choices).
import { randomUUID } from 'node:crypto';
import { toBase58, toHexAddress } from '../address.js';
import { jsonObject, reply, sunToTrx, type EmulatedOrder, type ProviderEmulator, type ProviderReply, type ProviderRequest } from './core.js';

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60 };

export const feeeOrderNo = (sequence: number, createdAt: number): string =>
  `${Math.floor(createdAt / 1000)}${String(sequence).padStart(12, '0')}`;

function envelope(status: number, code: number, msg: string, data?: unknown): ProviderReply {
  return reply(status, { code, msg, request_id: randomUUID(), ...(data === undefined ? {} : { data }) });
}

const refuse = (msg: string) => envelope(200, 1, msg);

/**
 * The rental length: `rent_time_second` when valid (over 600 and a multiple of 3), else
 * `rent_duration` in `rent_time_unit` (d: 1–30, h: 1 or 3, m: 10). Null when neither is valid.
 */
function durationOf(params: Record<string, unknown>): number | null {
  const seconds = Number(params.rent_time_second ?? 0);
  if (Number.isSafeInteger(seconds) && seconds > 600 && seconds % 3 === 0) return seconds;
  const amount = Number(params.rent_duration);
  const unit = String(params.rent_time_unit ?? '');
  const valid = (unit === 'd' && amount >= 1 && amount <= 30) || (unit === 'h' && (amount === 1 || amount === 3)) || (unit === 'm' && amount === 10);
  return Number.isSafeInteger(amount) && valid ? amount * UNIT_SECONDS[unit] : null;
}

/** Order status and business status as the structure page numbers them. */
function statusOf(emu: ProviderEmulator, order: EmulatedOrder): { status: number; business: number } {
  const phase = emu.phase(order);
  if (phase === 'pending') return { status: 4, business: 1 };
  if (phase === 'expired') return { status: 9, business: 3 };
  return order.deliverEnergy < order.energy ? { status: 15, business: 2 } : { status: 6, business: 2 };
}

function orderJson(emu: ProviderEmulator, order: EmulatedOrder) {
  const delivered = emu.delivered(order);
  const { status, business } = statusOf(emu, order);
  const seconds = (ms: number | null) => (ms === null ? 0 : Math.floor(ms / 1000));
  return {
    order_no: order.id,
    order_type: 0,
    resource_type: 1,
    receive_address: toBase58(order.receiver),
    price_in_sun: order.unitPrice,
    freeze_time: delivered > 0 ? seconds(order.deliverAt) : 0,
    create_time: seconds(order.createdAt),
    resource_value: order.energy,
    frozen_resource_value: delivered,
    rent_duration: order.extra.rent_duration,
    rent_time_unit: order.extra.rent_time_unit,
    rent_time_second: order.durationSec,
    rent_expire_time: delivered > 0 ? seconds(order.expiresAt) : 0,
    frozen_tx_id: delivered > 0 ? order.delegateTxId : '',
    pay_time: seconds(order.createdAt),
    pay_amount: Number(sunToTrx(order.costSun)),
    refund_amount: 0,
    refund_time: 0,
    is_split: 0,
    status,
    business_status: business,
  };
}

function price(emu: ProviderEmulator, query: URLSearchParams): ProviderReply {
  const params = Object.fromEntries(query);
  const energy = Number(params.resource_value);
  const durationSec = durationOf(params);
  if (!Number.isSafeInteger(energy) || energy <= 0 || durationSec === null) return refuse('invalid parameters');
  if (emu.takeMode('quote') === 'fail_quote') return refuse('insufficient energy resources');
  const unitPrice = emu.config.priceSunPerEnergy;
  return envelope(200, 0, 'ok', {
    resource_value: energy,
    pay_amount: Number(sunToTrx(emu.cost(unitPrice, energy, durationSec))),
    service_amount: 0,
    rent_duration: Number(params.rent_duration ?? 0),
    rent_time_unit: params.rent_time_unit ?? '',
    rent_time_second: durationSec,
    price_in_sun: unitPrice,
  });
}

function submit(emu: ProviderEmulator, text: string): ProviderReply {
  const body = jsonObject(text);
  if (!body) return refuse('invalid request body');
  const receiver = toHexAddress(body.receive_address);
  const energy = body.resource_value;
  const durationSec = durationOf(body);
  if (body.resource_type !== undefined && body.resource_type !== 1) return refuse('only energy is supported');
  if (!receiver || !Number.isSafeInteger(energy) || (energy as number) <= 0 || durationSec === null) return refuse('invalid parameters');
  const mode = emu.takeMode('order');
  if (mode === 'fail_order') return refuse('insufficient energy resources');
  const order = emu.place({
    receiver,
    energy: energy as number,
    durationSec,
    unitPrice: emu.config.priceSunPerEnergy,
    externalId: null,
    mode,
    extra: { rent_duration: body.rent_duration ?? 0, rent_time_unit: body.rent_time_unit ?? '' },
  });
  if (!order) return refuse('receive address is not activated');
  const accepted = envelope(200, 0, 'success', orderJson(emu, order));
  return mode === 'timeout_after_accept' ? { ...accepted, hangMs: emu.config.hangMs } : accepted;
}

export function handleFeee(emu: ProviderEmulator, req: ProviderRequest): ProviderReply {
  if (!req.headers['user-agent']) return envelope(403, 403, 'Forbidden');
  if (req.headers.key !== emu.credentials.apiKey) return envelope(401, 401, 'invalid key');
  const route = `${req.method} ${req.path}`;
  if (route === 'GET /open/v2/order/price') return price(emu, req.query);
  if (route === 'POST /open/v2/order/submit') return submit(emu, req.body);
  if (route === 'GET /open/v2/order/query') {
    const order = emu.find(req.query.get('order_no') ?? '');
    return order ? envelope(200, 0, 'ok', orderJson(emu, order)) : refuse('order not found');
  }
  return envelope(404, 404, 'not found');
}
