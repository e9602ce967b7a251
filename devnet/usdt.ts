// The one contract the devnet runs: USDT-TRC20 at its mainnet address. Execution is a
// table of outcomes, not a VM: energy figures are the known opcode totals of a transfer
// (recipient already holding USDT or not) scaled by the contract's dynamic energy factor.

export const USDT_ADDRESS_HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
export const ENERGY_FACTOR = 34_000;
const DECIMALS = 6;

const HOLDER_TRANSFER_ENERGY = 14_631;
const NEW_HOLDER_TRANSFER_ENERGY = 29_631;
// What triggerconstantcontract reports for a read; also what a call to an unknown function costs.
const READ_ENERGY = 935;

const SELECTOR = { transfer: 'a9059cbb', balanceOf: '70a08231', decimals: '313ce567' } as const;
const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const ZERO_ADDRESS_HEX = '41' + '00'.repeat(20);

export interface UsdtLog {
  address: string;
  topics: string[];
  data: string;
}

export type UsdtOutcome =
  | {
      status: 'SUCCESS';
      energy: number;
      penalty: number;
      output: string;
      transfer?: { from: string; to: string; amount: bigint };
      logs: UsdtLog[];
    }
  | { status: 'REVERT'; energy: number; penalty: number; output: string; logs: UsdtLog[] };

/** USDT balances in base units, keyed by hex address; this is contract storage, not accounts. */
export type UsdtLedger = Map<string, bigint>;

const word = (value: bigint) => value.toString(16).padStart(64, '0');

function withPenalty(base: number): { energy: number; penalty: number } {
  const energy = Math.floor((base * (10_000 + ENERGY_FACTOR)) / 10_000);
  return { energy, penalty: energy - base };
}

function addressArgument(data: string, index: number): string | null {
  const slot = data.slice(8 + index * 64, 8 + (index + 1) * 64);
  if (slot.length !== 64 || !/^0{24}[0-9a-f]{40}$/.test(slot)) return null;
  return '41' + slot.slice(24);
}

function uintArgument(data: string, index: number): bigint | null {
  const slot = data.slice(8 + index * 64, 8 + (index + 1) * 64);
  return slot.length === 64 && /^[0-9a-f]{64}$/.test(slot) ? BigInt('0x' + slot) : null;
}

/** The recipient and amount a transfer call asks for, whether or not it can succeed. */
export function decodeTransfer(callData: string): { to: string | null; amount: bigint | null } | null {
  const data = callData.toLowerCase();
  if (data.slice(0, 8) !== SELECTOR.transfer) return null;
  return { to: addressArgument(data, 0), amount: uintArgument(data, 1) };
}

function read(value: bigint): UsdtOutcome {
  return { status: 'SUCCESS', ...withPenalty(READ_ENERGY), output: word(value), logs: [] };
}

function revert(base: number): UsdtOutcome {
  // Simplified: a real revert pays the dynamic penalty on the opcodes it ran before stopping.
  return { status: 'REVERT', energy: base, penalty: 0, output: '', logs: [] };
}

/** Runs a call against the ledger without changing it. */
export function callUsdt(ledger: UsdtLedger, caller: string, callData: string): UsdtOutcome {
  const data = callData.toLowerCase();
  const balance = (address: string) => ledger.get(address) ?? 0n;
  switch (data.slice(0, 8)) {
    case SELECTOR.decimals:
      return read(BigInt(DECIMALS));
    case SELECTOR.balanceOf: {
      const owner = addressArgument(data, 0);
      return owner ? read(balance(owner)) : revert(READ_ENERGY);
    }
    case SELECTOR.transfer: {
      const to = addressArgument(data, 0);
      const amount = uintArgument(data, 1);
      const base = to && balance(to) > 0n ? HOLDER_TRANSFER_ENERGY : NEW_HOLDER_TRANSFER_ENERGY;
      if (!to || to === ZERO_ADDRESS_HEX || amount === null || amount > balance(caller)) return revert(base);
      const log = {
        address: USDT_ADDRESS_HEX.slice(2),
        topics: [TRANSFER_TOPIC, word(BigInt('0x' + caller.slice(2))), word(BigInt('0x' + to.slice(2)))],
        data: word(amount),
      };
      return { status: 'SUCCESS', ...withPenalty(base), output: word(1n), transfer: { from: caller, to, amount }, logs: [log] };
    }
    default:
      return revert(READ_ENERGY);
  }
}

export function applyTransfer(ledger: UsdtLedger, transfer: { from: string; to: string; amount: bigint }): void {
  ledger.set(transfer.from, (ledger.get(transfer.from) ?? 0n) - transfer.amount);
  ledger.set(transfer.to, (ledger.get(transfer.to) ?? 0n) + transfer.amount);
}

/** The subset of the deployed contract's description that clients read (getcontract). */
export const USDT_CONTRACT = {
  origin_address: '41' + 'c'.repeat(40),
  contract_address: USDT_ADDRESS_HEX,
  name: 'TetherToken',
  consume_user_resource_percent: 100,
  origin_energy_limit: 10_000_000,
  abi: {
    entrys: [
      {
        constant: true,
        inputs: [{ name: 'who', type: 'address' }],
        name: 'balanceOf',
        outputs: [{ type: 'uint256' }],
        stateMutability: 'View',
        type: 'Function',
      },
      {
        constant: true,
        name: 'decimals',
        outputs: [{ type: 'uint8' }],
        stateMutability: 'View',
        type: 'Function',
      },
      {
        inputs: [
          { name: '_to', type: 'address' },
          { name: '_value', type: 'uint256' },
        ],
        name: 'transfer',
        outputs: [{ type: 'bool' }],
        stateMutability: 'Nonpayable',
        type: 'Function',
      },
      {
        anonymous: false,
        inputs: [
          { indexed: true, name: 'from', type: 'address' },
          { indexed: true, name: 'to', type: 'address' },
          { name: 'value', type: 'uint256' },
        ],
        name: 'Transfer',
        type: 'Event',
      },
    ],
  },
};
