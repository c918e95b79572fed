import type BigNumber from "bignumber.js";
import { nearestKey } from "../shared/strict-keys.js";
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

const KNOWN_KEYS: readonly string[] = [
  "chain",
  "contractAddress",
  "minTokenBalance",
  "tokenIds",
  "collection",
  "creatorAddress",
  "allowedWallets",
];

// What an address that starts with 0x must be: 0x and 40 hex digits, nothing else.
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Parses requirements strictly. A malformed value is a programming error, never a pass: it
 * throws a `TypeError` naming the field. `undefined` and `null` are no requirements.
 */
export function normalizeRequirements(
  requirements: Requirements | null | undefined,
): NormalizedRequirements {
  const input: Requirements = requirements ?? {};
  assertPlainRequirements(input);
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

/**
 * Per-call requirements over the validator's own, key by key; `undefined` values do not
 * override. Both must be plain objects (see {@link assertPlainRequirements}): a merge copies own
 * keys only, and an inherited key dropped here would be a requirement checked and not enforced.
 */
export function mergeRequirements(
  base: Requirements | null | undefined,
  perCall: Requirements | null | undefined,
): Requirements | undefined {
  if (perCall === undefined || perCall === null) return base ?? undefined;
  assertPlainRequirements(perCall);
  if (base === undefined || base === null) return perCall;
  assertPlainRequirements(base);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(perCall)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as Requirements;
}

/**
 * Throws a `TypeError` unless `value` is requirements as a plain object: its prototype
 * `Object.prototype` or `null`, only known keys (an unknown one gets the nearest known key),
 * every key a data property. Requirements are read from own keys, so anything else (a class
 * instance with getters, a `Map`, an array, keys inherited through a prototype) would be checked
 * in one form and enforced in another.
 */
export function assertPlainRequirements(value: unknown): asserts value is Requirements {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `requirements must be a plain object ({ contractAddress, minTokenBalance, … }), not ${kindOf(value)}`,
    );
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(
      `requirements must be a plain object (an object literal), not ${kindOf(value)}: only own keys are read, so inherited or computed requirements would not be enforced`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.includes(key)) {
      const nearest = nearestKey(key, KNOWN_KEYS);
      const hint =
        nearest === undefined
          ? `requirements are ${KNOWN_KEYS.join(", ")}`
          : `did you mean ${nearest}?`;
      throw new TypeError(`requirements.${key} is not a requirement; ${hint}`);
    }
    if (!("value" in (Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor))) {
      throw new TypeError(`requirements.${key} must be a value, not a getter or setter`);
    }
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return `a ${typeof value}`;
  const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } })
    .constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object"
    ? `a ${name}`
    : "an object with a prototype of its own";
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
  if (address === undefined) return undefined;
  if (/^0[xX]/.test(address)) checkEvmAddress(address, name);
  return addressKey(address);
}

/**
 * An address written as `0x…` must be a whole EVM address: a truncated or mistyped one passes
 * every other check and then matches no token, refusing every holder.
 */
function checkEvmAddress(address: string, name: string): void {
  if (EVM_ADDRESS.test(address)) return;
  const offset = address.slice(2).search(/[^0-9a-fA-F]/);
  const bad = address[1] === "X" ? 1 : offset === -1 ? undefined : offset + 2;
  const badPart =
    bad === undefined
      ? ""
      : `; the first bad character is ${JSON.stringify(address[bad])} at index ${bad}`;
  throw new TypeError(
    `requirements.${name} must be 0x (lower-case x) followed by exactly 40 hex digits: ${JSON.stringify(address)} has ${address.length - 2} characters after 0x${badPart}`,
  );
}

function addressList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TypeError(`requirements.${name} must be an array of strings`);
  }
  if (value.length === 0) {
    throw new TypeError(
      `requirements.${name} must be a non-empty array: an empty list names nothing to require; leave ${name} out instead`,
    );
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
