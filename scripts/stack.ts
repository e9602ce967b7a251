// The local stack shared by `npm run dev`, `npm run demo` and the browser test: the D1 database
// migrated and seeded, the devnet's demo wallets funded and staked, `wrangler dev` on real workerd,
// and dev tokens signed the way scripts/token.mjs signs them.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { sign } from "hono/jwt";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const HOT_WALLET = "TUVuiKMpkatA6dhkv4z7ZuVEfdcpMApx9b";
export const FEE_WALLET = "TCLBgkbfVkJroVBJVqBEsxtPNQEQMTQCLQ";
export const RENTAL_WALLET = "TWa5cxQFesyCQUm17usvHrVkKce6rMCV4H";
/** Holds USDT on the devnet once seeded: a transfer to it costs ~65k energy. */
export const DEMO_HOLDER = "TBvJUBXorwBPzqvV38vjDgegj5Eh6g2Tsq";
export const DEMO_STAKE_TRX = 100_000;
export const POOL_ID = "pool-main";

// Called through the Node that runs this script (the project's pinned Node 22), not through npx,
// so that no shell or npm wrapper stands between us and the process group we stop.
const WRANGLER_BIN = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
// Keeps wrangler from prompting and from reaching for the network (metrics, update checks).
const WRANGLER_ENV = { CI: "1", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** KEY=VALUE lines of a .dev.vars-style file; {} when it does not exist. */
export function readVarsFile(name: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
  } catch {
    return {};
  }
  const vars: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || !line.includes("=")) continue;
    vars[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return vars;
}

/** The secrets `wrangler dev` will use: .dev.vars, or the example it is created from. */
export function devSecrets(): Record<string, string> {
  const own = readVarsFile(".dev.vars");
  return Object.keys(own).length ? own : readVarsFile(".dev.vars.example");
}

/** A `[vars]` value of wrangler.toml. */
function wranglerVar(name: string): string {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const value = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
  if (value === undefined) throw new Error(`wrangler.toml has no [vars] ${name}`);
  return value;
}

/** A dev token valid for 12 h, with the claims the API checks. */
export async function signToken(userId: string, opts: { secret: string; admin?: boolean }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      sub: userId,
      role: opts.admin ? "admin" : "user",
      iss: wranglerVar("JWT_ISSUER"),
      aud: wranglerVar("JWT_AUDIENCE"),
      iat: now,
      exp: now + 12 * 3600,
    },
    opts.secret,
    "HS256",
  );
}

export async function devnetPost(devnetUrl: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(devnetUrl + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`devnet ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * The demo world on the chain: the hot wallet holds TRX and USDT and stakes for energy; the fee
 * wallet stakes nothing (TRX-paid transfers burn from its balance); the rental wallet receives
 * rented energy (it needs an account for providers to delegate to); the demo recipient holds USDT.
 */
export async function seedChain(devnetUrl: string): Promise<void> {
  await devnetPost(devnetUrl, "/devnet/fund", { address: HOT_WALLET, sun: 10_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnetPost(devnetUrl, "/devnet/fund", { address: FEE_WALLET, sun: 100_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnetPost(devnetUrl, "/devnet/fund", { address: RENTAL_WALLET, sun: 100_000_000_000, usdt_units: 1_000_000_000_000 });
  await devnetPost(devnetUrl, "/devnet/fund", { address: DEMO_HOLDER, usdt_units: 1_000_000 });
  await devnetPost(devnetUrl, "/devnet/stake", { address: HOT_WALLET, trx: DEMO_STAKE_TRX });
}

function run(args: string[], output: "inherit" | "capture"): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout?.on("data", (d) => (text += d));
    child.stderr?.on("data", (d) => (text += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} failed (exit ${code})\n${text}`))));
  });
}

/** Applies the D1 migrations and the demo seed to the local database (or the one under `persistTo`). */
export async function prepareDatabase(opts: { persistTo?: string; output?: "inherit" | "capture" } = {}): Promise<void> {
  const persist = opts.persistTo ? ["--persist-to", opts.persistTo] : [];
  const output = opts.output ?? "inherit";
  await run(["d1", "migrations", "apply", "DB", "--local", ...persist], output);
  await run(["d1", "execute", "DB", "--local", ...persist, "--file", "scripts/seed.sql"], output);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** What it printed, for the error report when it does not come up. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `wrangler dev` on 127.0.0.1:`port`. "inherit" shares this terminal (its key shortcuts work);
 * "capture" runs it in its own process group, so that stopping it also stops its workerd.
 */
export function startWrangler(opts: {
  port: number;
  vars: Record<string, string>;
  persistTo?: string;
  inspectorPort?: number;
  output: "inherit" | "capture";
}): WranglerDev {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(opts.port)];
  if (opts.persistTo) args.push("--persist-to", opts.persistTo);
  if (opts.inspectorPort) args.push("--inspector-port", String(opts.inspectorPort));
  for (const [k, v] of Object.entries(opts.vars)) args.push("--var", `${k}:${v}`);
  const captured = opts.output === "capture";
  const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: ROOT,
    env: captured ? { ...process.env, ...WRANGLER_ENV } : process.env,
    stdio: captured ? ["ignore", "pipe", "pipe"] : "inherit",
    detached: captured,
  });
  let text = "";
  const keep = (d: Buffer) => {
    text = (text + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (captured && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // Already gone.
    }
  };
  // A process group of its own does not die with us: if we exit first, it is taken down too.
  const orphaned = () => signal("SIGKILL");
  if (captured) process.once("exit", orphaned);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `http://127.0.0.1:${opts.port}`,
    child,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signal("SIGTERM");
        const timer = setTimeout(() => signal("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // wrangler may exit before its workerd: the group is swept once more.
      signal("SIGKILL");
      process.off("exit", orphaned);
    },
  };
}

/** Resolves once the API answers (which needs the Worker, D1 and the devnet); throws if wrangler dies first. */
export async function waitUntilServing(dev: WranglerDev, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (dev.child.exitCode !== null) throw new Error(`wrangler dev exited (${dev.child.exitCode}) before serving:\n${dev.output()}`);
    // wrangler dev stays up after a failed build, waiting for the next edit: nothing will serve.
    if (dev.output().includes("Build failed")) throw new Error(`the Worker does not build:\n${dev.output()}`);
    try {
      const res = await fetch(`${dev.url}/api/v1/energy/status`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not serve within ${timeoutMs} ms (last: ${last}):\n${dev.output()}`);
}
