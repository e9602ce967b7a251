import { startDevnet } from "../../devnet/server";
import { SOAK_DEVNET_PORT } from "./ports";

export default async function setup() {
  const devnet = await startDevnet({ port: SOAK_DEVNET_PORT });
  return async () => devnet.close();
}
