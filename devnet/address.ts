import { utils } from 'tronweb';

/** Accepts base58 (`T…`) or hex (`41…`) and returns lower-case hex, or null when invalid. */
export function toHexAddress(input: unknown): string | null {
  if (typeof input !== 'string' || !utils.address.isAddress(input)) return null;
  return utils.address.toHex(input).toLowerCase();
}

export function toBase58(hex: string): string {
  return utils.address.fromHex(hex);
}

/** java-tron prints addresses in base58 when the request said `visible: true`. */
export function renderAddress(hex: string, visible: boolean): string {
  return visible ? toBase58(hex) : hex;
}
