import { startDevnet } from "../devnet/server";
import { TEST_DEVNET_PORT } from "./ports";

export default async function setup() {
  const devnet = await startDevnet({ port: TEST_DEVNET_PORT });
  return async () => devnet.close();
}
