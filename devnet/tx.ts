// Transaction bytes. Encoding goes through tronweb's own protobuf helpers so that what the
// devnet hashes is exactly what tronweb's txCheck re-derives on the client side.
import { utils } from 'tronweb';
import { renderAddress, toHexAddress } from './address.js';

const TRIGGER_TYPE = 'TriggerSmartContract';
const TRIGGER_TYPE_URL = 'type.googleapis.com/protocol.TriggerSmartContract';
// java-tron bills room for one result per contract on top of the signed bytes.
const RESULT_BYTES_PER_CONTRACT = 64;

export interface TriggerValue {
  owner_address: string;
  contract_address: string;
  data?: string;
  call_value?: number;
  [extra: string]: unknown;
}

export interface RawData {
  contract: Array<{ parameter: { value: TriggerValue; type_url: string }; type: string; Permission_id?: number }>;
  ref_block_bytes: string;
  ref_block_hash: string;
  expiration: number;
  timestamp?: number;
  fee_limit?: number;
  [extra: string]: unknown;
}

export interface TxJson {
  visible?: boolean;
  txID: string;
  raw_data: RawData;
  raw_data_hex: string;
  signature?: string[];
}

export interface Encoded {
  rawHex: string;
  txid: string;
  /** Signed size as java-tron bills bandwidth for it. */
  bandwidthBytes: number;
}

export function encode(tx: { visible?: boolean; raw_data: RawData }, signatures: string[] = []): Encoded {
  const pb = utils.transaction.txJsonToPb(tx);
  const rawHex = utils.transaction.txPbToRawDataHex(pb).toLowerCase();
  const txid = utils.transaction.txPbToTxID(pb).replace(/^0x/, '');
  for (const signature of signatures) pb.addSignature(hexBytes(signature));
  const bandwidthBytes = pb.serializeBinary().length + RESULT_BYTES_PER_CONTRACT * tx.raw_data.contract.length;
  return { rawHex, txid, bandwidthBytes };
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
}

export function selectorOf(signature: string): string {
  return utils.ethersUtils.keccak256(new TextEncoder().encode(signature.replace(/\s/g, ''))).slice(2, 10);
}

export function buildTriggerTx(
  value: TriggerValue,
  header: { ref_block_bytes: string; ref_block_hash: string; expiration: number; timestamp: number; fee_limit?: number },
  visible: boolean,
): TxJson {
  const raw_data: RawData = {
    contract: [{ parameter: { value, type_url: TRIGGER_TYPE_URL }, type: TRIGGER_TYPE }],
    ref_block_bytes: header.ref_block_bytes,
    ref_block_hash: header.ref_block_hash,
    expiration: header.expiration,
    ...(header.fee_limit ? { fee_limit: header.fee_limit } : {}),
    timestamp: header.timestamp,
  };
  const { rawHex, txid } = encode({ visible, raw_data });
  return { visible, txID: txid, raw_data, raw_data_hex: rawHex };
}

/** The contract of a single-contract TriggerSmartContract transaction, addresses in hex. */
export function triggerOf(raw: RawData): (TriggerValue & { owner: string; contract: string }) | null {
  if (!Array.isArray(raw?.contract) || raw.contract.length !== 1) return null;
  const [contract] = raw.contract;
  if (contract.type !== TRIGGER_TYPE) return null;
  const value = contract.parameter?.value;
  const owner = toHexAddress(value?.owner_address);
  const target = toHexAddress(value?.contract_address);
  if (!owner || !target) return null;
  return { ...value, owner, contract: target };
}

/** Re-renders raw_data (addresses in either form) for a reader asking for `visible`. */
export function renderRawData(raw: RawData, visible: boolean): RawData {
  return {
    ...raw,
    contract: raw.contract.map((c) => ({
      ...c,
      parameter: {
        ...c.parameter,
        value: {
          ...c.parameter.value,
          owner_address: renderAny(c.parameter.value.owner_address, visible),
          contract_address: renderAny(c.parameter.value.contract_address, visible),
        },
      },
    })),
  };
}

function renderAny(address: string, visible: boolean): string {
  const hex = toHexAddress(address);
  return hex ? renderAddress(hex, visible) : address;
}

/** Recovers the hex address that produced `signature` over `txid`; null when malformed. */
export function recoverSigner(txid: string, signature: unknown): string | null {
  if (typeof signature !== 'string') return null;
  const sig = signature.replace(/^0x/, '').toLowerCase();
  if (!/^[0-9a-f]{130}$/.test(sig)) return null;
  const v = parseInt(sig.slice(128), 16);
  const normalizedV = v < 27 ? v + 27 : v;
  if (normalizedV !== 27 && normalizedV !== 28) return null;
  try {
    return utils.crypto.ecRecover(txid, sig.slice(0, 128) + normalizedV.toString(16)).toLowerCase();
  } catch {
    return null;
  }
}
