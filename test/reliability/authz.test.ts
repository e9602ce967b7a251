import { beforeAll, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { sign } from "hono/jwt";
import { call, createWithdrawal, credit, HOLDER, newKey, POOL_ID, seedWorld, tokenFor } from "../helpers";
import { diff, fingerprint, fingerprintQuery } from "./d1";
import { operations, validValue, type Operation } from "./openapi";

// The authorization matrix: every endpoint of the OpenAPI document (so that a new route cannot
// escape it) plus the WebSocket upgrade, against every kind of caller. Forged or stale tokens get
// 401 and write nothing; a user gets 404 for another user's withdrawal and 403 on /admin; the
// legitimate caller gets through (success, or a 4xx that is not 401/403). Only the status page
// and the OpenAPI document are public; the upgrade authenticates with its ticket alone.

const PUBLIC = new Set(["GET /api/v1/energy/status"]);
const TICKETED = new Set(["GET /api/v1/ws"]);
const SECRET_FOR_OTHERS = "another-secret-0123456789abcdef0123";

type Caller = "no token" | "expired" | "alg none" | "HS512" | "wrong iss" | "wrong aud" | "bad signature" | "another user" | "user on admin" | "admin" | "owner";
const FORGED: Caller[] = ["no token", "expired", "alg none", "HS512", "wrong iss", "wrong aud", "bad signature"];

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

async function tokens(): Promise<Record<Caller, string | undefined>> {
  const now = Math.floor(Date.now() / 1000);
  const alice = { sub: "alice", role: "user", iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600 };
  return {
    "no token": undefined,
    expired: await sign({ ...alice, iat: now - 700, exp: now - 60 }, env.JWT_SECRET, "HS256"),
    "alg none": `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...alice, role: "admin" })}.`,
    HS512: await sign({ ...alice, role: "admin" }, env.JWT_SECRET, "HS512"),
    "wrong iss": await sign({ ...alice, iss: "someone-else" }, env.JWT_SECRET, "HS256"),
    "wrong aud": await sign({ ...alice, aud: "another-api" }, env.JWT_SECRET, "HS256"),
    "bad signature": await sign({ ...alice, role: "admin" }, SECRET_FOR_OTHERS, "HS256"),
    "another user": await tokenFor("bob"),
    "user on admin": await tokenFor("alice"),
    admin: await tokenFor("ops", "admin"),
    owner: await tokenFor("alice"),
  };
}

/** The callers an operation is tried with, and what each must get. */
function expectations(op: Operation): Array<[Caller, (status: number, body: any) => string | null]> {
  const id = `${op.method} ${op.path}`;
  const is = (status: number, code: string) => (s: number, b: any) => (s === status && b?.error?.code === code ? null : `expected ${status} ${code}`);
  const through = (s: number) => (s < 500 && s !== 401 && s !== 403 ? null : "expected success or a 4xx other than 401/403");
  if (PUBLIC.has(id)) return [...FORGED, "owner", "admin"].map((c) => [c as Caller, (s: number) => (s === 200 ? null : "a public endpoint answers 200 to anyone")]);
  const forged = FORGED.map((c) => [c, is(401, "unauthorized")] as [Caller, (s: number, b: any) => string | null]);
  if (op.admin) return [...forged, ["user on admin", is(403, "forbidden")], ["admin", through]];
  const owned = /\/withdrawals\/\{id\}/.test(op.path);
  return [...forged, ["another user", owned ? is(404, "not_found") : through], ["admin", through], ["owner", through]];
}

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "1000");
  await credit("bob", "USDT", "1000");
});

it("every endpoint answers each caller as its role and ownership allow, and forged tokens write nothing", async () => {
  const doc = (await call("/openapi.json")).body;
  const ops = operations(doc).filter((op) => !TICKETED.has(`${op.method} ${op.path}`));
  expect(ops.length).toBeGreaterThan(20);
  const t = await tokens();
  const admin = t.admin!;
  const config = (await call("/api/v1/admin/config", { token: admin })).body.config;
  const query = await fingerprintQuery();
  const failures: string[] = [];

  for (const op of ops) {
    // Each operation acts on a withdrawal of alice's own, fresh, so that refusals are not mistaken
    // for a state the previous operation left behind.
    const mine = await createWithdrawal("alice", HOLDER, "1");
    const hook = await call("/api/v1/admin/webhooks", { token: admin, body: { kind: "slack", url: "http://127.0.0.1:9/authz" } });
    const pathValue = (name: string) => {
      if (/\/withdrawals\/\{id\}/.test(op.path)) return mine.id;
      if (/\/users\/\{id\}/.test(op.path)) return "alice";
      if (/\/pools\/\{id\}/.test(op.path)) return POOL_ID;
      if (/\/webhooks\/\{id\}/.test(op.path)) return hook.body.id;
      return name;
    };
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(pathValue(name)));
    // The smallest valid body: the fewer optional fields, the likelier the legitimate call succeeds.
    const body = op.body ? fc.sample(validValue(op.body.schema, { tronAddress: HOLDER, minimal: true }), { seed: 7, numRuns: 1 })[0] : undefined;

    for (const [caller, expected] of expectations(op)) {
      const before = await fingerprint(query);
      const res = await call(path, { method: op.method, token: t[caller], ...(body !== undefined ? { body } : {}), ...(op.money ? { idempotencyKey: newKey("authz") } : {}) });
      const wrong = expected(res.status, res.body);
      if (wrong) failures.push(`${op.method} ${op.path} as ${caller}: ${wrong}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      if (res.status === 401 || res.status === 403) {
        const changed = diff(before, await fingerprint(query));
        if (changed) failures.push(`${op.method} ${op.path} as ${caller}: refused with ${res.status} but wrote ${changed}`);
      }
      // Whatever another user tried, alice's withdrawal is as it was.
      if (caller === "another user" && (await call(`/api/v1/withdrawals/${mine.id}`, { token: t.owner })).body.status !== "pending") {
        failures.push(`${op.method} ${op.path} as another user changed alice's withdrawal`);
      }
      // Another user's listings never show alice's rows.
      if (caller === "another user" && res.status === 200 && JSON.stringify(res.body).includes(mine.id)) failures.push(`${op.method} ${op.path} shows alice's withdrawal to bob`);
      if (op.method === "PUT" && op.path.endsWith("/admin/config") && res.status === 200) await call("/api/v1/admin/config", { method: "PUT", token: admin, body: config });
    }
  }
  expect(failures).toEqual([]);
});

it("the OpenAPI document is public", async () => {
  const t = await tokens();
  for (const caller of [...FORGED, "owner"] as Caller[]) expect((await call("/openapi.json", { token: t[caller] })).status, caller).toBe(200);
});

it("the WebSocket upgrade takes its single-use ticket and nothing else", async () => {
  const t = await tokens();
  const upgrade = (ticket: string, token?: string) =>
    exports.default.fetch(
      new Request(`http://api.test/api/v1/ws?ticket=${ticket}`, { headers: { upgrade: "websocket", ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
    );
  const unknown = "ab".repeat(32);
  // A bearer token, forged or genuine, admin's included, is no ticket.
  for (const caller of [...FORGED, "owner", "admin"] as Caller[]) {
    const res = await upgrade(unknown, t[caller]);
    expect(res.status, caller).toBe(401);
    expect(((await res.json()) as any).error.code, caller).toBe("invalid_ticket");
  }
  // Tickets are handed out to signed-in callers only.
  for (const caller of FORGED) expect((await call("/api/v1/ws/ticket", { method: "POST", token: t[caller] })).status, caller).toBe(401);
  const issued = await call("/api/v1/ws/ticket", { method: "POST", token: t.owner });
  expect(issued.status).toBe(201);
  const opened = await upgrade(issued.body.ticket);
  expect(opened.status).toBe(101);
  opened.webSocket!.accept();
  opened.webSocket!.close(1000, "done");
  // Single use.
  expect((await upgrade(issued.body.ticket)).status).toBe(401);
});
