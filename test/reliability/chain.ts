import { expect } from "vitest";
import { devnet, USDT } from "../helpers";
import { encodeTransferParameter } from "../../src/tron/client";
import { addressOfKey, signTransaction } from "../../src/tron/signer";

// Acting on the devnet as an account's owner would, with its key: for scenarios where the world
// changes under the service (a wallet emptied, a recipient moving its funds).

/** Sends USDT from the account of `privateKey`; resolves with the txid once the node took it. */
export async function sendUsdt(privateKey: string, to: string, units: bigint): Promise<string> {
  const owner = await addressOfKey(privateKey);
  const built = await devnet("/wallet/triggersmartcontract", {
    owner_address: owner,
    contract_address: USDT,
    function_selector: "transfer(address,uint256)",
    parameter: encodeTransferParameter(to, Number(units)),
    fee_limit: 200_000_000,
    call_value: 0,
    visible: true,
  });
  const signed = await signTransaction(built.transaction, privateKey);
  const sent = await devnet("/wallet/broadcasttransaction", signed);
  expect(sent.result).toBe(true);
  return signed.txID;
}

export async function usdtUnits(address: string): Promise<bigint> {
  const account = (await devnet("/devnet/state")).accounts.find((a: any) => a.address === address);
  return BigInt(account?.usdt_units ?? 0);
}
