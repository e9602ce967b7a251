import { AppError } from "../errors";
import { tronAddressToHex } from "./address";

// The java-tron HTTP API as the service uses it. Replies omit zero-valued fields (proto3 JSON), so
// every numeric field is read with a default of 0.

export interface ChainParameters {
  energyFeeSun: number;
  transactionFeeSun: number;
}

export interface AccountEnergy {
  limit: number;
  used: number;
  /** energy_window_size of the last consumption (thousandths of a slot when optimized). */
  windowSize: number;
  windowOptimized: boolean;
  lastConsumeMs: number;
  /** Timestamp of the head block the figures were read at: the pool's clock. */
  headMs: number;
}

export interface UnsignedTransaction {
  txID: string;
  raw_data: {
    contract: Array<{ parameter: { value: Record<string, unknown>; type_url: string }; type: string }>;
    ref_block_bytes: string;
    ref_block_hash: string;
    expiration: number;
    timestamp: number;
    fee_limit?: number;
  };
  raw_data_hex: string;
  visible?: boolean;
}

export interface SignedTransaction extends UnsignedTransaction {
  signature: string[];
}

export type BroadcastResult =
  | { status: "accepted" }
  | { status: "duplicate" }
  | { status: "rejected"; code: string; message: string }
  | { status: "unknown"; code: string; message: string };

export interface TransactionInfo {
  blockNumber: number;
  blockTimestamp: number;
  result: string;
  energyUsage: number;
  energyFeeSun: number;
  energyUsageTotal: number;
  netFeeSun: number;
  feeSun: number;
}

export interface BlockRef {
  number: number;
  timestamp: number;
}

export interface TransferSpec {
  owner: string;
  contract: string;
  to: string;
  amount: number;
}

// Errors after which the node did not take the transaction (it is safe to give up on it). The
// rest (SERVER_BUSY, NO_CONNECTION, timeouts, ...) leave its fate unknown until expiration.
const DEFINITE_REJECTIONS = new Set([
  "SIGERROR",
  "CONTRACT_VALIDATE_ERROR",
  "CONTRACT_EXE_ERROR",
  "BANDWITH_ERROR",
  "TAPOS_ERROR",
  "TOO_BIG_TRANSACTION_ERROR",
  "TRANSACTION_EXPIRATION_ERROR",
]);

const TRANSFER_SELECTOR = "transfer(address,uint256)";

export function encodeTransferParameter(to: string, amount: number): string {
  const hex = tronAddressToHex(to);
  if (!hex) throw new AppError("invalid_request", { detail: "to_address is not a TRON address" }, "to_address");
  return hex.slice(2).padStart(64, "0") + BigInt(amount).toString(16).padStart(64, "0");
}

function hexToText(hex: unknown): string {
  if (typeof hex !== "string" || !/^([0-9a-f]{2})*$/i.test(hex)) return String(hex ?? "");
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder().decode(bytes);
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

export class TronClient {
  readonly #base: string;
  readonly #apiKey?: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, opts: { apiKey?: string; timeoutMs?: number } = {}) {
    this.#base = baseUrl.replace(/\/+$/, "");
    this.#apiKey = opts.apiKey;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async #post(path: string, body: unknown): Promise<Record<string, any>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#apiKey) headers["TRON-PRO-API-KEY"] = this.#apiKey;
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new ChainUnavailableError(path, e);
    }
    if (!res.ok) throw new ChainUnavailableError(path, `HTTP ${res.status}`);
    const json = (await res.json().catch(() => null)) as Record<string, any> | null;
    if (json === null || typeof json !== "object") throw new ChainUnavailableError(path, "reply is not JSON");
    if (typeof json.Error === "string") throw new ChainUnavailableError(path, json.Error);
    return json;
  }

  async chainParameters(): Promise<ChainParameters> {
    const json = await this.#post("/wallet/getchainparameters", {});
    const params = new Map<string, number>();
    for (const p of (json.chainParameter ?? []) as Array<{ key: string; value?: number }>) params.set(p.key, num(p.value));
    const energyFeeSun = params.get("getEnergyFee");
    const transactionFeeSun = params.get("getTransactionFee");
    if (!energyFeeSun || !transactionFeeSun) throw new ChainUnavailableError("/wallet/getchainparameters", "energy or bandwidth price missing");
    return { energyFeeSun, transactionFeeSun };
  }

  async accountEnergy(address: string): Promise<AccountEnergy> {
    const [resource, account, head] = await Promise.all([
      this.#post("/wallet/getaccountresource", { address, visible: true }),
      this.#post("/wallet/getaccount", { address, visible: true }),
      this.nowBlock(false),
    ]);
    const r = account.account_resource ?? {};
    return {
      limit: num(resource.EnergyLimit),
      used: num(resource.EnergyUsed),
      windowSize: num(r.energy_window_size),
      windowOptimized: r.energy_window_optimized === true,
      lastConsumeMs: num(r.latest_consume_time_for_energy),
      headMs: head.timestamp,
    };
  }

  /** Energy of a USDT transfer simulated from the sender (`energy_used` includes the dynamic penalty). */
  async estimateTransferEnergy(spec: TransferSpec): Promise<number> {
    const json = await this.#post("/wallet/triggerconstantcontract", {
      owner_address: spec.owner,
      contract_address: spec.contract,
      function_selector: TRANSFER_SELECTOR,
      parameter: encodeTransferParameter(spec.to, spec.amount),
      visible: true,
    });
    const ret = json.transaction?.ret?.[0];
    if (json.result?.result !== true || ret?.ret === "FAILED") {
      const reason = hexToText(json.result?.message) || hexToText(ret?.message) || "execution reverted";
      throw new AppError("estimate_failed", { detail: reason });
    }
    const energy = num(json.energy_used);
    if (energy <= 0) throw new ChainUnavailableError("/wallet/triggerconstantcontract", "no energy_used in the simulation");
    return energy;
  }

  async buildTransfer(spec: TransferSpec & { feeLimitSun: number }): Promise<UnsignedTransaction> {
    const json = await this.#post("/wallet/triggersmartcontract", {
      owner_address: spec.owner,
      contract_address: spec.contract,
      function_selector: TRANSFER_SELECTOR,
      parameter: encodeTransferParameter(spec.to, spec.amount),
      fee_limit: spec.feeLimitSun,
      call_value: 0,
      visible: true,
    });
    if (json.result?.result !== true || !json.transaction?.txID) {
      throw new ChainUnavailableError("/wallet/triggersmartcontract", hexToText(json.result?.message) || "no transaction built");
    }
    return json.transaction as UnsignedTransaction;
  }

  async broadcast(tx: SignedTransaction): Promise<BroadcastResult> {
    let json: Record<string, any>;
    try {
      json = await this.#post("/wallet/broadcasttransaction", tx);
    } catch (e) {
      return { status: "unknown", code: "NO_REPLY", message: e instanceof Error ? e.message : String(e) };
    }
    if (json.result === true) return { status: "accepted" };
    const code = String(json.code ?? "OTHER_ERROR");
    const message = hexToText(json.message);
    if (code === "DUP_TRANSACTION_ERROR") return { status: "duplicate" };
    if (DEFINITE_REJECTIONS.has(code)) return { status: "rejected", code, message };
    return { status: "unknown", code, message };
  }

  /** `solid` reads the solidified chain, where a transaction appears ~19 blocks after it is mined. */
  async transactionInfo(txId: string, solid: boolean): Promise<TransactionInfo | null> {
    const json = await this.#post(`/${solid ? "walletsolidity" : "wallet"}/gettransactioninfobyid`, { value: txId });
    if (!json.id) return null;
    const r = json.receipt ?? {};
    return {
      blockNumber: num(json.blockNumber),
      blockTimestamp: num(json.blockTimeStamp),
      result: typeof r.result === "string" ? r.result : json.result === "FAILED" ? "FAILED" : "SUCCESS",
      energyUsage: num(r.energy_usage),
      energyFeeSun: num(r.energy_fee),
      energyUsageTotal: num(r.energy_usage_total),
      netFeeSun: num(r.net_fee),
      feeSun: num(json.fee),
    };
  }

  /** The transfer a transaction carries (owner, contract, call data), or null if the node has none. */
  async transferOf(txId: string): Promise<{ owner: string; contract: string; data: string } | null> {
    const json = await this.#post("/wallet/gettransactionbyid", { value: txId, visible: true });
    const value = json.raw_data?.contract?.[0]?.parameter?.value;
    if (!value) return null;
    return { owner: String(value.owner_address ?? ""), contract: String(value.contract_address ?? ""), data: String(value.data ?? "") };
  }

  async nowBlock(solid: boolean): Promise<BlockRef> {
    const json = await this.#post(`/${solid ? "walletsolidity" : "wallet"}/getnowblock`, {});
    const raw = json.block_header?.raw_data ?? {};
    return { number: num(raw.number), timestamp: num(raw.timestamp) };
  }
}

export class ChainUnavailableError extends AppError {
  constructor(path: string, cause: unknown) {
    super("chain_unavailable", { path, cause: cause instanceof Error ? cause.message : String(cause) });
  }
}
