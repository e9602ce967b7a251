import type { Env } from "../env";
import type { FallbackConfig } from "../domain/config";
import { rentalChargeSun } from "../domain/external";
import type { PoolRow } from "../db/pools";
import type { Transition, WithdrawalRow } from "../db/withdrawals";
import { ProviderError, type OrderStatus } from "../providers/provider";
import { providerFor } from "../rentals/providers";
import { RENTAL_DURATION_SEC } from "../rentals/quotes";
import type { TronClient } from "../tron/client";
import { errorText, log } from "../log";
import type { Origin, PoolStore, Wallet } from "./pool-store";

// The EnergyPool's rentals of external energy: ordering from one provider after another, waiting
// for delivery (the provider's word and the chain's), then handing the withdrawal to the pool's
// sender. Everything here runs inside the pool's object, through the few pool operations below.

// How long a provider has to show the energy on chain before the next one is tried (pool time).
export const DELIVERY_DEADLINE_MS = 180_000;

/** A provider to try, as check-options priced it; the first one's charge is the accepted quote. */
export interface RentalCandidate {
  provider: "tronsave" | "feee" | "itrx" | "tronzap";
  base_url: string;
  markup: number;
  cost_sun: number;
  charge_sun: number;
}

export interface RentalHost {
  readonly env: Env;
  readonly store: PoolStore;
  readonly tron: TronClient;
  pool(): { row: PoolRow; config: FallbackConfig };
  /** Pool (chain) time. */
  now(): number;
  move(withdrawalId: string, t: Transition): Promise<WithdrawalRow | null>;
  send(spec: { withdrawalId: string; toAddress: string; amount: number; energy: number }, wallet: Wallet, origin: Origin): Promise<string>;
  dropStart(withdrawalId: string): void;
}

export class PoolRentals {
  readonly #host: RentalHost;

  constructor(host: RentalHost) {
    this.#host = host;
  }

  /**
   * Places the rental with the next provider on the list. The purchase order row is written first
   * and its id is the provider's external id: after a lost reply the order is looked up, not
   * placed again. With nobody left, the user's charge is refunded.
   */
  async orderNext(withdrawalId: string): Promise<void> {
    for (;;) {
      const rental = this.#host.store.rental(withdrawalId);
      if (!rental) return;
      const [candidate, ...rest] = JSON.parse(rental.candidates) as RentalCandidate[];
      if (!candidate) return this.#abandon(withdrawalId, "providers_exhausted");
      const poId = crypto.randomUUID();
      const now = this.#host.now();
      await this.#host.env.DB.prepare(
        `INSERT INTO purchase_orders (id, withdrawal_id, pool_id, provider, attempt, energy, duration_sec, receiver, quoted_cost_sun, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?)`,
      )
        .bind(poId, withdrawalId, this.#host.pool().row.id, candidate.provider, rental.attempt + 1, rental.energy, RENTAL_DURATION_SEC, this.#host.pool().row.rental_wallet_address, candidate.cost_sun, Date.now(), Date.now())
        .run();
      this.#host.store.updateRental(withdrawalId, { purchase_order_id: poId, provider: candidate.provider, current: JSON.stringify(candidate), attempt: rental.attempt + 1, candidates: JSON.stringify(rest), state: "ordering" });

      const provider = providerFor(this.#host.env, { name: candidate.provider, base_url: candidate.base_url });
      const placedAt = Date.now();
      const request = { energy: rental.energy, receiver: this.#host.pool().row.rental_wallet_address!, durationSec: RENTAL_DURATION_SEC, externalId: poId, maxCostSun: candidate.cost_sun };
      let placed: { providerOrderId: string | null; costSun: number | null } | null = null;
      let error = "";
      try {
        placed = await provider.order(request, AbortSignal.timeout(10_000));
      } catch (e) {
        error = errorText(e);
        // A reply lost after the provider may have taken the order: find it rather than buy twice.
        if (!(e instanceof ProviderError) || e.retryable) {
          const ref = { providerOrderId: null, externalId: poId, placed: { receiver: request.receiver, energy: request.energy, durationSec: request.durationSec, at: placedAt } };
          const found = await provider.status(ref, AbortSignal.timeout(10_000)).catch((lookup: unknown) => lookup);
          if (found instanceof ProviderError && found.code === "lookup_unsupported") {
            // This provider cannot be asked by our id: the order may exist. Waiting for its energy
            // on chain until the deadline costs a little time; ordering elsewhere could pay twice.
            placed = { providerOrderId: null, costSun: null };
          } else if (found && !(found instanceof Error)) {
            placed = { providerOrderId: (found as OrderStatus).providerOrderId, costSun: (found as OrderStatus).costSun };
          }
        }
      }
      if (!placed) {
        await this.purchaseOrder(poId, { status: "failed", error });
        log("rental_order_failed", { withdrawal_id: withdrawalId, provider: candidate.provider, error });
        continue;
      }
      await this.purchaseOrder(poId, { status: "ordered", provider_order_id: placed.providerOrderId, cost_sun: placed.costSun, ordered_at: now });
      this.#host.store.updateRental(withdrawalId, { state: "waiting", provider_order_id: placed.providerOrderId, deadline: now + DELIVERY_DEADLINE_MS, ordered_at: now });
      log("rental_ordered", { withdrawal_id: withdrawalId, provider: candidate.provider, purchase_order_id: poId, cost_sun: placed.costSun, reply_lost: !!error });
      return;
    }
  }

  /** Each tick: rentals waiting for delivery are checked with the provider and on chain. */
  async follow(): Promise<void> {
    for (const r of this.#host.store.rentalsIn("ordering")) {
      // An order interrupted before its reply was recorded: the status lookup below settles it.
      if (r.purchase_order_id) this.#host.store.updateRental(r.withdrawal_id, { state: "waiting" });
      else await this.orderNext(r.withdrawal_id);
    }
    for (const r of this.#host.store.rentalsIn("waiting")) {
      const now = this.#host.now();
      const candidate = JSON.parse(r.current!) as RentalCandidate;
      // A waiting rental without the provider's order id is one whose reply was lost by a provider
      // that cannot be asked by our id (see #orderNext).
      const status =
        r.provider_order_id === null
          ? null
          : await providerFor(this.#host.env, { name: candidate.provider, base_url: candidate.base_url })
              .status({ providerOrderId: r.provider_order_id, externalId: r.purchase_order_id! }, AbortSignal.timeout(10_000))
              .catch((e) => {
                log("rental_status_failed", { withdrawal_id: r.withdrawal_id, provider: r.provider, error: errorText(e) });
                return undefined;
              });
      // Without the provider's word (its reply was lost and it cannot be asked), the chain decides.
      const providerSays = status === null ? true : !!status && (status.state === "delivered" || (status.state === "partial" && status.deliveredEnergy >= r.energy));
      if (providerSays && (await this.#energyArrived(r.energy))) {
        await this.purchaseOrder(r.purchase_order_id!, {
          status: "delivered",
          delivered_at: now,
          delivered_energy: status?.deliveredEnergy || r.energy,
          ...(status?.costSun != null ? { cost_sun: status.costSun } : {}),
        });
        // The provider's actual price plus its markup, never more than the quote the user accepted.
        const cost = status?.costSun ?? null;
        this.#host.store.updateRental(r.withdrawal_id, { state: "sending", charged_sun: cost === null ? r.charge_cap_sun : Math.min(r.charge_cap_sun, rentalChargeSun(cost, candidate.markup)) });
        log("rental_delivered", { withdrawal_id: r.withdrawal_id, provider: r.provider, delivery_ms: now - (r.ordered_at ?? now) });
        await this.#host.send({ withdrawalId: r.withdrawal_id, toAddress: r.to_address, amount: r.amount, energy: r.energy }, "rental", "direct");
        continue;
      }
      if (status?.state === "failed" || now > r.deadline) {
        const error = status?.state === "failed" ? status.error ?? "provider_failed" : status?.state === "partial" ? "partially_delivered" : "delivery_timeout";
        await this.purchaseOrder(r.purchase_order_id!, { status: "failed", error });
        log("rental_failed_over", { withdrawal_id: r.withdrawal_id, provider: r.provider, error });
        await this.orderNext(r.withdrawal_id);
      }
    }
  }

  /** Delivery is believed only when the chain shows it: the rental wallet has the energy free. */
  async #energyArrived(energy: number): Promise<boolean> {
    const a = await this.#host.tron.accountEnergy(this.#host.pool().row.rental_wallet_address!);
    return a.limit - a.used - this.#host.store.rentalEnergyInFlight() >= energy;
  }

  /** Every provider failed: refund the charge and hand the withdrawal back with fresh options. */
  async #abandon(withdrawalId: string, reason: string): Promise<void> {
    await this.#host.move(withdrawalId, {
      from: ["processing"],
      to: "pending",
      holds: { action: "release", purpose: "fee" },
      set: { fee_sun: 0 },
      notify: { kind: "returned_to_pending", data: { reason } },
    });
    this.#host.dropStart(withdrawalId);
    log("rental_abandoned", { withdrawal_id: withdrawalId, reason });
  }

  async purchaseOrder(id: string, set: Record<string, string | number | null>): Promise<void> {
    const entries = Object.entries(set);
    await this.#host.env.DB.prepare(`UPDATE purchase_orders SET ${entries.map(([k]) => `${k} = ?`).join(", ")}, updated_at = ? WHERE id = ?`)
      .bind(...entries.map(([, v]) => v), Date.now(), id)
      .run();
  }
}
