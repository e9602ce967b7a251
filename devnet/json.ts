// java-tron prints protobuf messages as proto3 JSON: default values vanish, int64 values
// are bare numbers (they may exceed 2^53, hence BigInt support in the serializer).

const BIG_MARK = '\u0000big:';

/** Drops zero / false / empty fields at every depth; empty messages inside lists stay `{}`. */
export function omitDefaults<T>(value: T): T {
  if (Array.isArray(value)) return value.map(omitDefaults) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === null || field === 0 || field === 0n || field === false || field === '') continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = omitDefaults(field);
  }
  return out as T;
}

export function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? BIG_MARK + v.toString() : v)).replace(
    /"\\u0000big:(-?\d+)"/g,
    '$1',
  );
}

export function utf8Hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}
