import fc from "fast-check";

// The API as its OpenAPI document describes it, read at test time so that a new route is fuzzed
// and put through the authorization matrix without anyone listing it here; and request values
// generated from its JSON Schemas, valid ones and ones broken in exactly one place.

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  example?: unknown;
}

export interface Param {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  params: Param[];
  body: { required: boolean; schema: Schema } | null;
  /** Money-moving: it takes an Idempotency-Key. */
  money: boolean;
  admin: boolean;
}

export function operations(doc: any): Operation[] {
  const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components.schemas[s.$ref.replace("#/components/schemas/", "")]) : s);
  const deep = (s: Schema): Schema => {
    const r = resolve(s);
    return {
      ...r,
      ...(r.properties ? { properties: Object.fromEntries(Object.entries(r.properties).map(([k, v]) => [k, deep(v)])) } : {}),
      ...(r.items ? { items: deep(r.items) } : {}),
      ...(r.anyOf ? { anyOf: r.anyOf.map(deep) } : {}),
      ...(r.oneOf ? { oneOf: r.oneOf.map(deep) } : {}),
    };
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const params: Param[] = (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in, required: !!p.required, schema: deep(p.schema ?? {}) }));
      const content = op.requestBody?.content?.["application/json"];
      ops.push({
        method: method.toUpperCase(),
        path,
        params,
        body: content ? { required: !!op.requestBody.required, schema: deep(content.schema) } : null,
        money: params.some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key"),
        admin: path.startsWith("/api/v1/admin/"),
      });
    }
  }
  return ops;
}

/** Raw JSON text spliced into a serialized body: numbers JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]);
}

// The API's own string types (src/routes/common.ts) carry their rules in refinements that JSON
// Schema cannot express; their examples identify them.
const TRON_ADDRESS_EXAMPLE = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;
const AMOUNT_EXAMPLE = /^\d+(\.\d+)?$/;
const isSemanticString = (s: Schema) => typeof s.example === "string" && (TRON_ADDRESS_EXAMPLE.test(s.example) || AMOUNT_EXAMPLE.test(s.example));

const UNICODE = ["💥", "\u202eevil", "e\u0301\u0301", "\u0000", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\ud800", "日本語", "Ω≈ç√"];

const safeChars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_".split(""));

function between(min: number | undefined, max: number | undefined, fallbackMin: number, fallbackMax: number) {
  return { min: min ?? fallbackMin, max: Math.max(min ?? fallbackMin, max ?? fallbackMax) };
}

export interface Hints {
  /** A valid address for the API's TRON address fields. */
  tronAddress: string;
  /** Objects with their required properties only. */
  minimal?: boolean;
}

/** A value the schema accepts (semantic refinements aside: those may still refuse it with a 400). */
export function validValue(schema: Schema, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validValue(s, hints)));
  switch (schema.type) {
    case "boolean":
      return fc.boolean();
    case "integer": {
      const { min, max } = between(schema.minimum, schema.maximum, -1_000, 1_000);
      return fc.integer({ min, max });
    }
    case "number": {
      // Hundredths: within any multipleOf the API declares (0.0001) yet not only integers.
      const { min, max } = between(schema.minimum, schema.maximum, -1_000, 1_000);
      return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100);
    }
    case "array": {
      const { min, max } = between(schema.minItems, schema.maxItems, 0, 3);
      return fc.array(validValue(schema.items ?? {}, hints), { minLength: min, maxLength: Math.min(max, min + 3) });
    }
    case "object": {
      const required = new Set(schema.required ?? []);
      const props = Object.entries(schema.properties ?? {}).filter(([k]) => !hints.minimal || required.has(k));
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, validValue(v, hints)])), { requiredKeys: [...required] });
    }
    case "string":
      return validString(schema, hints);
    default:
      return fc.constant("x");
  }
}

function validString(schema: Schema, hints: Hints): fc.Arbitrary<string> {
  if (schema.format === "uuid") return fc.uuid();
  // The API's only date-time (postpone_until) must lie in the next 7 days, a rule OpenAPI cannot
  // state: valid values stay inside it, and the dedicated test in fuzz.test.ts covers the outside.
  if (schema.format === "date-time") return fc.integer({ min: 60, max: 6 * 86_400 }).map((s) => new Date(Date.now() + s * 1_000).toISOString());
  if (schema.format === "uri") return fc.constantFrom("http://127.0.0.1:9/hook", "https://127.0.0.1:9/alerts?x=1");
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  if (typeof schema.example === "string" && TRON_ADDRESS_EXAMPLE.test(schema.example)) return fc.constantFrom(hints.tronAddress, schema.example);
  if (typeof schema.example === "string" && AMOUNT_EXAMPLE.test(schema.example)) {
    return fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 999_999 })).map(([i, f]) => (f ? `${i}.${String(f).padStart(6, "0").replace(/0+$/, "")}` : String(i || 1)));
  }
  const { min, max } = between(schema.minLength, schema.maxLength, 0, 24);
  return fc.array(safeChars, { minLength: Math.max(min, 1), maxLength: Math.min(max, 24) }).map((cs) => cs.join(""));
}

/** One way to break a value: `at` is where (the field the API must name), `value` what goes there. */
export interface Breakage {
  at: string[];
  /** Undefined: the key is removed. */
  value: unknown;
  what: string;
}

/** Every single-place breakage of `value` (valid for `schema`) at `at`. */
export function breakages(schema: Schema, value: unknown, at: string[]): Breakage[] {
  const out: Breakage[] = [];
  const put = (v: unknown, what: string, where = at) => out.push({ at: where, value: v, what });
  if (schema.enum || schema.const !== undefined) {
    put("zzz-not-allowed", "value outside the enum");
    put(UNICODE[0], "unicode outside the enum");
    put(12345, "number for an enum");
    put(null, "null");
  } else if (schema.anyOf ?? schema.oneOf) {
    put({ nested: true }, "object for a union");
    put(null, "null");
    if ((schema.anyOf ?? schema.oneOf)!.every((s) => s.type === "number" || s.type === "integer")) put(7, "number outside the union");
    else put("junk 💥", "string outside the union");
  } else {
    switch (schema.type) {
      case "string":
        put(12345, "number for a string");
        put(true, "boolean for a string");
        put(null, "null for a string");
        put(["a"], "array for a string");
        put(new RawJson("1e400"), "huge number for a string");
        if (schema.maxLength !== undefined) put("x".repeat(Math.min(schema.maxLength + 1 + 200, 12_000)), `longer than ${schema.maxLength}`);
        if ((schema.minLength ?? 0) > 0) put("", "empty string");
        if (schema.pattern || schema.format || isSemanticString(schema)) for (const u of UNICODE.slice(0, 3)) put(u, `unicode ${JSON.stringify(u)}`);
        break;
      case "integer":
      case "number":
        put("1", "digits in a string");
        put(false, "boolean for a number");
        put(null, "null for a number");
        put({}, "object for a number");
        put(new RawJson("1e400"), "1e400");
        put(new RawJson("-1e400"), "-1e400");
        if (schema.maximum !== undefined) {
          put(schema.maximum + 1, "above the maximum");
          put(new RawJson("123456789012345678901234567890"), "30-digit number");
        }
        if (schema.minimum !== undefined) put(schema.minimum - 1, "below the minimum");
        if (schema.type === "integer") put(1.5, "fraction for an integer");
        break;
      case "boolean":
        put("true", "string for a boolean");
        put(1, "number for a boolean");
        put(null, "null for a boolean");
        break;
      case "array": {
        put("not an array", "string for an array");
        put({ 0: "x" }, "object for an array");
        const items = Array.isArray(value) ? value : [];
        if (schema.maxItems !== undefined && items.length > 0) put(Array.from({ length: schema.maxItems + 1 }, () => items[0]), `more than ${schema.maxItems} items`);
        if ((schema.minItems ?? 0) > 0) put([], "empty array");
        items.forEach((item, i) => out.push(...breakages(schema.items ?? {}, item, [...at, String(i)])));
        break;
      }
      case "object": {
        put("not an object", "string for an object");
        put([1, 2], "array for an object");
        put(null, "null for an object");
        const obj = (value ?? {}) as Record<string, unknown>;
        for (const key of schema.required ?? []) put(undefined, `missing ${key}`, [...at, key]);
        if (schema.additionalProperties === false) put("surprise", "unknown field", [...at, "zz_unknown_field"]);
        for (const [key, sub] of Object.entries(schema.properties ?? {})) {
          if (key in obj) out.push(...breakages(sub, obj[key], [...at, key]));
        }
        break;
      }
    }
  }
  return out;
}

/** `root` with `b` applied (a copy). */
export function applyBreakage(root: unknown, b: Breakage): unknown {
  if (b.at.length === 0) return b.value;
  const copy = structuredCloneKeepingRaw(root) as Record<string, unknown>;
  let node: any = copy;
  for (const key of b.at.slice(0, -1)) node = node[key];
  const last = b.at[b.at.length - 1];
  if (b.value === undefined) delete node[last];
  else node[last] = b.value;
  return copy;
}

function structuredCloneKeepingRaw(v: unknown): unknown {
  if (v instanceof RawJson) return v;
  if (Array.isArray(v)) return v.map(structuredCloneKeepingRaw);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneKeepingRaw(x)]));
  return v;
}

/** Query and path values are strings: the ways to break one parameter. */
export function paramBreakages(p: Param): Array<{ value: string | undefined; what: string }> {
  const s = p.schema;
  const out: Array<{ value: string | undefined; what: string }> = [];
  if (p.required && p.in === "query") out.push({ value: undefined, what: "missing" });
  if (s.enum) out.push({ value: "zzz-not-allowed", what: "outside the enum" }, { value: UNICODE[0], what: "unicode" });
  if (s.type === "integer" || s.type === "number") {
    out.push({ value: "abc", what: "not a number" }, { value: "1e999", what: "1e999" }, { value: "99999999999999999999999", what: "23 digits" });
    if (s.type === "integer") out.push({ value: "1.5", what: "fraction" });
    if (s.minimum !== undefined) out.push({ value: String(s.minimum - 1), what: "below the minimum" });
    if (s.maximum !== undefined) out.push({ value: String(s.maximum + 1), what: "above the maximum" });
  }
  if (s.type === "string" && !s.enum) {
    if (s.maxLength !== undefined) out.push({ value: "x".repeat(s.maxLength + 1), what: `longer than ${s.maxLength}` });
    if ((s.minLength ?? 0) > 0 && p.in === "query") out.push({ value: "", what: "empty" });
    if (s.pattern || s.format) out.push({ value: UNICODE[0], what: "unicode" }, { value: "not-matching", what: "not matching" });
  }
  return out;
}

export function validParam(p: Param, hints: Hints): fc.Arbitrary<string> {
  return validValue(p.schema, hints).map((v) => String(v));
}
