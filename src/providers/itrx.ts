// itrx.io frontend API (develop.itrx.io; the same pages are in tronenergy-global/tron-energy-doc):
// header API-KEY on every call; POSTs also TIMESTAMP (10-digit seconds) and SIGNATURE = hex
// HMAC-SHA256(API secret, "{timestamp}&{body}"), the body being the parameters as compact JSON with
// keys sorted (Python's json.dumps(sort_keys=True, separators=(",", ":"))), sent byte for byte.
// Errors: HTTP 400 with per-field lists or {"detail"}, HTTP 200 with errno != 0 and a message,
// 403 for a wrong API key (documented for the summary endpoint). Amounts in sun.
//
// Not confirmed from the docs: looking an order up by `out_trade_no` (only `serial` is documented
// for the query; out_trade_no is documented as echoed in callbacks), whether out_trade_no is
// unique per account, and the status of a bad signature (read like any 401/403).
import type { EnergyProvider, OrderRef, OrderRequest, OrderState, OrderStatus, PlacedOrder, ProviderQuote, ProviderSettings, QuoteRequest } from "./provider";
import { hmacSha256Hex, integerOf, isObject, Wire, type AdapterOptions, type WireReply, type WireRequest } from "./wire";

const PERIODS: Record<number, string> = { 3_600: "1H", 86_400: "1D", 259_200: "3D", 2_592_000: "30D" };

/** Order status codes of the query reply. 30 is "delegation in preparation" in the status table. */
const DONE = 40;
const PARTIAL = 31;
const TERMINATED = new Set([0, 41, 43]); // timeout closed, refund termination, abnormal termination

/**
 * The signed and sent body: keys sorted at every depth, no spaces, non-ASCII escaped as \uXXXX as
 * Python's default ensure_ascii does, so that the server's re-serialisation gives the same bytes.
 */
export function itrxJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  return JSON.stringify(sort(value)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function itrxSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return hmacSha256Hex(secret, `${timestamp}&${body}`);
}

export class ItrxProvider implements EnergyProvider {
  readonly name = "itrx" as const;
  readonly #wire: Wire;
  readonly #apiKey: string;
  readonly #apiSecret: string;

  constructor(settings: ProviderSettings, options: AdapterOptions = {}) {
    this.#wire = new Wire("itrx", settings.baseUrl, options);
    this.#apiKey = settings.apiKey ?? "";
    this.#apiSecret = settings.apiSecret ?? "";
  }

  /** The price endpoint: total_price includes the small-order fee (`addition`). */
  async quote(req: QuoteRequest, signal?: AbortSignal): Promise<ProviderQuote> {
    const data = await this.#call({ method: "GET", path: "/api/v1/frontend/order/price", query: { period: this.#period(req.durationSec), energy_amount: req.energy } }, signal);
    const costSun = integerOf(data.total_price);
    if (costSun === null) throw this.#wire.error("bad_reply", `price without total_price: ${JSON.stringify(data)}`, true);
    return { provider: this.name, energy: req.energy, durationSec: req.durationSec, costSun };
  }

  async order(req: OrderRequest, signal?: AbortSignal): Promise<PlacedOrder> {
    // The order takes no price limit: the current price is checked first (it can still move in between).
    const { costSun } = await this.quote(req, signal);
    if (costSun > req.maxCostSun) throw this.#wire.error("price_exceeded", `price ${costSun} sun is above ${req.maxCostSun}`, false);
    const body = itrxJson({ energy_amount: req.energy, period: this.#period(req.durationSec), receive_address: req.receiver, out_trade_no: req.externalId });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { TIMESTAMP: timestamp, SIGNATURE: await itrxSignature(this.#apiSecret, timestamp, body) };
    const data = await this.#call({ method: "POST", path: "/api/v1/frontend/order", headers, body }, signal);
    const amount = integerOf(data.amount);
    if (typeof data.serial !== "string" || data.serial === "") throw this.#wire.error("bad_reply", `order without serial: ${JSON.stringify(data)}`, true);
    return { providerOrderId: data.serial, costSun: amount ?? costSun };
  }

  async status(ref: OrderRef, signal?: AbortSignal): Promise<OrderStatus | null> {
    const query: Record<string, string> = ref.providerOrderId !== null ? { serial: ref.providerOrderId } : { out_trade_no: ref.externalId };
    const reply = await this.#wire.send({ method: "GET", path: "/api/v1/frontend/order/query", query, headers: this.#headers() }, signal);
    if (isObject(reply.body) && reply.body.errno === 404) return null;
    return this.#statusOf(this.#data(reply, "order query"));
  }

  #period(seconds: number): string {
    const period = PERIODS[seconds];
    if (!period) throw this.#wire.error("unsupported_duration", `itrx rents for 1H/1D/3D/30D, not ${seconds} s`, false);
    return period;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { "API-KEY": this.#apiKey, ...extra };
  }

  async #call(request: WireRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#data(await this.#wire.send({ ...request, headers: this.#headers(request.headers) }, signal), request.path);
  }

  /** The reply object, or its error: `errno` on HTTP 200, field lists or `detail` on HTTP 400. */
  #data(reply: WireReply, what: string): Record<string, unknown> {
    const body = reply.body;
    if (reply.status === 200 && isObject(body)) {
      if (body.errno === undefined || body.errno === 0) return body;
      throw this.#wire.error(`errno_${String(body.errno)}`, `${what}: ${String(body.message)}`, false);
    }
    if (reply.status === 400 && isObject(body)) {
      const reasons = Object.entries(body).map(([field, why]) => (field === "detail" ? String(why) : `${field}: ${[why].flat().join(" ")}`));
      throw this.#wire.error("invalid_request", `${what}: ${reasons.join("; ")}`, false);
    }
    throw this.#wire.httpError(reply, what);
  }

  #statusOf(order: Record<string, unknown>): OrderStatus {
    const status = integerOf(order.status) ?? -1;
    let state: OrderState = "pending";
    if (status === DONE) state = "delivered";
    else if (status === PARTIAL) state = "partial";
    else if (TERMINATED.has(status)) state = "failed";
    const details = Array.isArray(order.details) ? order.details.filter(isObject) : [];
    // pay_amount is the delegated energy, a float in the docs (32170.005): whole units count.
    const delegated = Math.floor(Number(order.pay_amount));
    const paid = integerOf(order.amount);
    return {
      providerOrderId: String(order.order_no),
      state,
      deliveredEnergy: Number.isFinite(delegated) && delegated > 0 ? delegated : 0,
      costSun: paid === null ? null : paid - (integerOf(order.refund_amount) ?? 0),
      delegateTxIds: details.map((d) => d.delegate_hash).filter((t): t is string => typeof t === "string" && t !== ""),
      error: state === "failed" ? `itrx status ${status}` : null,
    };
  }
}
