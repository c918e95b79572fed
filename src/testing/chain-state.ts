import type BigNumber from "bignumber.js";
import { parseAmount, ZERO } from "../requirements/parse-amount.js";
import { addressKey } from "../requirements/same-address.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { TokenBalances, TokenRequirementKey } from "../types.js";

/** One balance to set with `setBalance`: what a wallet holds of one contract, collection, creator or token. */
export interface BalanceUpdate {
  /** The chain slug, such as `"ethereum"`, `"polygon"` or `"solana"`. */
  chain: string;
  /** The holding wallet. */
  wallet: string;
  /** An EVM contract. Give exactly one of `contractAddress`, `collection`, `creatorAddress`, `tokenId`. */
  contractAddress?: string;
  /** A Solana collection. */
  collection?: string;
  /** A Solana creator. */
  creatorAddress?: string;
  /** A Solana SPL mint address (or another token ID, matched as written). */
  tokenId?: string;
  /** The balance, a plain non-negative decimal string such as `"2"` or `"0.5"`. */
  amount: string;
}

const TARGETS = ["contractAddress", "collection", "creatorAddress", "tokenId"] as const;
const KNOWN_KEYS = ["chain", "wallet", ...TARGETS, "amount"];

/** The group of `tokenBalances` each target of a {@link BalanceUpdate} counts in. */
const GROUP_OF = {
  contractAddress: "contractAddress",
  collection: "collection",
  creatorAddress: "creatorAddress",
  tokenId: "tokenIds",
} as const satisfies Record<(typeof TARGETS)[number], TokenRequirementKey>;

/**
 * What every wallet holds, as the stand-in's chains know it: balances set by tests, zero for
 * everything else. Addresses are compared as Picket compares them (EVM hex in any case).
 */
export class ChainState {
  readonly #balances = new Map<string, string>();

  /** Sets one balance; a `TypeError` for a malformed update. */
  set(update: BalanceUpdate): void {
    if (typeof update !== "object" || update === null) {
      throw new TypeError("setBalance: the update must be an object");
    }
    refuseUnknownKeys(update, KNOWN_KEYS, "setBalance");
    const chain = requireText(update.chain, "chain");
    const wallet = requireText(update.wallet, "wallet");
    const targets = TARGETS.filter((name) => update[name] !== undefined);
    const [target] = targets;
    if (target === undefined || targets.length > 1) {
      throw new TypeError(
        "setBalance: give exactly one of contractAddress, collection, creatorAddress and tokenId",
      );
    }
    const key = requireText(update[target], target);
    const amount = typeof update.amount === "string" ? parseAmount(update.amount) : undefined;
    if (amount === undefined) {
      throw new TypeError(
        'setBalance: amount must be a plain non-negative decimal string, such as "2" or "0.5"',
      );
    }
    this.#balances.set(entryKey(chain, wallet, GROUP_OF[target], key), amount.toFixed());
  }

  /** The balance of one key; `"0"` when none was set. */
  balance(chain: string, wallet: string, group: TokenRequirementKey, key: string): string {
    return this.#balances.get(entryKey(chain, wallet, group, key)) ?? "0";
  }

  /**
   * Picket's `tokenBalances` for requirements (already checked by `normalizeRequirements`):
   * every key they name, as they spell it, with the wallet's balance of it.
   */
  balancesFor(chain: string, wallet: string, requirements: Record<string, unknown>): TokenBalances {
    const balances: TokenBalances = {};
    for (const group of ["contractAddress", "collection", "creatorAddress", "tokenIds"] as const) {
      const named = requirements[group];
      if (named === undefined) continue;
      const keys = (Array.isArray(named) ? named : [named]).map(String);
      balances[group] = Object.fromEntries(
        keys.map((key) => [key, this.balance(chain, wallet, group, key)]),
      );
    }
    return balances;
  }
}

/** The sum of every balance in `tokenBalances`, as a plain decimal string. */
export function sumBalances(balances: TokenBalances): string {
  let sum: BigNumber = ZERO;
  for (const group of Object.values(balances)) {
    for (const amount of Object.values(group ?? {})) sum = sum.plus(parseAmount(amount) ?? ZERO);
  }
  return sum.toFixed();
}

function entryKey(chain: string, wallet: string, group: TokenRequirementKey, key: string): string {
  return JSON.stringify([chain, addressKey(wallet), group, addressKey(key)]);
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`setBalance: ${name} must be a non-empty string`);
  }
  return value;
}
