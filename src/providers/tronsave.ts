// TronSave, v2 API-key endpoints (docs.tronsave.io → developers/api-reference/buy-resources/api-key):
// header `apikey`; replies {error, message, data}; application errors carry "TSAS:<n> <CODE>" in
// `message`, schema errors Fastify's {statusCode, code, message}. Orders are paid from the
// account's prefunded internal balance.
//
// TronSave takes no client order id. Against a lost reply: orders are placed with
// `preventDuplicateIncompleteOrders`, so a retry while the first order is still being filled is
// refused (MUST_BE_WAIT_PREVIOUS_ORDER_FILLED) instead of buying twice; and status() without an
// order id finds the order among the account's newest orders (GET /v2/orders) by receiver, amount,
// duration and creation time, given `ref.placed`.
import {
  type EnergyProvider,
  type OrderRef,
  type OrderRequest,
  type OrderStatus,
  type PlacedOrder,
  type ProviderQuote,
  type ProviderSettings,
  type QuoteRequest,
} from "./provider";
import { integerOf, isObject, Wire, type AdapterOptions, type WireReply } from "./wire";

const DAY_SEC = 86_400;
const HISTORY_PAGE_SIZE = 20;
const HISTORY_MAX_PAGES = 5;
/** Tolerated difference between our clock and TronSave's when matching creation times. */
const CLOCK_SKEW_SEC = 60;

/** Refusals that mean "the same request, later": rate limiting, and an identical order (maybe our lost one) still filling. */
const RETRYABLE_CODES = new Set(["MUST_BE_WAIT_PREVIOUS_ORDER_FILLED", "RATE_LIMIT"]);

/**
 * Creation time of an order (s): the list's `createdAt` when present, else the first 4 bytes of
 * the id. The documented ids are MongoDB ObjectIds, whose first 4 bytes are the creation second;
 * that they always are is an inference from the examples, not a documented promise.
 */
function createdSecOf(order: Record<string, unknown>): number | null {
  const createdAt = integerOf(order.createdAt);
  if (createdAt !== null) return createdAt;
  return typeof order.id === "string" && /^[0-9a-f]{24}$/.test(order.id) ? parseInt(order.id.slice(0, 8), 16) : null;
}

export class TronsaveProvider implements EnergyProvider {
  readonly name = "tronsave" as const;
  readonly #wire: Wire;
  readonly #apiKey: string;

  constructor(settings: ProviderSettings, options: AdapterOptions = {}) {
    this.#wire = new Wire("tronsave", settings.baseUrl, options);
    this.#apiKey = settings.apiKey ?? "";
  }

  async quote(req: QuoteRequest, signal?: AbortSignal): Promise<ProviderQuote> {
    const data = await this.#call("POST", "/v2/order-book/estimate-buy-resource", this.#resource(req), signal);
    const costSun = integerOf(data.estimateTrx);
    const available = integerOf(data.availableResource);
    if (costSun === null || available === null) throw this.#wire.error("bad_reply", `estimate without estimateTrx/availableResource: ${JSON.stringify(data)}`, true);
    if (available < req.energy) throw this.#wire.error("insufficient_supply", `${available} of ${req.energy} energy available`, false);
    return { provider: this.name, energy: req.energy, durationSec: req.durationSec, costSun };
  }

  async order(req: OrderRequest, signal?: AbortSignal): Promise<PlacedOrder> {
    // The cap is a unit price (sun per energy for a rental of up to a day, per day beyond): read
    // from the documented examples (maxPriceAccepted 100 beside unit prices), not stated outright.
    const maxUnitPrice = Math.floor((req.maxCostSun * DAY_SEC) / (req.energy * Math.max(DAY_SEC, req.durationSec)));
    if (maxUnitPrice < 1) throw this.#wire.error("price_exceeded", `no unit price fits ${req.maxCostSun} sun`, false);
    const body = this.#resource(req, {
      onlyCreateWhenFulfilled: true,
      maxPriceAccepted: maxUnitPrice,
      preventDuplicateIncompleteOrders: true,
    });
    const data = await this.#call("POST", "/v2/buy-resource", body, signal);
    if (typeof data.orderId !== "string" || data.orderId === "") throw this.#wire.error("bad_reply", `order without orderId: ${JSON.stringify(data)}`, true);
    // The reply carries only the id; the price comes from the order. If that read fails the order
    // still stands, and the cap is the most it can cost.
    const placed = await this.status({ providerOrderId: data.orderId, externalId: req.externalId }, signal).catch(() => null);
    return { providerOrderId: data.orderId, costSun: placed?.costSun ?? req.maxCostSun };
  }

  async status(ref: OrderRef, signal?: AbortSignal): Promise<OrderStatus | null> {
    if (ref.providerOrderId !== null) {
      const reply = await this.#wire.send({ method: "GET", path: `/v2/order/${encodeURIComponent(ref.providerOrderId)}`, headers: this.#headers() }, signal);
      // The reply for an unknown id is not documented: a 404, or an error naming NOT_FOUND, is read as "no such order".
      if (reply.status === 404 || (isObject(reply.body) && reply.body.error === true && /NOT_FOUND/.test(String(reply.body.message)))) return null;
      return this.#statusOf(this.#data(reply, "order"));
    }
    if (!ref.placed) {
      throw this.#wire.error("lookup_unsupported", "TronSave has no external order id: give the order id or what was placed", false);
    }
    const { receiver, energy, durationSec, at } = ref.placed;
    const since = Math.floor(at / 1000) - CLOCK_SKEW_SEC;
    const matches: Record<string, unknown>[] = [];
    for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
      const reply = await this.#wire.send({ method: "GET", path: "/v2/orders", query: { page, pageSize: HISTORY_PAGE_SIZE }, headers: this.#headers() }, signal);
      const data = this.#data(reply, "order history");
      const orders = Array.isArray(data.data) ? data.data.filter(isObject) : [];
      // Newest first: once an order is older than the attempt, the rest are too.
      let reachedOlder = orders.length < HISTORY_PAGE_SIZE;
      for (const order of orders) {
        const created = createdSecOf(order);
        if (created !== null && created < since) {
          reachedOlder = true;
          break;
        }
        if (order.receiver === receiver && order.resourceAmount === energy && order.durationSec === durationSec) matches.push(order);
      }
      if (reachedOlder) {
        if (matches.length > 1) throw this.#wire.error("lookup_ambiguous", `${matches.length} orders match ${ref.externalId}`, false);
        return matches.length === 1 ? this.#statusOf(matches[0]) : null;
      }
    }
    throw this.#wire.error("lookup_incomplete", `more than ${HISTORY_MAX_PAGES * HISTORY_PAGE_SIZE} orders since the attempt`, true);
  }

  #headers(): Record<string, string> {
    return { apikey: this.#apiKey };
  }

  #resource(req: QuoteRequest, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      resourceType: "ENERGY",
      resourceAmount: req.energy,
      // MEDIUM: "the lowest price for the maximum market fill", i.e. the price that fills it all now.
      unitPrice: "MEDIUM",
      durationSec: req.durationSec,
      receiver: req.receiver,
      options: { allowPartialFill: false, ...extra },
    });
  }

  async #call(method: "POST", path: string, body: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#data(await this.#wire.send({ method, path, body, headers: this.#headers() }, signal), path);
  }

  /** `data` of a successful envelope, or the error it reports. */
  #data(reply: WireReply, what: string): Record<string, unknown> {
    const body = reply.body;
    if (isObject(body) && body.error === false && isObject(body.data) && reply.status < 300) return body.data;
    if (isObject(body) && typeof body.message === "string") {
      if (body.code === "FST_ERR_VALIDATION" || (reply.status === 400 && typeof body.code === "string")) {
        throw this.#wire.error("invalid_request", `${what}: ${body.message}`, false);
      }
      if (body.error === true) {
        // "TSAS:107 INVALID_API_KEY" → INVALID_API_KEY; the 429 reply is a bare "Rate limit reached".
        const code = /([A-Z][A-Z_]+)\s*$/.exec(body.message)?.[1] ?? (reply.status === 429 ? "RATE_LIMIT" : "");
        if (code && reply.status < 500) throw this.#wire.error(code.toLowerCase(), `${what}: ${body.message}`, RETRYABLE_CODES.has(code));
      }
    }
    throw this.#wire.httpError(reply, what);
  }

  #statusOf(order: Record<string, unknown>): OrderStatus {
    const delegates = Array.isArray(order.delegates) ? order.delegates.filter(isObject) : [];
    const amount = integerOf(order.resourceAmount) ?? 0;
    const delegated = delegates.reduce((sum, d) => sum + (integerOf(d.amount) ?? 0), 0);
    const delivered = delegates.length > 0 ? delegated : amount - (integerOf(order.remainAmount) ?? amount);
    const percent = integerOf(order.fulfilledPercent) ?? 0;
    // TronSave reports fill progress only: an order that never fills stays pending, never "failed".
    const state = percent >= 100 ? "delivered" : percent > 0 ? "partial" : "pending";
    return {
      providerOrderId: String(order.id),
      state,
      deliveredEnergy: delivered,
      costSun: integerOf(order.payoutAmount),
      delegateTxIds: delegates.map((d) => d.txid).filter((t): t is string => typeof t === "string" && t !== ""),
      error: null,
    };
  }
}
