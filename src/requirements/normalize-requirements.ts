import type BigNumber from "bignumber.js";
import type { Requirements } from "../types.js";
import { parseAmount, parseTokenId } from "./parse-amount.js";

/** Requirements with every value parsed and checked, ready to evaluate. */
export interface NormalizedRequirements {
  chain: string | undefined;
  contractAddress: string | undefined;
  minTokenBalance: BigNumber | undefined;
  tokenIds: readonly bigint[] | undefined;
  collections: readonly string[] | undefined;
  creatorAddress: string | undefined;
  allowedWallets: readonly string[] | undefined;
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
  const normalized: NormalizedRequirements = {
    chain: optionalString(input.chain, "chain"),
    contractAddress: optionalString(input.contractAddress, "contractAddress"),
    minTokenBalance: optionalAmount(input.minTokenBalance),
    tokenIds: optionalTokenIds(input.tokenIds),
    collections: optionalCollections(input.collection),
    creatorAddress: optionalString(input.creatorAddress, "creatorAddress"),
    allowedWallets: optionalStrings(input.allowedWallets, "allowedWallets"),
  };
  if (normalized.minTokenBalance !== undefined && !hasTokenTarget(normalized)) {
    throw new TypeError(
      "requirements.minTokenBalance needs contractAddress, collection, creatorAddress or tokenIds",
    );
  }
  return normalized;
}

/** Whether the requirements name tokens to hold (as opposed to only a chain or wallets). */
export function hasTokenTarget(requirements: NormalizedRequirements): boolean {
  return (
    requirements.contractAddress !== undefined ||
    requirements.tokenIds !== undefined ||
    requirements.collections !== undefined ||
    requirements.creatorAddress !== undefined
  );
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

function optionalStrings(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw new TypeError(`requirements.${name} must be an array of strings`);
  return value.map((item, index) => optionalString(item, `${name}[${index}]`) as string);
}

function optionalCollections(value: unknown): readonly string[] | undefined {
  if (typeof value === "string") return [optionalString(value, "collection") as string];
  return optionalStrings(value, "collection");
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

function optionalTokenIds(value: unknown): readonly bigint[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError("requirements.tokenIds must be a non-empty array");
  }
  const ids = value.map((item, index) => {
    const id = parseTokenId(item);
    if (id === undefined) {
      throw new TypeError(`requirements.tokenIds[${index}] must be an integer from 0 to 2^256 - 1`);
    }
    return id;
  });
  return [...new Set(ids)];
}
