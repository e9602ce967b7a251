// TronSave's v2 API-key endpoints (docs.tronsave.io, developers/api-reference/buy-resources/api-key):
// envelope {error, message, data}, application errors as "TSAS:<n> <CODE>" in `message`, schema
// errors in Fastify's shape. Order ids look like MongoDB ObjectIds (creation second in the first
// 8 hex digits), as the documented examples do.
import { toBase58, toHexAddress } from '../address.js';
import { jsonObject, reply, sha256Hex, type ProviderEmulator, type ProviderReply, type ProviderRequest, type EmulatedOrder } from './core.js';

const DEFAULT_DURATION_SEC = 259_200;
const SPEEDS = ['SLOW', 'MEDIUM', 'FAST'];

export const tronsaveOrderId = (sequence: number, createdAt: number): string =>
  Math.floor(createdAt / 1000).toString(16).padStart(8, '0') + sequence.toString(16).padStart(16, '0');

const failure = (status: number, code: string): ProviderReply => reply(status, { error: true, message: code, data: null });
const validation = (message: string): ProviderReply =>
  reply(400, { statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message });

/** The documented codes carry no published numbers; the emulator numbers them itself. */
const business = (code: string): ProviderReply => failure(400, `TSAS:400 ${code}`);

interface BuyBody {
  resourceAmount: number;
  receiver: string | null;
  durationSec: number;
  unitPrice: unknown;
  options: Record<string, unknown>;
}

function parseBody(text: string, needsReceiver: boolean): BuyBody | ProviderReply {
  const body = jsonObject(text);
  if (!body) return reply(400, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', error: 'Bad Request', message: 'Body is not valid JSON' });
  if (body.resourceAmount === undefined) return validation("body must have required property 'resourceAmount'");
  if (!Number.isSafeInteger(body.resourceAmount) || (body.resourceAmount as number) <= 0) return validation('body/resourceAmount must be integer');
  if (needsReceiver && body.receiver === undefined) return validation("body must have required property 'receiver'");
  const receiver = body.receiver === undefined ? null : toHexAddress(body.receiver);
  if (body.receiver !== undefined && !receiver) return business('INVALID_PARAMS');
  const durationSec = body.durationSec ?? DEFAULT_DURATION_SEC;
  if (!Number.isSafeInteger(durationSec) || (durationSec as number) <= 0) return validation('body/durationSec must be integer');
  if (body.resourceType !== undefined && body.resourceType !== 'ENERGY') return business('INVALID_PARAMS');
  const unitPrice = body.unitPrice ?? 'MEDIUM';
  if (!SPEEDS.includes(unitPrice as string) && !(typeof unitPrice === 'number' && unitPrice > 0)) return business('MIN_PRICE_INVALID');
  const options = body.options !== null && typeof body.options === 'object' ? (body.options as Record<string, unknown>) : {};
  return { resourceAmount: body.resourceAmount as number, receiver, durationSec: durationSec as number, unitPrice, options };
}

/** A speed resolves to the configured market price; a number below it is raised to it. */
function resolvePrice(emu: ProviderEmulator, unitPrice: unknown): number {
  const market = emu.config.priceSunPerEnergy;
  return typeof unitPrice === 'number' ? Math.max(Math.ceil(unitPrice), market) : market;
}

function orderJson(emu: ProviderEmulator, order: EmulatedOrder) {
  const delivered = emu.delivered(order);
  return {
    id: order.id,
    requester: toBase58('41' + sha256Hex('devnet-tronsave-requester').slice(0, 40)),
    receiver: toBase58(order.receiver),
    resourceAmount: order.energy,
    resourceType: 'ENERGY',
    remainAmount: order.energy - delivered,
    price: order.unitPrice,
    durationSec: order.durationSec,
    orderType: 'NORMAL',
    allowPartialFill: order.extra.allowPartialFill === true,
    payoutAmount: order.costSun,
    fulfilledPercent: Math.floor((delivered * 100) / order.energy),
    delegates: delivered > 0 ? [{ delegator: toBase58(emu.delegator), amount: delivered, txid: order.delegateTxId }] : [],
  };
}

function estimate(emu: ProviderEmulator, text: string): ProviderReply {
  const body = parseBody(text, false);
  if ('status' in body) return body;
  const mode = emu.takeMode('quote');
  const unitPrice = resolvePrice(emu, body.unitPrice);
  return reply(200, {
    error: false,
    message: 'Success',
    data: {
      unitPrice,
      durationSec: body.durationSec,
      estimateTrx: emu.cost(unitPrice, body.resourceAmount, body.durationSec),
      // A market that cannot fill anything: the documented way an estimate says no.
      availableResource: mode === 'fail_quote' ? 0 : body.resourceAmount,
    },
  });
}

function buy(emu: ProviderEmulator, text: string): ProviderReply {
  const body = parseBody(text, true);
  if ('status' in body) return body;
  const receiver = body.receiver as string;
  const unitPrice = resolvePrice(emu, body.unitPrice);
  const { maxPriceAccepted, preventDuplicateIncompleteOrders, allowPartialFill } = body.options;
  if (typeof maxPriceAccepted === 'number' && unitPrice > maxPriceAccepted) return business('PRICE_EXCEED_MAX_PRICE_REQUIRED');
  if (preventDuplicateIncompleteOrders === true) {
    const incomplete = emu.orders.some(
      (o) =>
        o.receiver === receiver &&
        o.energy === body.resourceAmount &&
        o.durationSec === body.durationSec &&
        emu.phase(o) !== 'expired' &&
        emu.delivered(o) < o.energy,
    );
    if (incomplete) return business('MUST_BE_WAIT_PREVIOUS_ORDER_FILLED');
  }
  const mode = emu.takeMode('order');
  if (mode === 'fail_order') return business('CANNOT_FULFILLED');
  const order = emu.place({
    receiver,
    energy: body.resourceAmount,
    durationSec: body.durationSec,
    unitPrice,
    externalId: null,
    mode,
    extra: { allowPartialFill },
  });
  if (!order) return business('INVALID_PARAMS');
  const accepted = reply(201, { error: false, message: 'Success', data: { orderId: order.id } });
  return mode === 'timeout_after_accept' ? { ...accepted, hangMs: emu.config.hangMs } : accepted;
}

function history(emu: ProviderEmulator, query: URLSearchParams): ProviderReply {
  const page = Number(query.get('page') ?? 0);
  const pageSize = Number(query.get('pageSize') ?? 10);
  if (!Number.isSafeInteger(page) || page < 0 || !Number.isSafeInteger(pageSize) || pageSize < 1) {
    return validation('querystring/page must be integer');
  }
  const newest = [...emu.orders].reverse();
  const data = newest.slice(page * pageSize, (page + 1) * pageSize).map((o) => ({
    ...orderJson(emu, o),
    status: emu.phase(o) === 'pending' ? 'Active' : 'Completed',
  }));
  return reply(200, { error: false, message: 'Success', data: { data, total: newest.length } });
}

export function handleTronsave(emu: ProviderEmulator, req: ProviderRequest): ProviderReply {
  const key = req.headers.apikey;
  if (!key) return failure(401, 'TSAS:106 API_KEY_REQUIRED');
  if (key !== emu.credentials.apiKey) return failure(401, 'TSAS:107 INVALID_API_KEY');
  const route = `${req.method} ${req.path}`;
  if (route === 'POST /v2/order-book/estimate-buy-resource') return estimate(emu, req.body);
  if (route === 'POST /v2/buy-resource') return buy(emu, req.body);
  if (route === 'GET /v2/orders') return history(emu, req.query);
  const detail = /^\/v2\/order\/([^/]+)$/.exec(req.path);
  if (req.method === 'GET' && detail) {
    const order = emu.find(detail[1]);
    // The docs do not show the reply for an unknown id; the emulator answers 404 in the envelope.
    return order ? reply(200, { error: false, message: 'Success', data: orderJson(emu, order) }) : failure(404, 'TSAS:404 ORDER_NOT_FOUND');
  }
  return reply(404, { message: `Route ${req.method}:${req.path} not found`, error: 'Not Found', statusCode: 404 });
}
