import { utils } from 'tronweb';
import { toHexAddress } from '../../devnet/address.js';

export const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

export interface Wallet {
  privateKey: string;
  base58: string;
  hex: string;
}

/** Deterministic test keys: the same digit repeated, 1 to 9. */
export function wallet(digit: number): Wallet {
  const privateKey = String(digit).repeat(64);
  const base58 = utils.address.fromPrivateKey(privateKey) as string;
  return { privateKey, base58, hex: toHexAddress(base58) as string };
}

/** ABI parameter block of transfer(address,uint256). */
export function transferParameter(toHex: string, amount: bigint): string {
  return '0'.repeat(24) + toHex.slice(2) + amount.toString(16).padStart(64, '0');
}

/** Calls a devnet endpoint; a body makes it a POST unless `method` says otherwise. */
export async function request(baseUrl: string, path: string, body?: unknown, method?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + path, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

export function fromHexText(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}
