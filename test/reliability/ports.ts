// The soak profile runs its own devnet, away from test/ports.ts's, so that it can run while
// `npm test` does (each owns one chain clock).
export const SOAK_DEVNET_PORT = 8796;
