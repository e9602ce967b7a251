// What the four energy-rental emulators share: credentials, the scriptable behaviour (price,
// delivery delay, fault mode), the order book and delivery by delegation on the devnet chain.
// Each provider module only translates this into its own wire format.
import { createHash } from 'node:crypto';
import { toBase58 } from '../address.js';
import type { Chain } from '../chain.js';

export const EMULATED_PROVIDERS = ['tronsave', 'feee', 'itrx', 'tronzap'] as const;
export type EmulatedProvider = (typeof EMULATED_PROVIDERS)[number];

/** Fixed devnet credentials; `apiKey` is TronZap's API token. */
export const DEVNET_PROVIDER_CREDENTIALS: Record<EmulatedProvider, { apiKey: string; apiSecret?: string }> = {
  tronsave: { apiKey: 'devnet-tronsave-key' },
  feee: { apiKey: 'devnet-feee-key' },
  itrx: { apiKey: 'devnet-itrx-key', apiSecret: 'devnet-itrx-secret' },
  tronzap: { apiKey: 'devnet-tronzap-key', apiSecret: 'devnet-tronzap-secret' },
};

/** 1-hour prices (sun per energy) the emulators start with, spread so that choosing has meaning. */
const DEFAULT_PRICES: Record<EmulatedProvider, number> = { tronsave: 35, feee: 40, itrx: 38, tronzap: 42 };
const DEFAULT_DELAY_SECONDS = 3;
const DEFAULT_HANG_MS = 30_000;

export const MODES = ['ok', 'fail_quote', 'fail_order', 'timeout_after_accept', 'partial', 'never_deliver'] as const;
export type Mode = (typeof MODES)[number];
const QUOTE_MODES: readonly Mode[] = ['fail_quote'];

export interface EmulatorConfig {
  priceSunPerEnergy: number;
  delaySeconds: number;
  mode: Mode;
  /** Requests the mode still applies to; null = until changed or reset. */
  remaining: number | null;
  /** How long a `timeout_after_accept` reply hangs before the socket is destroyed. */
  hangMs: number;
}

export interface EmulatedOrder {
  id: string;
  externalId: string | null;
  /** Hex address. */
  receiver: string;
  energy: number;
  /** Energy the delegation carries (less than `energy` in `partial` mode, 0 in `never_deliver`). */
  deliverEnergy: number;
  durationSec: number;
  unitPrice: number;
  costSun: number;
  createdAt: number;
  /** Block times (ms) the delegation starts and ends; null when the order is never delivered. */
  deliverAt: number | null;
  expiresAt: number | null;
  delegateTxId: string | null;
  /** Provider-specific request fields echoed in status replies (period, callback_url, …). */
  extra: Record<string, unknown>;
}

export type Phase = 'pending' | 'delivered' | 'expired';

export interface ProviderRequest {
  method: string;
  /** Path below `/providers/<name>`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** A reply, or (`hangMs`) a reply withheld until the socket is destroyed. */
export interface ProviderReply {
  status: number;
  body: unknown;
  hangMs?: number;
}

export const reply = (status: number, body: unknown): ProviderReply => ({ status, body });

export interface PlaceRequest {
  receiver: string;
  energy: number;
  durationSec: number;
  unitPrice: number;
  externalId: string | null;
  mode: Mode;
  /** The charge when the provider adds fees to `cost()`. */
  costSun?: number;
  extra?: Record<string, unknown>;
}

/** Parses a JSON object body; null when it is not one. */
export function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Sun as a TRX decimal string without trailing zeros ("2.6", "3"). */
export function sunToTrx(sun: number): string {
  const whole = Math.floor(sun / 1_000_000);
  const fraction = String(sun % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

export class ProviderEmulator {
  config!: EmulatorConfig;
  orders: EmulatedOrder[] = [];
  /** The address the emulator delegates from (it needs no devnet account). */
  readonly delegator: string;
  private sequence = 0;

  constructor(
    readonly name: EmulatedProvider,
    readonly chain: Chain,
    private readonly formatId: (sequence: number, createdAt: number) => string,
  ) {
    this.delegator = '41' + sha256Hex(`devnet-${name}-pool`).slice(0, 40);
    this.reset();
  }

  get credentials(): { apiKey: string; apiSecret?: string } {
    return DEVNET_PROVIDER_CREDENTIALS[this.name];
  }

  reset(): void {
    this.config = {
      priceSunPerEnergy: DEFAULT_PRICES[this.name],
      delaySeconds: DEFAULT_DELAY_SECONDS,
      mode: 'ok',
      remaining: null,
      hangMs: DEFAULT_HANG_MS,
    };
    this.orders = [];
  }

  /** Applies a control request; returns an error text for a bad one. */
  configure(body: Record<string, unknown>): string | null {
    const next = { ...this.config };
    const { price_sun_per_energy: price, delay_seconds: delay, mode, count, hang_ms: hang } = body;
    if (price !== undefined) {
      if (!Number.isSafeInteger(price) || (price as number) <= 0) return 'price_sun_per_energy must be a positive integer';
      next.priceSunPerEnergy = price as number;
    }
    if (delay !== undefined) {
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) return 'delay_seconds must be a non-negative number';
      next.delaySeconds = delay;
    }
    if (hang !== undefined) {
      if (typeof hang !== 'number' || !Number.isFinite(hang) || hang < 0) return 'hang_ms must be a non-negative number';
      next.hangMs = hang;
    }
    if (count !== undefined && mode === undefined) return 'count applies to a mode: give mode as well';
    if (mode !== undefined) {
      if (!MODES.includes(mode as Mode)) return `mode must be one of ${MODES.join(', ')}`;
      if (count !== undefined && (!Number.isSafeInteger(count) || (count as number) < 1)) return 'count must be a positive integer';
      next.mode = mode as Mode;
      next.remaining = mode === 'ok' ? null : ((count as number | undefined) ?? null);
    }
    this.config = next;
    return null;
  }

  /** The mode for one quote or order request, consuming one use when the mode is about that kind. */
  takeMode(kind: 'quote' | 'order'): Mode {
    const { mode } = this.config;
    if (mode === 'ok' || QUOTE_MODES.includes(mode) !== (kind === 'quote')) return 'ok';
    if (this.config.remaining !== null) {
      this.config.remaining -= 1;
      if (this.config.remaining === 0) this.config = { ...this.config, mode: 'ok', remaining: null };
    }
    return mode;
  }

  /** A unit price covers up to a day (as TronSave bills short rentals); longer rentals pay per day. */
  cost(unitPrice: number, energy: number, durationSec: number): number {
    return Math.ceil(unitPrice * energy * Math.max(1, durationSec / 86_400));
  }

  /** Records an order and schedules its delegation; null when the receiver has no account. */
  place(request: PlaceRequest): EmulatedOrder | null {
    const now = this.chain.now();
    if (!this.chain.account(request.receiver)) return null;
    const deliverEnergy = request.mode === 'never_deliver' ? 0 : request.mode === 'partial' ? Math.floor(request.energy / 2) : request.energy;
    const startsAt = now + Math.round(this.config.delaySeconds * 1000);
    const delegation =
      deliverEnergy > 0
        ? this.chain.delegateEnergy({
            from: this.delegator,
            to: request.receiver,
            energy: deliverEnergy,
            startsAt,
            expiresAt: startsAt + request.durationSec * 1000,
          })
        : null;
    this.sequence += 1;
    const order: EmulatedOrder = {
      id: this.formatId(this.sequence, now),
      externalId: request.externalId,
      receiver: request.receiver,
      energy: request.energy,
      deliverEnergy,
      durationSec: request.durationSec,
      unitPrice: request.unitPrice,
      costSun: request.costSun ?? this.cost(request.unitPrice, request.energy, request.durationSec),
      createdAt: now,
      deliverAt: delegation?.startTime ?? null,
      expiresAt: delegation?.expireTime ?? null,
      delegateTxId: delegation?.txid ?? null,
      extra: request.extra ?? {},
    };
    this.orders.push(order);
    return order;
  }

  find(id: string): EmulatedOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  /** The latest order carrying this external id. */
  findByExternalId(externalId: string): EmulatedOrder | undefined {
    return this.orders.findLast((o) => o.externalId === externalId);
  }

  /** Read at the head block, as the chain applies the delegation. */
  phase(order: EmulatedOrder): Phase {
    const head = this.chain.blocks.headTimestamp;
    if (order.deliverAt === null || head < order.deliverAt) return 'pending';
    return order.expiresAt !== null && head >= order.expiresAt ? 'expired' : 'delivered';
  }

  /** Energy delegated so far (it stays counted once the rental has expired). */
  delivered(order: EmulatedOrder): number {
    return this.phase(order) === 'pending' ? 0 : order.deliverEnergy;
  }

  /** The control API's view. */
  view() {
    const { priceSunPerEnergy, delaySeconds, mode, remaining, hangMs } = this.config;
    return {
      name: this.name,
      credentials: { api_key: this.credentials.apiKey, ...(this.credentials.apiSecret ? { api_secret: this.credentials.apiSecret } : {}) },
      delegator: toBase58(this.delegator),
      config: { price_sun_per_energy: priceSunPerEnergy, delay_seconds: delaySeconds, mode, remaining, hang_ms: hangMs },
      orders: this.orders.map((o) => {
        const phase = this.phase(o);
        const partial = phase !== 'pending' && o.deliverEnergy < o.energy;
        return {
          id: o.id,
          external_id: o.externalId,
          receiver: toBase58(o.receiver),
          energy: o.energy,
          delivered_energy: this.delivered(o),
          duration_sec: o.durationSec,
          cost_sun: String(o.costSun),
          state: partial && phase === 'delivered' ? 'partial' : phase,
          created_at: o.createdAt,
          deliver_at: o.deliverAt,
          expires_at: o.expiresAt,
          delegate_txid: o.delegateTxId,
        };
      }),
    };
  }
}
