// TronZap's API (docs.tronzap.com and the tron-energy-market SDKs): every call a POST with
// `Authorization: Bearer <token>` and `X-Signature` = hex sha256(exact body + secret); replies
// {code: 0, result} or {code, error, key, request_id} with the SDKs' error codes. Amounts are TRX
// decimals. Statuses new → pending → success | failed; the API has no partial state.
import { randomUUID } from 'node:crypto';
import { toBase58, toHexAddress } from '../address.js';
import { jsonObject, reply, sha256Hex, sunToTrx, type EmulatedOrder, type ProviderEmulator, type ProviderReply, type ProviderRequest } from './core.js';

const DURATION_HOURS = [1, 24];
const MINIMUM_ENERGY = 32_000;

export const tronzapId = (sequence: number, createdAt: number): string => sha256Hex(`tronzap:${sequence}:${createdAt}`).slice(0, 26);

function failure(code: number, error: string, key: string, status = 200): ProviderReply {
  return reply(status, { code, error, key, request_id: randomUUID() });
}

const ok = (result: unknown) => reply(200, { code: 0, result });
const invalidParams = () => failure(2, 'Invalid service or parameters', 'invalid_service_or_params');
const unavailable = () => failure(35, 'Service not available', 'service_not_available');

/** The energy amount under any of its names: `amounts.energy` (current SDKs), `amount`, `energy_amount` / `energy` (deprecated). */
function energyOf(params: Record<string, unknown>): number {
  const amounts = params.amounts !== null && typeof params.amounts === 'object' ? (params.amounts as Record<string, unknown>) : {};
  return Number(amounts.energy ?? params.amount ?? params.energy_amount ?? params.energy);
}

function checkAmounts(energy: number, duration: unknown): ProviderReply | null {
  if (!Number.isSafeInteger(energy) || energy < MINIMUM_ENERGY) return failure(11, 'Invalid energy amount', 'invalid_energy_amount');
  if (!DURATION_HOURS.includes(duration as number)) return failure(12, 'Invalid duration', 'invalid_duration');
  return null;
}

/**
 * A delivered order reads `success` whatever reached the chain: in `partial` mode the delegation
 * carries less energy than sold (a provider that sized its TRX delegation on a stale ratio), which
 * only the receiver's on-chain EnergyLimit reveals.
 */
function transactionJson(emu: ProviderEmulator, order: EmulatedOrder) {
  const delivered = emu.phase(order) !== 'pending';
  return {
    id: order.id,
    external_id: order.externalId,
    service: 'energy',
    params: {
      address: toBase58(order.receiver),
      amounts: { energy: order.energy },
      duration: order.durationSec / 3600,
      activate_address: order.extra.activate_address === true,
    },
    status: delivered ? 'success' : 'pending',
    amount: Number(sunToTrx(order.costSun)),
    created_at: new Date(order.createdAt).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    hash: delivered ? order.delegateTxId : null,
  };
}

function calculate(emu: ProviderEmulator, body: Record<string, unknown>): ProviderReply {
  const address = toHexAddress(body.address);
  if (!address) return failure(10, 'Invalid TRON address', 'invalid_tron_address');
  const energy = energyOf(body);
  const invalid = checkAmounts(energy, body.duration);
  if (invalid) return invalid;
  if (emu.takeMode('quote') === 'fail_quote') return unavailable();
  const price = sunToTrx(emu.cost(emu.config.priceSunPerEnergy, energy, (body.duration as number) * 3600));
  return ok({ address: toBase58(address), type: 'energy', amount: energy, energy, duration: body.duration, price, activation_fee: 0, total: price });
}

function create(emu: ProviderEmulator, body: Record<string, unknown>): ProviderReply {
  if (body.service !== 'energy' || body.params === null || typeof body.params !== 'object') return invalidParams();
  const params = body.params as Record<string, unknown>;
  const receiver = toHexAddress(params.address);
  if (!receiver) return failure(10, 'Invalid TRON address', 'invalid_tron_address');
  const energy = energyOf(params);
  const invalid = checkAmounts(energy, params.duration);
  if (invalid) return invalid;
  if (body.external_id !== undefined && typeof body.external_id !== 'string') return invalidParams();
  const mode = emu.takeMode('order');
  if (mode === 'fail_order') return unavailable();
  const order = emu.place({
    receiver,
    energy,
    durationSec: (params.duration as number) * 3600,
    unitPrice: emu.config.priceSunPerEnergy,
    externalId: (body.external_id as string | undefined) ?? null,
    mode,
    extra: { activate_address: params.activate_address === true },
  });
  if (!order) return failure(24, 'Address not activated', 'address_not_activated');
  const accepted = ok(transactionJson(emu, order));
  return mode === 'timeout_after_accept' ? { ...accepted, hangMs: emu.config.hangMs } : accepted;
}

function check(emu: ProviderEmulator, body: Record<string, unknown>): ProviderReply {
  const { id, external_id: externalId } = body;
  if (typeof id !== 'string' && typeof externalId !== 'string') return invalidParams();
  const order = typeof id === 'string' ? emu.find(id) : emu.findByExternalId(externalId as string);
  return order ? ok(transactionJson(emu, order)) : failure(20, 'Transaction not found', 'transaction_not_found');
}

export function handleTronzap(emu: ProviderEmulator, req: ProviderRequest): ProviderReply {
  if (req.method !== 'POST') return reply(405, { code: 2, error: 'Method not allowed' });
  const { authorization, 'x-signature': signature } = req.headers;
  const secret = emu.credentials.apiSecret ?? '';
  // The HTTP status of an authentication failure is not documented; the code (1) is.
  if (authorization !== `Bearer ${emu.credentials.apiKey}` || signature?.toLowerCase() !== sha256Hex(req.body + secret)) {
    return failure(1, 'Authentication error', 'auth_error', 401);
  }
  const body = jsonObject(req.body);
  if (!body) return invalidParams();
  if (req.path === '/v1/calculate') return calculate(emu, body);
  if (req.path === '/v1/transaction/new') return create(emu, body);
  if (req.path === '/v1/transaction/check') return check(emu, body);
  return reply(404, { code: 2, error: 'Not found' });
}
