import { PicketValidationError } from "../errors.js";
import { chainOf, parseSubject, type Subject } from "../shared/holder-of.js";
import type { PicketAccessToken } from "../types.js";

/**
 * Turns freshly parsed, verified claims into a {@link PicketAccessToken}: `chain` and
 * `walletAddress` from their claims or from `sub` (`chain:address` or the older
 * `chain/network:address`; its network always applies, and a `chain` claim naming another chain
 * is refused), `exp` as checked, `tokenBalance` from `tokenBalance` or the older
 * `numTokens`. The object is completed in place (it is the parser's own, shared with no one) and
 * frozen, so that a cached token cannot be changed by one caller under another; freezing the
 * parser's object rather than a copy keeps V8's fast shapes.
 */
export function normalizeClaims(claims: Record<string, unknown>, exp: number): PicketAccessToken {
  const fromSub = subjectOf(claims.sub);
  const chain = chainOf(stringClaim(claims, "chain"), fromSub);
  if (chain === null) {
    throw new PicketValidationError(
      "ERR_CLAIM_INVALID",
      'The "chain" claim names another chain than "sub"',
      { claim: "chain" },
    );
  }
  const walletAddress = stringClaim(claims, "walletAddress") ?? fromSub?.walletAddress;
  if (!chain || !walletAddress) {
    throw new PicketValidationError(
      "ERR_CLAIM_INVALID",
      'The token names no chain and wallet ("sub", "chain", "walletAddress")',
      { claim: "sub" },
    );
  }
  const token = claims as PicketAccessToken;
  token.chain = chain;
  token.walletAddress = walletAddress;
  if (fromSub?.network !== undefined && token.network === undefined)
    token.network = fromSub.network;
  token.exp = exp;
  if (token.tokenBalance === undefined && token.numTokens !== undefined) {
    token.tokenBalance = token.numTokens;
  }
  return deepFreeze(token);
}

function subjectOf(sub: unknown): Subject | undefined {
  if (sub === undefined) return undefined;
  if (typeof sub !== "string") {
    throw new PicketValidationError("ERR_CLAIM_INVALID", 'The "sub" claim is not a string', {
      claim: "sub",
    });
  }
  return parseSubject(sub);
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new PicketValidationError("ERR_CLAIM_INVALID", `The "${name}" claim is not a string`, {
      claim: name,
    });
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
