// Feee.io, open API v2 (feee.io/doc/en-US/api/order/{price,submit,query}): header `key` and a
// User-Agent on every call (every documented example sends one); replies {code, msg, request_id,
// data} with code 0 on success; amounts in TRX as JSON numbers; order statuses from the
// BuyOrderDetail structure page. Orders are paid from the account balance.
//
// Not confirmed from the docs: the error codes (none are published: any non-zero code is read as
// a refusal), the reply for an unknown order number (read as "not found" when the message says
// so), and any external / out-trade id: submit documents none, so an order is found again only by
// the order_no its reply carried. A reply lost after submit leaves the order unknown.
import type { EnergyProvider, OrderRef, OrderRequest, OrderState, OrderStatus, PlacedOrder, ProviderQuote, ProviderSettings, QuoteRequest } from "./provider";
import { integerOf, isObject, trxToSun, Wire, type AdapterOptions, type WireReply, type WireRequest } from "./wire";

const USER_AGENT = "EnergyFallback/0.1 (Cloudflare Workers)";

/** Status numbers of BuyOrderDetail.status, by what they mean for delivery. */
const FAILED = new Set([2, 7, 12, 13, 14]); // closed unpaid, delegate failed, canceled, refund pending, refunded
const DELEGATED = new Set([5, 6, 8, 9, 10, 17]); // delegated (verifying / done), reclaiming, reclaimed, delayed recovery
const PARTIAL = 15; // "pledging in progress (partially pledged)"

interface Duration {
  rent_duration: number;
  rent_time_unit: "d" | "h" | "m";
  rent_time_second: number;
}

export class FeeeProvider implements EnergyProvider {
  readonly name = "feee" as const;
  readonly #wire: Wire;
  readonly #apiKey: string;

  constructor(settings: ProviderSettings, options: AdapterOptions = {}) {
    this.#wire = new Wire("feee", settings.baseUrl, options);
    this.#apiKey = settings.apiKey ?? "";
  }

  async quote(req: QuoteRequest, signal?: AbortSignal): Promise<ProviderQuote> {
    const data = await this.#call({ method: "GET", path: "/open/v2/order/price", query: { resource_value: req.energy, ...this.#duration(req.durationSec) } }, signal);
    const costSun = trxToSun(data.pay_amount);
    if (costSun === null) throw this.#wire.error("bad_reply", `price without pay_amount: ${JSON.stringify(data)}`, true);
    return { provider: this.name, energy: req.energy, durationSec: req.durationSec, costSun };
  }

  async order(req: OrderRequest, signal?: AbortSignal): Promise<PlacedOrder> {
    // Submit takes no price limit: the current price is checked first (it can still move in between).
    const { costSun } = await this.quote(req, signal);
    if (costSun > req.maxCostSun) throw this.#wire.error("price_exceeded", `price ${costSun} sun is above ${req.maxCostSun}`, false);
    const body = JSON.stringify({ resource_type: 1, receive_address: req.receiver, resource_value: req.energy, ...this.#duration(req.durationSec) });
    const data = await this.#call({ method: "POST", path: "/open/v2/order/submit", body }, signal);
    const paid = trxToSun(data.pay_amount);
    if (typeof data.order_no !== "string" || data.order_no === "") throw this.#wire.error("bad_reply", `order without order_no: ${JSON.stringify(data)}`, true);
    return { providerOrderId: data.order_no, costSun: paid ?? costSun };
  }

  async status(ref: OrderRef, signal?: AbortSignal): Promise<OrderStatus | null> {
    if (ref.providerOrderId === null) {
      throw this.#wire.error("lookup_unsupported", "Feee.io takes no external order id: an order is found only by its order_no", false);
    }
    const reply = await this.#wire.send({ method: "GET", path: "/open/v2/order/query", query: { order_no: ref.providerOrderId }, headers: this.#headers() }, signal);
    if (isObject(reply.body) && reply.body.code !== 0 && /not\s*(be\s*)?found|not exist|不存在/i.test(String(reply.body.msg))) return null;
    return this.#statusOf(this.#data(reply, "order query"));
  }

  /**
   * Both documented ways of giving the length: duration and unit (d: 1–30, h: 1 or 3, m: 10), and
   * rent_time_second (over 600 and a multiple of 3), which takes precedence when valid.
   */
  #duration(seconds: number): Duration {
    const bySecond = seconds > 600 && seconds % 3 === 0 ? seconds : 0;
    if (seconds % 86_400 === 0 && seconds / 86_400 >= 1 && seconds / 86_400 <= 30) return { rent_duration: seconds / 86_400, rent_time_unit: "d", rent_time_second: bySecond };
    if (seconds === 3_600 || seconds === 10_800) return { rent_duration: seconds / 3_600, rent_time_unit: "h", rent_time_second: bySecond };
    if (seconds === 600) return { rent_duration: 10, rent_time_unit: "m", rent_time_second: 0 };
    if (bySecond > 0) return { rent_duration: 1, rent_time_unit: "h", rent_time_second: bySecond };
    throw this.#wire.error("unsupported_duration", `Feee.io cannot rent for ${seconds} s`, false);
  }

  #headers(): Record<string, string> {
    return { key: this.#apiKey, "user-agent": USER_AGENT };
  }

  async #call(request: WireRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#data(await this.#wire.send({ ...request, headers: this.#headers() }, signal), request.path);
  }

  #data(reply: WireReply, what: string): Record<string, unknown> {
    const body = reply.body;
    if (reply.status < 300 && isObject(body) && body.code === 0 && isObject(body.data)) return body.data;
    if (reply.status === 401 || reply.status === 403 || reply.status === 429 || reply.status >= 500) throw this.#wire.httpError(reply, what);
    if (isObject(body) && typeof body.code === "number" && body.code !== 0) {
      throw this.#wire.error(`code_${body.code}`, `${what}: ${String(body.msg)}`, false);
    }
    throw this.#wire.httpError(reply, what);
  }

  #statusOf(order: Record<string, unknown>): OrderStatus {
    const status = integerOf(order.status) ?? 0;
    const ordered = integerOf(order.resource_value) ?? 0;
    const delivered = integerOf(order.frozen_resource_value) ?? 0;
    let state: OrderState = "pending";
    if (FAILED.has(status)) state = "failed";
    else if (status === PARTIAL) state = "partial";
    else if (DELEGATED.has(status)) state = delivered >= ordered ? "delivered" : "partial";
    const subOrders = Array.isArray(order.sub_order) ? order.sub_order.filter(isObject) : [];
    const txIds = [order.frozen_tx_id, ...subOrders.map((s) => s.frozen_tx_id)].filter((t): t is string => typeof t === "string" && t !== "");
    const paid = trxToSun(order.pay_amount);
    const refunded = trxToSun(order.refund_amount) ?? 0;
    return {
      providerOrderId: String(order.order_no),
      state,
      deliveredEnergy: delivered,
      costSun: paid === null ? null : paid - refunded,
      delegateTxIds: txIds,
      error: state === "failed" ? `feee status ${status}` : null,
    };
  }
}
