import { sha256 } from "@noble/hashes/sha2.js";

// Base58check decoding without tronweb: route validation runs on every request, and tronweb is
// too heavy to load for that (see src/tron/signer.ts for where it is needed).

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

function base58Decode(text: string): Uint8Array | null {
  let n = 0n;
  for (const c of text) {
    const v = INDEX.get(c);
    if (v === undefined) return null;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** The 21-byte hex form (`41…`) of a base58check TRON address, or null if it is not one. */
export function tronAddressToHex(address: string): string | null {
  if (address.length !== 34 || address[0] !== "T") return null;
  const raw = base58Decode(address);
  if (!raw || raw.length !== 25 || raw[0] !== 0x41) return null;
  const payload = raw.subarray(0, 21);
  const checksum = sha256(sha256(payload)).subarray(0, 4);
  for (let i = 0; i < 4; i++) if (checksum[i] !== raw[21 + i]) return null;
  return [...payload].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function isTronAddress(address: string): boolean {
  return tronAddressToHex(address) !== null;
}
