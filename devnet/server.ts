// Entry point: `startDevnet()` for tests and scripts, or `npx tsx devnet/server.ts --port 8790`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Chain } from './chain.js';
import { FaultQueue } from './faults.js';
import { HookSink } from './hooks.js';
import { requestListener, type DevnetParts } from './http.js';
import { ProviderEmulators } from './providers/index.js';

export interface DevnetHandle {
  url: string;
  close(): Promise<void>;
}

export async function startDevnet({ port, host = '127.0.0.1' }: { port: number; host?: string }): Promise<DevnetHandle> {
  const chain = new Chain();
  const parts: DevnetParts = { chain, faults: new FaultQueue(), hangs: new Set(), hooks: new HookSink(), providers: new ProviderEmulators(chain) };
  const server = createServer(requestListener(parts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of parts.hangs) clearTimeout(timer);
        parts.hangs.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const port = Number(option(args, '--port') ?? process.env.DEVNET_PORT ?? 8790);
  const host = option(args, '--host') ?? process.env.DEVNET_HOST ?? '127.0.0.1';
  const devnet = await startDevnet({ port, host });
  console.log(JSON.stringify({ event: 'devnet_started', url: devnet.url }));
  const stop = () => void devnet.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
