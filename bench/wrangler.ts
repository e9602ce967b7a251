import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ROOT, type WranglerDev } from "../scripts/stack";

// wrangler for the benches: one-shot commands, and `wrangler dev` for Workers other than the
// project's main one (scripts/stack.ts starts that one): the trivial Worker, the counting Worker.

const WRANGLER_BIN = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
// No prompts, no metrics or update checks over the network.
const WRANGLER_ENV = { CI: "1", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** Runs `wrangler <args>` to the end and returns what it printed; throws with it on failure. */
export function wrangler(args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...WRANGLER_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrangler ${args.join(" ")} failed (exit ${code})\n${text}`))));
  });
}

/**
 * `wrangler dev <args>` on 127.0.0.1:`port`, in its own process group so that stopping it also
 * stops its workerd processes.
 */
export function startWranglerDev(opts: { args: string[]; port: number; inspectorPort: number; cwd?: string }): WranglerDev {
  const args = [WRANGLER_BIN, "dev", ...opts.args, "--ip", "127.0.0.1", "--port", String(opts.port), "--inspector-port", String(opts.inspectorPort)];
  const child = spawn(process.execPath, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...WRANGLER_ENV }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let text = "";
  const keep = (d: Buffer) => {
    text = (text + d.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  return {
    url: `http://127.0.0.1:${opts.port}`,
    child,
    output: () => text,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      // wrangler may exit before its workerd: the group is swept once more.
      signal("SIGKILL");
    },
  };
}
