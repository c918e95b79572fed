import BigNumber from "bignumber.js";

// A reference model of Picket's token gating, written from Picket's published client
// (`Picket.meetsAuthRequirements` in @picketapi/picket-js) and its docs, as plainly as possible:
// look up each requested key, add up what is there, compare with the minimum. It stands apart
// from src/ on purpose, so that the differential test compares two independent readings.
//
// It reads the incremental form (`tokenBalances`), as Picket's client does, and else the flat
// form, as Picket's docs check it by hand (`contractAddress === X && numTokens > 0`): one balance
// measured over a contract (all of it, or some of its token IDs) or over mints, which counts where
// that set lies inside the required one. It takes its inputs as Picket writes them: one spelling
// per EVM address, mint addresses as required token IDs, no requested key listed twice. Where the
// package reads more (case-insensitive EVM keys, decimal token IDs by value), its own tables pin
// the reading.

/** Exact decimals that no `BigNumber.config()` elsewhere in the process can change. */
const Decimal = BigNumber.clone();

/** Balance per requirement key, as Picket issues them: decimal strings in whole-token units. */
export interface ModelTokenBalances {
  contractAddress?: Record<string, string>;
  collection?: Record<string, string>;
  tokenIds?: Record<string, string>;
  creatorAddress?: Record<string, string>;
}

/** Picket's `AuthRequirements`, with token IDs as Solana mint addresses. */
export interface ModelRequirements {
  chain?: string;
  contractAddress?: string;
  collection?: string | string[];
  creatorAddress?: string;
  tokenIds?: string[];
  minTokenBalance?: string | number | bigint;
  allowedWallets?: string[];
}

/** What a token says about its holder. */
export interface ModelHolder {
  chain: string;
  walletAddress: string;
  tokenBalances?: ModelTokenBalances;
  /** The flat form: the contract the balance was measured over. */
  contractAddress?: string;
  /** The flat form: the token IDs (of `contractAddress`, or mints) it was measured over. */
  tokenIds?: string[];
  /** The flat form: the balance over `contractAddress` and `tokenIds`. */
  tokenBalance?: string;
}

/** Whether a token's holder meets the requirements, as Picket defines it. */
export function meetsRequirements(holder: ModelHolder, requirements: ModelRequirements): boolean {
  if (requirements.chain !== undefined && requirements.chain !== holder.chain) return false;
  // Picket's docs: a listed wallet passes whatever it holds; either the list or the tokens suffice.
  if (requirements.allowedWallets?.includes(holder.walletAddress)) return true;
  if (!asksForTokens(requirements)) return requirements.allowedWallets === undefined;
  return meetsMinimum(heldBalance(holder, requirements), requirements);
}

/** What the token proves toward the requirements: from `tokenBalances` where present, else flat. */
export function heldBalance(holder: ModelHolder, requirements: ModelRequirements): BigNumber {
  if (holder.tokenBalances !== undefined) {
    return requestedBalance(holder.tokenBalances, requirements);
  }
  return flatInsideRequired(holder, requirements)
    ? new Decimal(holder.tokenBalance ?? 0)
    : new Decimal(0);
}

/**
 * Whether the set a flat balance was measured over lies inside the required set: the required
 * contract (all of it, or some of its IDs where the requirements name none or all of them), or
 * required mints.
 */
function flatInsideRequired(holder: ModelHolder, requirements: ModelRequirements): boolean {
  const ids = holder.tokenIds ?? [];
  const idsRequired = ids.every((id) => requirements.tokenIds?.includes(id));
  if (holder.contractAddress === undefined) return ids.length > 0 && idsRequired;
  if (holder.contractAddress !== requirements.contractAddress) return false;
  return requirements.tokenIds === undefined || idsRequired;
}

/** The sum of the balances of every requested key: contract, collections, creator, token IDs. */
export function requestedBalance(
  balances: ModelTokenBalances,
  requirements: ModelRequirements,
): BigNumber {
  const { contractAddress, collection, creatorAddress, tokenIds } = requirements;
  const collections = typeof collection === "string" ? [collection] : (collection ?? []);
  let sum = new Decimal(0);
  const add = (group: Record<string, string> | undefined, key: string) => {
    if (group !== undefined && Object.hasOwn(group, key)) sum = sum.plus(group[key] as string);
  };
  if (contractAddress !== undefined) add(balances.contractAddress, contractAddress);
  for (const key of collections) add(balances.collection, key);
  if (creatorAddress !== undefined) add(balances.creatorAddress, creatorAddress);
  for (const key of tokenIds ?? []) add(balances.tokenIds, key);
  return sum;
}

/** At least the minimum; where the minimum is absent or zero, more than zero. */
function meetsMinimum(held: BigNumber, requirements: ModelRequirements): boolean {
  const minimum = new Decimal(String(requirements.minTokenBalance ?? 0));
  return minimum.isZero() ? held.isGreaterThan(0) : held.isGreaterThanOrEqualTo(minimum);
}

/** Whether the requirements name any token to hold. */
export function asksForTokens(requirements: ModelRequirements): boolean {
  return (
    requirements.contractAddress !== undefined ||
    requirements.collection !== undefined ||
    requirements.creatorAddress !== undefined ||
    requirements.tokenIds !== undefined
  );
}
