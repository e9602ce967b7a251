// TronZap (docs.tronzap.com, SDKs under github.com/tron-energy-market): every call a POST of JSON
// with `Authorization: Bearer <API token>` and `X-Signature` = hex sha256(exact body + API secret);
// replies {code: 0, result} or {code, error, key, request_id}, the code deciding whatever the HTTP
// status. Costs are TRX decimals. Transactions go new → pending → success | failed and can be
// checked by our external_id, so a lost reply is settled by a lookup.
//
// Not confirmed from the docs: whether external_id is unique per account (nothing says a second
// order with the same id is refused: look it up before placing again), and the HTTP status of an
// authentication failure (code 1 is documented). The energy field has had three names: the docs
// show params.energy_amount (deprecated) and params.amount, the newest SDK params.amounts.energy;
// the first two are sent.
import type { EnergyProvider, OrderRef, OrderRequest, OrderState, OrderStatus, PlacedOrder, ProviderQuote, ProviderSettings, QuoteRequest } from "./provider";
import { integerOf, isObject, sha256Hex, trxToSun, Wire, type AdapterOptions, type WireReply } from "./wire";

/** Rental lengths on sale: 1 hour and 24 hours. */
const HOURS_BY_SECONDS: Record<number, number> = { 3_600: 1, 86_400: 24 };

const AUTH_ERROR = 1;
const TRANSACTION_NOT_FOUND = 20;
const INTERNAL_SERVER_ERROR = 500;

const STATES: Record<string, OrderState> = { new: "pending", pending: "pending", success: "delivered", failed: "failed" };

export class TronzapProvider implements EnergyProvider {
  readonly name = "tronzap" as const;
  readonly #wire: Wire;
  readonly #token: string;
  readonly #secret: string;

  constructor(settings: ProviderSettings, options: AdapterOptions = {}) {
    this.#wire = new Wire("tronzap", settings.baseUrl, options);
    this.#token = settings.apiKey ?? "";
    this.#secret = settings.apiSecret ?? "";
  }

  async quote(req: QuoteRequest, signal?: AbortSignal): Promise<ProviderQuote> {
    const result = await this.#call("/v1/calculate", { address: req.receiver, amount: req.energy, duration: this.#hours(req.durationSec) }, signal);
    const costSun = trxToSun(result.total);
    if (costSun === null) throw this.#wire.error("bad_reply", `calculation without total: ${JSON.stringify(result)}`, true);
    return { provider: this.name, energy: req.energy, durationSec: req.durationSec, costSun };
  }

  async order(req: OrderRequest, signal?: AbortSignal): Promise<PlacedOrder> {
    // No price limit on the order: the current price is checked first (it can still move in between).
    const { costSun } = await this.quote(req, signal);
    if (costSun > req.maxCostSun) throw this.#wire.error("price_exceeded", `price ${costSun} sun is above ${req.maxCostSun}`, false);
    const result = await this.#call(
      "/v1/transaction/new",
      {
        service: "energy",
        params: { address: req.receiver, amount: req.energy, energy_amount: req.energy, duration: this.#hours(req.durationSec) },
        external_id: req.externalId,
      },
      signal,
    );
    if (typeof result.id !== "string" || result.id === "") throw this.#wire.error("bad_reply", `transaction without id: ${JSON.stringify(result)}`, true);
    return { providerOrderId: result.id, costSun: trxToSun(result.amount) ?? costSun };
  }

  async status(ref: OrderRef, signal?: AbortSignal): Promise<OrderStatus | null> {
    const body = ref.providerOrderId !== null ? { id: ref.providerOrderId } : { external_id: ref.externalId };
    const reply = await this.#send("/v1/transaction/check", body, signal);
    if (isObject(reply.body) && reply.body.code === TRANSACTION_NOT_FOUND) return null;
    return this.#statusOf(this.#result(reply, "transaction check"));
  }

  #hours(seconds: number): number {
    const hours = HOURS_BY_SECONDS[seconds];
    if (!hours) throw this.#wire.error("unsupported_duration", `TronZap rents for 1 h or 24 h, not ${seconds} s`, false);
    return hours;
  }

  async #send(path: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<WireReply> {
    const body = JSON.stringify(params);
    const headers = { authorization: `Bearer ${this.#token}`, "x-signature": await sha256Hex(body + this.#secret) };
    return this.#wire.send({ method: "POST", path, headers, body }, signal);
  }

  async #call(path: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#result(await this.#send(path, params, signal), path);
  }

  #result(reply: WireReply, what: string): Record<string, unknown> {
    const body = reply.body;
    if (isObject(body) && typeof body.code === "number" && body.code !== 0) {
      const code = body.code === AUTH_ERROR ? "unauthorized" : typeof body.key === "string" && body.key !== "" ? body.key : `code_${body.code}`;
      const retryable = body.code === INTERNAL_SERVER_ERROR || reply.status === 429 || reply.status >= 500;
      throw this.#wire.error(code, `${what}: ${String(body.error)} (code ${body.code})`, retryable);
    }
    if (reply.status < 300 && isObject(body) && body.code === 0 && isObject(body.result)) return body.result;
    throw this.#wire.httpError(reply, what);
  }

  #statusOf(tx: Record<string, unknown>): OrderStatus {
    const state = STATES[String(tx.status)] ?? "pending";
    const params = isObject(tx.params) ? tx.params : {};
    const amounts = isObject(params.amounts) ? params.amounts : {};
    const ordered = integerOf(amounts.energy ?? params.amount ?? params.energy_amount) ?? 0;
    return {
      providerOrderId: String(tx.id),
      state,
      // TronZap reports no partial fills: a successful transaction claims all it sold, which only
      // the receiver's on-chain energy can confirm.
      deliveredEnergy: state === "delivered" ? ordered : 0,
      costSun: trxToSun(tx.amount),
      delegateTxIds: typeof tx.hash === "string" && tx.hash !== "" ? [tx.hash] : [],
      error: state === "failed" ? "tronzap transaction failed" : null,
    };
  }
}
