import type { SignedTransaction, TransferSpec, UnsignedTransaction } from "./client";
import { encodeTransferParameter } from "./client";
import { tronAddressToHex } from "./address";

// tronweb (~340 KiB gzip) is loaded only here, on the path that signs, so that status and read
// endpoints never pay for it at start-up.
async function tronweb() {
  return (await import("tronweb")).utils;
}

/**
 * Checks that a node-built transaction is exactly the transfer we asked for before signing it: a
 * node (or anything between us and it) must not be able to swap the recipient, amount or fee_limit.
 */
export async function assertIsTransfer(tx: UnsignedTransaction, spec: TransferSpec & { feeLimitSun: number }): Promise<void> {
  const utils = await tronweb();
  if (!utils.transaction.txCheck(tx as never)) throw new Error("node-built transaction: raw_data does not match raw_data_hex / txID");
  const contracts = tx.raw_data.contract;
  const value = contracts[0]?.parameter?.value ?? {};
  const same = (a: unknown, b: string) => typeof a === "string" && (a === b || a.toLowerCase() === tronAddressToHex(b));
  const ok =
    contracts.length === 1 &&
    contracts[0].type === "TriggerSmartContract" &&
    same(value.owner_address, spec.owner) &&
    same(value.contract_address, spec.contract) &&
    value.data === "a9059cbb" + encodeTransferParameter(spec.to, spec.amount) &&
    !value.call_value &&
    tx.raw_data.fee_limit === spec.feeLimitSun;
  if (!ok) throw new Error("node-built transaction differs from the requested transfer");
}

/**
 * The same transaction with another `raw_data.timestamp`, re-encoded (raw_data_hex, txID). Two
 * transfers of the same amount to the same address built in the same millisecond are otherwise
 * byte-identical: one txid for two withdrawals, and the second broadcast a "duplicate".
 */
export async function restamp(tx: UnsignedTransaction, timestamp: number): Promise<UnsignedTransaction> {
  if (tx.raw_data.timestamp === timestamp) return tx;
  const utils = await tronweb();
  const next = structuredClone(tx);
  next.raw_data.timestamp = timestamp;
  const pb = utils.transaction.txJsonToPb(next as never);
  next.raw_data_hex = utils.transaction.txPbToRawDataHex(pb).toLowerCase();
  next.txID = utils.transaction.txPbToTxID(pb).replace(/^0x/, "").toLowerCase();
  return next;
}

export async function signTransaction(tx: UnsignedTransaction, privateKey: string): Promise<SignedTransaction> {
  const utils = await tronweb();
  return utils.crypto.signTransaction(privateKey, structuredClone(tx)) as unknown as SignedTransaction;
}

export async function addressOfKey(privateKey: string): Promise<string> {
  const utils = await tronweb();
  const bytes = utils.code.hexStr2byteArray(privateKey.replace(/^0x/, ""));
  return utils.crypto.getBase58CheckAddress(utils.crypto.getAddressFromPriKey(bytes));
}
