// Prints a dev JWT: npm run token -- <user-id> [--admin] [--hours N]
import { readFileSync } from "node:fs";
import { sign } from "hono/jwt";

const args = process.argv.slice(2);
const user = args.find((a) => !a.startsWith("--"));
if (!user) {
  console.error("usage: npm run token -- <user-id> [--admin] [--hours N]");
  process.exit(2);
}
const hoursAt = args.indexOf("--hours");
const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 12;

const vars = Object.fromEntries(
  [".dev.vars", ".dev.vars.example"]
    .flatMap((f) => { try { return [readFileSync(f, "utf8")]; } catch { return []; } })[0]
    ?.split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && l.includes("="))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]) ?? [],
);
const toml = readFileSync("wrangler.toml", "utf8");
const varOf = (name) => new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];

const secret = process.env.JWT_SECRET ?? vars.JWT_SECRET;
if (!secret) {
  console.error("JWT_SECRET not found in the environment, .dev.vars or .dev.vars.example");
  process.exit(1);
}
const now = Math.floor(Date.now() / 1000);
const token = await sign(
  { sub: user, role: args.includes("--admin") ? "admin" : "user", iss: varOf("JWT_ISSUER"), aud: varOf("JWT_AUDIENCE"), iat: now, exp: now + Math.round(hours * 3600) },
  secret,
  "HS256",
);
console.log(token);
