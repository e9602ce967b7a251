// Endpoints that steer the devnet itself (time, balances, stakes, faults, provider emulators), for tests and demos.
import { toHexAddress } from './address.js';
import type { Chain } from './chain.js';
import type { FaultQueue } from './faults.js';
import type { HookSink } from './hooks.js';
import { EMULATED_PROVIDERS, type ProviderEmulators } from './providers/index.js';

export interface ControlResponse {
  status: number;
  body: unknown;
}

export interface ControlContext {
  chain: Chain;
  faults: FaultQueue;
  hooks: HookSink;
  providers: ProviderEmulators;
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

class BadRequest extends Error {}

function address(body: Record<string, unknown>): string {
  const hex = toHexAddress(body.address);
  if (!hex) throw new BadRequest('address must be a base58 or 41-prefixed hex TRON address');
  return hex;
}

/** A non-negative integer given as a JSON integer or a string of digits. */
function units(value: unknown, name: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  throw new BadRequest(`${name} must be a non-negative integer (number or digit string)`);
}

function optionalUnits(value: unknown, name: string): bigint | undefined {
  return value === undefined ? undefined : units(value, name);
}

function headOf(chain: Chain) {
  const log = chain.blocks;
  return {
    head: { number: log.head, timestamp: log.headTimestamp },
    solid: { number: log.solid, timestamp: log.timestampOf(log.solid) },
    time_offset_ms: chain.offset,
    now: chain.now(),
  };
}

const routes: Record<string, (ctx: ControlContext) => unknown> = {
  'POST /devnet/time/advance': ({ chain, body }) => {
    const { seconds } = body;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new BadRequest('seconds must be a positive number');
    }
    chain.advance(seconds);
    return headOf(chain);
  },
  'POST /devnet/stake': ({ chain, body }) => chain.stake(address(body), units(body.trx, 'trx')),
  'POST /devnet/fund': ({ chain, body }) => {
    const sun = optionalUnits(body.sun, 'sun');
    const usdt = optionalUnits(body.usdt_units, 'usdt_units');
    if (sun === undefined && usdt === undefined) throw new BadRequest('give sun and/or usdt_units');
    return chain.fund(address(body), sun, usdt);
  },
  'POST /devnet/faults': ({ faults, body }) => {
    const fault = faults.add(body);
    if (typeof fault === 'string') throw new BadRequest(fault);
    return { queued: fault, faults: faults.list() };
  },
  'GET /devnet/faults': ({ faults }) => ({ faults: faults.list() }),
  'DELETE /devnet/faults': ({ faults }) => {
    const cleared = faults.list().length;
    faults.clear();
    return { cleared };
  },
  'POST /devnet/reset': ({ chain, faults, hooks, providers }) => {
    chain.reset();
    faults.clear();
    hooks.reset();
    providers.reset();
    return { genesis_timestamp: chain.blocks.genesisTimestamp, ...headOf(chain) };
  },
  'GET /devnet/hooks': ({ hooks }) => ({ received: hooks.received }),
  'POST /devnet/hooks/fail': ({ hooks, body }) => {
    const count = units(body.count, 'count');
    hooks.failNext(Number(count));
    return { failing_next: Number(count) };
  },
  'GET /devnet/state': ({ chain, faults }) => ({ ...chain.state(), faults: faults.list() }),
  'GET /devnet/transactions': ({ chain, query }) => {
    const filter = query.get('address');
    if (filter === null) return { transactions: chain.transfers() };
    const hex = toHexAddress(filter);
    if (!hex) throw new BadRequest('address must be a TRON address');
    return { transactions: chain.transfers(hex) };
  },
};

for (const name of EMULATED_PROVIDERS) {
  routes[`GET /devnet/providers/${name}`] = ({ providers }) => providers.get(name)?.view();
  routes[`POST /devnet/providers/${name}`] = ({ providers, body }) => {
    const emulator = providers.get(name);
    const error = emulator?.configure(body);
    if (error) throw new BadRequest(error);
    return emulator?.view();
  };
}

/** Null when the path is not a control endpoint. */
export function control(ctx: ControlContext): ControlResponse | null {
  const route = routes[`${ctx.method} ${ctx.path.replace(/\/$/, '')}`];
  if (!route) return null;
  try {
    return { status: 200, body: route(ctx) };
  } catch (error) {
    if (error instanceof BadRequest) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
