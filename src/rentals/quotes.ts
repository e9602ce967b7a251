import type { Env } from "../env";
import type { ExternalProviderConfig } from "../domain/config";
import type { ProviderQuoteIn } from "../domain/external";
import { log } from "../log";
import { providerFor } from "./providers";

// The rental every quote is for: one hour, the usual market unit, comfortably covering a transfer
// that waits for delivery (seconds) and for its own confirmation (about a minute).
export const RENTAL_DURATION_SEC = 3_600;
// A provider that has not answered by then is left out of this check, not waited for.
export const QUOTE_TIMEOUT_MS = 2_500;
// A quote older than this is not accepted any more: market prices move by the block.
export const QUOTE_VALID_MS = 120_000;

/** Every configured provider asked in parallel, each within its own time limit; silent ones dropped. */
export async function gatherQuotes(env: Env, providers: ExternalProviderConfig[], energy: number, receiver: string): Promise<ProviderQuoteIn[]> {
  const answers = await Promise.all(
    providers.map(async (p): Promise<ProviderQuoteIn | null> => {
      const signal = AbortSignal.timeout(QUOTE_TIMEOUT_MS);
      try {
        // The race guards against an adapter that would not honour the signal.
        const quote = await Promise.race([
          providerFor(env, p).quote({ energy, receiver, durationSec: RENTAL_DURATION_SEC }, signal),
          new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("quote timed out")))),
        ]);
        return { provider: p.name, costSun: quote.costSun, markup: p.markup };
      } catch (e) {
        log("provider_quote_failed", { provider: p.name, error: e instanceof Error ? e.message : String(e) });
        return null;
      }
    }),
  );
  return answers.filter((a): a is ProviderQuoteIn => a !== null);
}
