import type BigNumber from "bignumber.js";
import type { Requirements } from "../types.js";
import { isDecimalTokenId, parseAmount, parseTokenId } from "./parse-amount.js";
import { addressKey } from "./same-address.js";

/** Requirements with every value parsed and checked, ready to evaluate. */
export interface NormalizedRequirements {
  chain: string | undefined;
  /** The required contract, as its {@link addressKey}. */
  contractAddress: string | undefined;
  /** The sum must reach this; `undefined` where it must only be more than zero (absent or 0). */
  minimum: BigNumber | undefined;
  /** Mint addresses (Solana SPL token IDs), as their {@link addressKey}, each once. */
  mints: ReadonlySet<string>;
  /** Decimal token IDs of `contractAddress`, by value, each once. */
  decimalIds: ReadonlySet<bigint>;
  /** Collections, as their {@link addressKey}, each once. */
  collections: ReadonlySet<string>;
  /** The creator, as its {@link addressKey}. */
  creatorAddress: string | undefined;
  /** Allowed wallets, as their {@link addressKey}; `undefined` when none are listed. */
  allowedWallets: ReadonlySet<string> | undefined;
  /** Whether tokens are to be held (as opposed to only a chain or wallets). */
  tokenTarget: boolean;
}

const KNOWN_KEYS = new Set([
  "chain",
  "contractAddress",
  "minTokenBalance",
  "tokenIds",
  "collection",
  "creatorAddress",
  "allowedWallets",
]);

/**
 * Parses requirements strictly. A malformed value is a programming error, never a pass: it
 * throws a `TypeError` naming the field.
 */
export function normalizeRequirements(
  requirements: Requirements | undefined,
): NormalizedRequirements {
  const input: Requirements = requirements ?? {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("requirements must be an object");
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) throw new TypeError(`requirements.${key} is not a known requirement`);
  }
  const contractAddress = optionalAddress(input.contractAddress, "contractAddress");
  const { mints, decimalIds } = tokenIdsOf(input.tokenIds, contractAddress !== undefined);
  const collections = new Set(collectionList(input.collection) ?? []);
  const creatorAddress = optionalAddress(input.creatorAddress, "creatorAddress");
  const wallets = addressList(input.allowedWallets, "allowedWallets");
  const tokenTarget =
    contractAddress !== undefined ||
    mints.size > 0 ||
    collections.size > 0 ||
    creatorAddress !== undefined;
  const minimum = optionalAmount(input.minTokenBalance);
  if (input.minTokenBalance !== undefined && !tokenTarget) {
    throw new TypeError(
      "requirements.minTokenBalance needs contractAddress, collection, creatorAddress or tokenIds to count",
    );
  }
  return {
    chain: optionalString(input.chain, "chain"),
    contractAddress,
    // Picket reads a zero minimum as "more than zero", exactly like an absent one.
    minimum: minimum?.isZero() ? undefined : minimum,
    mints,
    decimalIds,
    collections,
    creatorAddress,
    allowedWallets: wallets === undefined ? undefined : new Set(wallets),
    tokenTarget,
  };
}

/** Per-call requirements over the validator's own, key by key; `undefined` values do not override. */
export function mergeRequirements(
  base: Requirements | undefined,
  perCall: Requirements | undefined,
): Requirements | undefined {
  if (perCall === undefined) return base;
  if (base === undefined) return perCall;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(perCall)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as Requirements;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`requirements.${name} must be a non-empty string`);
  }
  return value;
}

function optionalAddress(value: unknown, name: string): string | undefined {
  const address = optionalString(value, name);
  return address === undefined ? undefined : addressKey(address);
}

function addressList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TypeError(`requirements.${name} must be an array of strings`);
  }
  return value.map((item, index) => optionalAddress(item, `${name}[${index}]`) as string);
}

function collectionList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [optionalAddress(value, "collection") as string];
  return addressList(value, "collection");
}

function optionalAmount(value: unknown): BigNumber | undefined {
  if (value === undefined) return undefined;
  const amount = parseAmount(value);
  if (amount === undefined) {
    throw new TypeError(
      "requirements.minTokenBalance must be a plain non-negative decimal (string, finite number or bigint)",
    );
  }
  return amount;
}

/**
 * Splits token IDs into mint addresses (compared exactly) and decimal IDs (compared by value,
 * meaningful only inside `contractAddress`).
 */
function tokenIdsOf(
  value: unknown,
  hasContract: boolean,
): { mints: Set<string>; decimalIds: Set<bigint> } {
  const mints = new Set<string>();
  const decimalIds = new Set<bigint>();
  if (value === undefined) return { mints, decimalIds };
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError("requirements.tokenIds must be a non-empty array");
  }
  value.forEach((item: unknown, index) => {
    const name = `requirements.tokenIds[${index}]`;
    if (!isDecimalTokenId(item)) {
      mints.add(addressKey(optionalString(item, `tokenIds[${index}]`) as string));
      return;
    }
    const id = parseTokenId(item);
    if (id === undefined) {
      throw new TypeError(
        `${name} must be a mint address (string) or a decimal token ID from 0 to 2^256 - 1`,
      );
    }
    if (!hasContract) {
      throw new TypeError(
        `${name} is a decimal token ID, which means something only inside a contract: add contractAddress (Solana token IDs are mint addresses)`,
      );
    }
    decimalIds.add(id);
  });
  return { mints, decimalIds };
}
