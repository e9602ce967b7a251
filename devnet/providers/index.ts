// The four provider emulators behind `/providers/<name>/…`, and their control endpoints.
import type { Chain } from '../chain.js';
import { EMULATED_PROVIDERS, ProviderEmulator, reply, type EmulatedProvider, type ProviderReply, type ProviderRequest } from './core.js';
import { feeeOrderNo, handleFeee } from './feee.js';
import { handleItrx, itrxSerial } from './itrx.js';
import { handleTronsave, tronsaveOrderId } from './tronsave.js';
import { handleTronzap, tronzapId } from './tronzap.js';

export { DEVNET_PROVIDER_CREDENTIALS, EMULATED_PROVIDERS } from './core.js';

const WIRE: Record<EmulatedProvider, { handle: (emu: ProviderEmulator, req: ProviderRequest) => ProviderReply; formatId: (sequence: number, createdAt: number) => string }> = {
  tronsave: { handle: handleTronsave, formatId: tronsaveOrderId },
  feee: { handle: handleFeee, formatId: feeeOrderNo },
  itrx: { handle: handleItrx, formatId: itrxSerial },
  tronzap: { handle: handleTronzap, formatId: tronzapId },
};

const isProvider = (name: string): name is EmulatedProvider => (EMULATED_PROVIDERS as readonly string[]).includes(name);

export class ProviderEmulators {
  private readonly emulators: Record<EmulatedProvider, ProviderEmulator>;

  constructor(chain: Chain) {
    this.emulators = Object.fromEntries(
      EMULATED_PROVIDERS.map((name) => [name, new ProviderEmulator(name, chain, WIRE[name].formatId)]),
    ) as Record<EmulatedProvider, ProviderEmulator>;
  }

  get(name: string): ProviderEmulator | undefined {
    return isProvider(name) ? this.emulators[name] : undefined;
  }

  /** Serves `/providers/<name><path>`. */
  handle(fullPath: string, request: Omit<ProviderRequest, 'path'>): ProviderReply {
    const match = /^\/providers\/([a-z]+)(\/.*)?$/.exec(fullPath);
    const emulator = match ? this.get(match[1]) : undefined;
    if (!match || !emulator) return reply(404, { error: `no such provider emulator: ${fullPath}` });
    return WIRE[emulator.name].handle(emulator, { ...request, path: match[2] ?? '/' });
  }

  reset(): void {
    for (const emulator of Object.values(this.emulators)) emulator.reset();
  }
}
