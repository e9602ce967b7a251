// `npm run dev`: everything offline on this machine. Migrates and seeds the local D1, starts the
// devnet (TRON node + control API) in this process, funds and stakes the demo hot wallet on it,
// then runs `wrangler dev` for the API and the dashboard.
import { copyFileSync, existsSync } from "node:fs";
import { startDevnet } from "../devnet/server";
import { DEMO_STAKE_TRX, FEE_WALLET, HOT_WALLET, prepareDatabase, readVarsFile, seedChain, startWrangler } from "./stack";

const DEVNET_PORT = Number(process.env.DEVNET_PORT ?? 8790);
const API_PORT = Number(process.env.PORT ?? 8787);

const log = (event: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...fields }));

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  log("dev_vars_created", { from: ".dev.vars.example" });
}
// A .dev.vars made before a secret was added (the fee wallet's key, say) would break the path that
// needs it: the example's value is passed for each missing one, and the file is left as it is.
const example = readVarsFile(".dev.vars.example");
const own = readVarsFile(".dev.vars");
const missing = Object.fromEntries(Object.entries(example).filter(([k]) => !(k in own)));
if (Object.keys(missing).length) log("dev_vars_missing", { from_example: Object.keys(missing) });

await prepareDatabase();

const devnet = await startDevnet({ port: DEVNET_PORT });
await seedChain(devnet.url);
log("devnet_seeded", { url: devnet.url, hot_wallet: HOT_WALLET, fee_wallet: FEE_WALLET, stake_trx: DEMO_STAKE_TRX });

// The dashboard's WebSocket is checked against the allowed origins: they follow the chosen port.
const origins = `http://127.0.0.1:${API_PORT},http://localhost:${API_PORT}`;
const api = startWrangler({ port: API_PORT, vars: { ...missing, TRON_API_URL: devnet.url, WS_ALLOWED_ORIGINS: origins }, output: "inherit" });

const stop = async (code: number) => {
  await api.stop();
  await devnet.close();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
api.child.on("exit", (code) => void stop(code ?? 0));
