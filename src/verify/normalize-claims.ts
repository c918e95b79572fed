import { PicketValidationError } from "../errors.js";
import type { PicketAccessToken } from "../types.js";

/**
 * Turns freshly parsed, verified claims into a {@link PicketAccessToken}: `chain` and
 * `walletAddress` from their claims or from `sub` (`chain:address` or the older
 * `chain/network:address`), `exp` as checked, `tokenBalance` from `tokenBalance` or the older
 * `numTokens`. The object is completed in place (it is the parser's own, shared with no one) and
 * frozen, so that a cached token cannot be changed by one caller under another; freezing the
 * parser's object rather than a copy keeps V8's fast shapes.
 */
export function normalizeClaims(claims: Record<string, unknown>, exp: number): PicketAccessToken {
  const fromSub = parseSubject(claims.sub);
  const chain = stringClaim(claims, "chain") ?? fromSub?.chain;
  const walletAddress = stringClaim(claims, "walletAddress") ?? fromSub?.walletAddress;
  if (!chain || !walletAddress) {
    throw new PicketValidationError(
      "ERR_CLAIM_INVALID",
      'The token names no chain and wallet ("sub", "chain", "walletAddress")',
    );
  }
  const token = claims as PicketAccessToken;
  token.chain = chain;
  token.walletAddress = walletAddress;
  token.exp = exp;
  if (token.tokenBalance === undefined && token.numTokens !== undefined) {
    token.tokenBalance = token.numTokens;
  }
  return deepFreeze(token);
}

/**
 * The chain and wallet that claims name, read leniently (a claim of the wrong type counts as
 * absent): for checks on claims that `normalizeClaims` has not seen.
 */
export function holderOf(claims: Readonly<Record<string, unknown>>): {
  chain: string | undefined;
  walletAddress: string | undefined;
} {
  const fromSub = typeof claims.sub === "string" ? parseSubject(claims.sub) : undefined;
  return {
    chain: typeof claims.chain === "string" ? claims.chain : fromSub?.chain,
    walletAddress:
      typeof claims.walletAddress === "string" ? claims.walletAddress : fromSub?.walletAddress,
  };
}

/** Reads `chain` and `walletAddress` from `sub`: `chain:address` or `chain/network:address`. */
function parseSubject(sub: unknown): { chain: string; walletAddress: string } | undefined {
  if (sub === undefined) return undefined;
  if (typeof sub !== "string") {
    throw new PicketValidationError("ERR_CLAIM_INVALID", 'The "sub" claim is not a string');
  }
  const colon = sub.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = sub.slice(0, colon);
  const slash = prefix.indexOf("/");
  return {
    chain: slash === -1 ? prefix : prefix.slice(0, slash),
    walletAddress: sub.slice(colon + 1),
  };
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new PicketValidationError("ERR_CLAIM_INVALID", `The "${name}" claim is not a string`);
  }
  return value;
}

/** Freezes an object and everything in it; iterative, so that no nesting depth overflows the stack. */
function deepFreeze<T extends object>(root: T): T {
  const pending: object[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    Object.freeze(value);
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === "object" && child !== null && !Object.isFrozen(child))
        pending.push(child);
    }
  }
  return root;
}
