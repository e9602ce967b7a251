import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { call, createWithdrawal, credit, FRESH, HOLDER, newKey, pool, POOL_ID, seedWorld, tokenFor } from "../helpers";
import { applyBreakage, breakages, operations, paramBreakages, serialize, validParam, validValue, type Operation } from "./openapi";
import { numberSetting, SOAK } from "./profile";
import { diff, fingerprint, fingerprintQuery } from "./d1";
import { MAX_BODY_BYTES } from "../../src/app";

// Input fuzzing from the OpenAPI document (read at test time: a new route is fuzzed without being
// listed here). Each request is valid, or broken in exactly one place: a wrong type, a huge number,
// a long or unicode string, a missing or unknown field, malformed JSON, an oversized body, another
// media type. Never a 5xx; a broken input is a 400 naming the field it broke (malformed JSON: 400
// malformed_json; too large: 413; another media type: 415); and a refused request writes nothing.

const REQUESTS = numberSetting(env.FUZZ_REQUESTS, SOAK ? 5_000 : 600);
// The API's refusals of bad input: these must leave D1 exactly as it was.
const REFUSALS = new Set([400, 401, 403, 413, 415]);

type Kind = "valid" | "broken" | "malformed" | "oversized" | "media-type";


interface Case {
  op: Operation;
  kind: Kind;
  /** Path values: a string, or "@resource" for an id of a row that exists. */
  path: Record<string, string>;
  query: Array<[string, string]>;
  header: "valid" | "missing" | "bad";
  body: string | null;
  contentType: string;
  /** For broken cases: the field the 400 must name ("" when the body as a whole was broken). */
  field: string | null;
  /** The body before it was broken. */
  validBody: string | null;
  what: string;
  pick: number;
}

const HINTS = { tronAddress: HOLDER };

/** Whether the operation reads anything from the request that can be broken. */
const takesInput = (op: Operation) => op.params.length > 0 || op.body !== null || op.money;

/** The kinds of request an operation gets, in proportion: broken input most, valid input often. */
function kindsFor(op: Operation): Kind[] {
  return [
    "valid",
    "valid",
    ...(takesInput(op) ? (["broken", "broken", "broken", "broken"] as Kind[]) : []),
    ...(op.body ? (["malformed", "media-type"] as Kind[]) : []),
    ...(op.method !== "GET" ? (["oversized"] as Kind[]) : []),
  ];
}

function caseArbitrary(op: Operation, kind: Kind): fc.Arbitrary<Case> {
  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  const base = fc.record({
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof(fc.constant("@resource"), validParam(p, HINTS))]))) as fc.Arbitrary<Record<string, string>>,
    query: fc.tuple(...queryParams.map((p) => (p.required ? validParam(p, HINTS).map((v) => [p.name, v] as [string, string]) : fc.option(validParam(p, HINTS).map((v) => [p.name, v] as [string, string]), { nil: undefined })))),
    body: op.body ? validValue(op.body.schema, HINTS) : fc.constant(undefined),
    // An optional body is sometimes left out (never when it is the thing to break).
    bodyLeftOut: fc.boolean(),
    pick: fc.nat(1_000_000),
    which: fc.nat(1_000_000),
  });
  return base.map(({ path, query, body: generated, bodyLeftOut, pick, which }) => {
    const body = op.body && !op.body.required && bodyLeftOut && kind === "valid" ? undefined : generated;
    const c: Case = {
      op,
      kind,
      path,
      query: query.filter((q): q is [string, string] => q !== undefined),
      header: "valid",
      body: body === undefined ? null : serialize(body),
      contentType: "application/json",
      field: null,
      validBody: body === undefined ? null : serialize(body),
      what: kind,
      pick,
    };
    if (kind === "malformed") c.body = ['{"', "{", "[1,", '{"a":}', "nul", '{"method":"standard"', "\u0000"][which % 7];
    if (kind === "media-type") {
      c.body ??= "{}";
      c.contentType = "text/plain";
    }
    if (kind === "oversized") c.body = serialize({ padding: "x".repeat(MAX_BODY_BYTES + (which % (3 * MAX_BODY_BYTES))) });
    if (kind !== "broken") return c;

    // Exactly one place is broken: a body field, a query or path parameter, or the key header.
    const options: Array<() => void> = [];
    if (op.body && body !== undefined) {
      for (const b of breakages(op.body.schema, body, [])) {
        options.push(() => {
          c.body = serialize(applyBreakage(body, b));
          c.field = b.at.join(".");
          c.what = `body ${b.at.join(".") || "(root)"}: ${b.what}`;
        });
      }
    }
    for (const p of [...pathParams, ...queryParams]) {
      for (const b of paramBreakages(p)) {
        options.push(() => {
          if (p.in === "path") c.path = { ...c.path, [p.name]: b.value! };
          else c.query = [...c.query.filter(([k]) => k !== p.name), ...(b.value === undefined ? [] : [[p.name, b.value] as [string, string]])];
          c.field = p.name;
          c.what = `${p.in} ${p.name}: ${b.what}`;
        });
      }
    }
    // Routes that declare query parameters refuse unknown ones (strict schemas); the others ignore
    // the query string altogether, as HTTP servers do.
    if (queryParams.length) {
      options.push(() => {
        c.query = [...c.query, ["zz_unknown", "1"]];
        c.field = "zz_unknown";
        c.what = "unknown query parameter";
      });
    }
    if (op.money) {
      options.push(() => {
        c.header = "missing";
        c.what = "no Idempotency-Key";
      });
      options.push(() => {
        c.header = "bad";
        c.field = "Idempotency-Key";
        c.what = "malformed Idempotency-Key";
      });
    }
    options[which % options.length]();
    return c;
  });
}

interface Fixture {
  user: string;
  userToken: string;
  adminToken: string;
  /** Ids of rows that exist, per path shape: the caller's withdrawals, users, pools. */
  withdrawals: string[];
  config: unknown;
}

function resourceId(c: Case, name: string, f: Fixture): string {
  if (/\/withdrawals\/\{id\}/.test(c.op.path)) return f.withdrawals[c.pick % f.withdrawals.length];
  if (/\/users\/\{id\}/.test(c.op.path)) return c.pick % 2 ? f.user : "bob";
  if (/\/pools\/\{id\}/.test(c.op.path)) return POOL_ID;
  if (/\/webhooks\/\{id\}/.test(c.op.path)) return crypto.randomUUID();
  return name;
}

beforeAll(async () => {
  await seedWorld();
});

it("every endpoint, fed generated valid and broken input, never fails with a 5xx, names the broken field and writes nothing when it refuses", async () => {
  const doc = (await call("/openapi.json")).body;
  const ops = operations(doc);
  expect(ops.length).toBeGreaterThan(20);
  const user = "alice";
  await credit(user, "USDT", "100000");
  await credit(user, "TRX", "100000");
  const fixture: Fixture = {
    user,
    userToken: await tokenFor(user),
    adminToken: await tokenFor("ops", "admin"),
    withdrawals: [],
    config: (await call("/api/v1/admin/config", { token: await tokenFor("ops", "admin") })).body.config,
  };
  const refreshWithdrawals = async () => {
    for (let i = 0; i < 3; i++) await createWithdrawal(user, i % 2 ? FRESH : HOLDER, "1");
    fixture.withdrawals = (await env.DB.prepare("SELECT id FROM withdrawals WHERE user_id = ? ORDER BY created_at DESC LIMIT 20").bind(user).all<{ id: string }>()).results.map((r) => r.id);
  };
  await refreshWithdrawals();
  const query = await fingerprintQuery();
  const snapshot = () => fingerprint(query);

  const seed = Math.floor(Math.random() * 2 ** 31);
  const perOp = Math.ceil(REQUESTS / ops.length);
  // Round robin over the operations so that every one of them is exercised.
  const cases = ops
    .flatMap((op) => {
      const kinds = kindsFor(op);
      return kinds.flatMap((kind, i) => fc.sample(caseArbitrary(op, kind), { seed: seed + i, numRuns: Math.ceil(perOp / kinds.length) }));
    })
    .sort((a, b) => a.pick - b.pick);

  const violations: string[] = [];
  const seen = new Map<string, Set<Kind>>();
  let serverErrors = 0;
  for (const [n, c] of cases.entries()) {
    if (n % 100 === 99) await refreshWithdrawals();
    const path = c.op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(c.path[name] === "@resource" ? resourceId(c, name, fixture) : c.path[name]));
    const query = c.query.length ? `?${new URLSearchParams(c.query)}` : "";
    const headers: Record<string, string> = c.body === null ? {} : { "content-type": c.contentType };
    if (c.op.money && c.header !== "missing") headers["idempotency-key"] = c.header === "bad" ? "bad key!" : newKey("fuzz");
    const token = c.op.admin ? fixture.adminToken : fixture.userToken;
    const send = (body: string | null) => call(`${path}${query}`, { method: c.op.method, token, headers: { ...headers }, ...(body !== null ? { rawBody: body } : {}) });
    const before = await snapshot();
    const res = await send(c.body);
    const label = `${c.op.method} ${c.op.path} [${c.what}] -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    const problems: string[] = [];
    if (res.status >= 500) {
      serverErrors++;
      problems.push("server error");
    }
    if (REFUSALS.has(res.status)) {
      const after = await snapshot();
      if (after !== before) problems.push(`a refused request wrote to D1: ${diff(before, after)}`);
    }
    const error = res.body?.error;
    switch (c.kind) {
      case "valid":
        if (res.status === 400 && !error?.field) problems.push("a 400 that names no field");
        break;
      case "broken":
        if (c.header === "missing") {
          if (res.status !== 400 || error?.code !== "idempotency_key_required") problems.push("expected 400 idempotency_key_required");
        } else if (res.status !== 400 || error?.code !== "invalid_request") {
          problems.push(`expected 400 invalid_request naming ${c.field || "the body"}`);
        } else if (c.field ? error.field !== c.field : !error.field) {
          // Generated from the schema alone, the unbroken body may already break a rule the schema
          // cannot state (each provider once, say): then naming that field is right too.
          const unbroken = c.validBody !== null && c.field ? await send(c.validBody) : null;
          if (unbroken?.status !== 400 || unbroken.body?.error?.field !== error.field) {
            problems.push(`names the field ${JSON.stringify(error.field)}, not ${JSON.stringify(c.field)}`);
          }
        }
        break;
      case "malformed":
        if (res.status !== 400 || error?.code !== "malformed_json") problems.push("expected 400 malformed_json");
        break;
      case "oversized":
        if (res.status !== 413 || error?.code !== "payload_too_large") problems.push("expected 413 payload_too_large");
        break;
      case "media-type":
        if (res.status !== 415 && res.status !== 400) problems.push("expected 415 (or 400) for another media type");
        break;
    }
    if (!REFUSALS.has(res.status)) {
      // Keep the pool quiet between requests: an alarm writing to D1 meanwhile would look like a
      // refused request's write. And undo what a valid operator request changed for the rest.
      await runInDurableObject(pool(), (_i, state) => state.storage.deleteAlarm());
      if (c.op.method === "PUT" && c.op.path.endsWith("/admin/config") && res.status === 200) {
        await call("/api/v1/admin/config", { method: "PUT", token: fixture.adminToken, body: fixture.config });
      }
      await env.DB.prepare("DELETE FROM webhooks").run();
    }
    if (problems.length) violations.push(`${problems.join("; ")}: ${label}${c.body && c.body.length < 600 ? `\n      body ${c.body}` : ""}`);
    const key = `${c.op.method} ${c.op.path}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(c.kind));
  }

  console.log(`fuzz: ${cases.length} requests, ${serverErrors} server errors`);
  // Every operation got valid and broken input.
  for (const op of ops) {
    expect([...(seen.get(`${op.method} ${op.path}`) ?? [])], `${op.method} ${op.path}`).toEqual(expect.arrayContaining(takesInput(op) ? ["valid", "broken"] : ["valid"]));
  }
  expect(violations, `seed ${seed}:\n  ${violations.slice(0, 40).join("\n  ")}${violations.length > 40 ? `\n  … and ${violations.length - 40} more` : ""}`).toEqual([]);
}, SOAK ? 30 * 60_000 : 5 * 60_000);

it("a postponement refused for its time writes nothing, not even its Idempotency-Key", async () => {
  await credit("bob", "USDT", "10");
  const w = await createWithdrawal("bob", HOLDER, "1");
  const query = await fingerprintQuery();
  const before = await fingerprint(query);
  const res = await call(`/api/v1/withdrawals/${w.id}/process-with-option`, {
    token: await tokenFor("bob"),
    body: { method: "postpone", postpone_until: new Date(Date.now() - 60_000).toISOString() },
    idempotencyKey: newKey("postpone"),
  });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe("postpone_until");
  const after = await fingerprint(query);
  expect(diff(before, after)).toBe("");
});
