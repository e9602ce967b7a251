// The Worker's secrets as the test and bench configs give them to workerd: the devnet's keys and
// the provider emulators' credentials (devnet/README.md), never real ones.
export const DEVNET_SECRETS = {
  JWT_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
  HOT_WALLET_PRIVATE_KEY: "8b4c6e3b2f1c0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
  FEE_WALLET_PRIVATE_KEY: "1111111111111111111111111111111111111111111111111111111111111111",
  RENTAL_WALLET_PRIVATE_KEY: "5555555555555555555555555555555555555555555555555555555555555555",
  PROVIDER_TRONSAVE_API_KEY: "devnet-tronsave-key",
  PROVIDER_FEEE_API_KEY: "devnet-feee-key",
  PROVIDER_ITRX_API_KEY: "devnet-itrx-key",
  PROVIDER_ITRX_API_SECRET: "devnet-itrx-secret",
  PROVIDER_TRONZAP_API_TOKEN: "devnet-tronzap-key",
  PROVIDER_TRONZAP_API_SECRET: "devnet-tronzap-secret",
};
