// What the adapters share: one HTTP exchange with a time limit, exact JSON, TRX decimals to sun,
// and the hashes their auth schemes need. Only fetch and WebCrypto: the adapters run in workerd.
//
// Retryable errors are the ones whose outcome is unknown or transient (no answer, a timeout, a 5xx,
// rate limiting, a reply we cannot read): the order may exist, so the caller looks it up before
// trying again. A provider's explicit refusal (auth, price, balance, supply, validation) is final
// for this request, and the caller fails over.
import { ProviderError, type ProviderName } from "./provider";

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export interface AdapterOptions {
  /** Replaces the global fetch (tests, proxies). */
  fetch?: Fetcher;
  /** Per request, on top of the caller's signal. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const SUN_PER_TRX = 1_000_000;

export interface WireReply {
  status: number;
  /** Parsed with exactJson; undefined when the body is not JSON. */
  body: unknown;
  text: string;
}

export interface WireRequest {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** Sent as is: signatures cover these exact bytes. */
  body?: string;
}

/**
 * JSON.parse that keeps the source text of every number a double cannot hold exactly (fractions,
 * integers beyond 2^53), so TRX decimals reach trxToSun untouched.
 */
export function exactJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && !Number.isSafeInteger(value) ? (context?.source ?? String(value)) : value,
  );
}

/** A TRX amount (a JSON number, or the decimal text exactJson kept) in sun; fractions of a sun round up. */
export function trxToSun(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string") return null;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = ""] = match;
  const digits = fraction.padEnd(6, "0");
  const roundUp = /[1-9]/.test(digits.slice(6)) ? 1 : 0;
  const sun = Number(whole) * SUN_PER_TRX + Number(digits.slice(0, 6)) + roundUp;
  return Number.isSafeInteger(sun) ? sun : null;
}

/** A non-negative integer given as a JSON number or digit string. */
export function integerOf(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const hex = (buffer: ArrayBuffer): string => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", utf8(text)));
}

export async function hmacSha256Hex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, utf8(text)));
}

export class Wire {
  readonly #fetch: Fetcher;
  readonly #timeoutMs: number;
  readonly #baseUrl: string;

  constructor(
    readonly provider: ProviderName,
    baseUrl: string,
    options: AdapterOptions,
  ) {
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    // Looked up per call and never called as a method: workerd rejects a fetch bound to another object.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  error(code: string, message: string, retryable: boolean): ProviderError {
    return new ProviderError(this.provider, code, message, retryable);
  }

  /** One exchange. Throws a retryable ProviderError when no complete reply arrived. */
  async send(request: WireRequest, signal?: AbortSignal): Promise<WireReply> {
    const url = new URL(this.#baseUrl + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, String(v));
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(url.toString(), {
        method: request.method,
        headers,
        body: request.body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = response.status;
      text = await response.text();
    } catch (e) {
      const timedOut = timeout.aborted || signal?.aborted;
      throw this.error(timedOut ? "timeout" : "network", `${request.method} ${request.path}: ${e instanceof Error ? e.message : String(e)}`, true);
    }
    let body: unknown;
    try {
      body = exactJson(text);
    } catch {
      body = undefined;
    }
    return { status, body, text };
  }

  /** The generic reading of an HTTP status, for replies the provider's own envelope did not explain. */
  httpError(reply: WireReply, what: string): ProviderError {
    const detail = `${what}: HTTP ${reply.status} ${reply.text.slice(0, 200)}`;
    if (reply.status === 401 || reply.status === 403) return this.error("unauthorized", detail, false);
    if (reply.status === 429) return this.error("rate_limited", detail, true);
    if (reply.status >= 500) return this.error("server_error", detail, true);
    if (reply.status >= 200 && reply.status < 300) return this.error("bad_reply", detail, true);
    return this.error(`http_${reply.status}`, detail, false);
  }

  /** A reply that parsed but lacks what the docs promise: unreadable, so the outcome is unknown. */
  badReply(what: string, reply: WireReply): ProviderError {
    return this.error("bad_reply", `${what}: unexpected reply ${reply.text.slice(0, 200)}`, true);
  }
}
