import { startDevnet } from "../devnet/server";
import { testDevnetPort } from "./ports";

export default async function setup() {
  const devnet = await startDevnet({ port: await testDevnetPort() });
  return async () => devnet.close();
}
