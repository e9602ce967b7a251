// Bindings only test/reliability/vitest.soak.config.ts sets: under the main config they are absent
// and the reliability suites run their fast profile.
declare namespace Cloudflare {
  interface Env {
    /** "soak" for the long profile; anything else (or nothing) is the fast one. */
    RELIABILITY_PROFILE?: string;
    /** Replays one model sequence: its seed (and fast-check path), as a failure prints them. */
    MODEL_SEED?: string;
    MODEL_PATH?: string;
    /** Overrides the soak's step and request targets. */
    SOAK_STEPS?: string;
    FUZZ_REQUESTS?: string;
  }
}
