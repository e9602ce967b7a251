import { createServer } from "node:net";

// The test devnet's port: a free one chosen when the config loads (in the main vitest process) and
// handed to test/global-setup.ts through the environment, so two test runs on one machine do not
// collide. The config and the global setup run in the same process.
const ENV_KEY = "ENERGY_FALLBACK_TEST_DEVNET_PORT";

export async function testDevnetPort(): Promise<number> {
  const known = Number(process.env[ENV_KEY]);
  if (known) return known;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  process.env[ENV_KEY] = String(port);
  return port;
}
