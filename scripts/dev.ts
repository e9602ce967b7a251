// `npm run dev`: everything offline on this machine. Migrates and seeds the local D1, starts the
// devnet (TRON node + control API) in this process, funds and stakes the demo hot wallet on it,
// then runs `wrangler dev` for the API and the dashboard.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { startDevnet } from "../devnet/server";

const DEVNET_PORT = Number(process.env.DEVNET_PORT ?? 8790);
const API_PORT = Number(process.env.PORT ?? 8787);
const HOT_WALLET = "TUVuiKMpkatA6dhkv4z7ZuVEfdcpMApx9b";
const FEE_WALLET = "TCLBgkbfVkJroVBJVqBEsxtPNQEQMTQCLQ";
const DEMO_HOLDER = "TBvJUBXorwBPzqvV38vjDgegj5Eh6g2Tsq";

const log = (event: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...fields }));

function wrangler(args: string[]) {
  const r = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env: { ...process.env, CI: "1" } });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed (exit ${r.status})`);
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  log("dev_vars_created", { from: ".dev.vars.example" });
}

wrangler(["d1", "migrations", "apply", "DB", "--local"]);
wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/seed.sql"]);

const devnet = await startDevnet({ port: DEVNET_PORT });
const control = async (path: string, body: unknown) => {
  const res = await fetch(devnet.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`devnet ${path}: ${res.status} ${await res.text()}`);
};
await control("/devnet/fund", { address: HOT_WALLET, sun: 10_000_000_000, usdt_units: 1_000_000_000_000 });
// The fee wallet stakes nothing: TRX-paid transfers burn from its balance.
await control("/devnet/fund", { address: FEE_WALLET, sun: 100_000_000_000, usdt_units: 1_000_000_000_000 });
await control("/devnet/fund", { address: DEMO_HOLDER, usdt_units: 1_000_000 });
await control("/devnet/stake", { address: HOT_WALLET, trx: 100_000 });
log("devnet_seeded", { url: devnet.url, hot_wallet: HOT_WALLET, fee_wallet: FEE_WALLET, stake_trx: 100_000 });

const api = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(API_PORT), "--var", `TRON_API_URL:${devnet.url}`], {
  stdio: "inherit",
  env: process.env,
});

const stop = async (code: number) => {
  api.kill("SIGTERM");
  await devnet.close();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
api.on("exit", (code) => void stop(code ?? 0));
