export const TEST_DEVNET_PORT = 8791;
