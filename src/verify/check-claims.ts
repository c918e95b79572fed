import { PicketValidationError } from "../errors.js";
import { chainOf, parseSubject, type Subject } from "../shared/holder-of.js";
import type { PicketAccessToken } from "../types.js";

/** What the standard claims are checked against. */
export interface ClaimExpectations {
  issuer: string;
  audience: string;
  /** Seconds. */
  clockTolerance: number;
  /** Seconds `nbf` and `iat` may be ahead of the clock; the larger of this and `clockTolerance` applies. */
  futureSkew: number;
  /** Seconds, or `undefined` for no limit. */
  maxTokenAge: number | undefined;
}

/**
 * The checks after the signature: `iss`, `aud`, then the time claims against `nowMs`; returns the
 * claims normalized and frozen as a {@link PicketAccessToken}.
 */
export function verifyClaims(
  claims: Record<string, unknown>,
  expected: ClaimExpectations,
  nowMs: number,
): PicketAccessToken {
  checkIssuerAndAudience(claims, expected);
  return normalizeClaims(claims, checkTimes(claims, nowMs, expected));
}

/** Checks `iss` and `aud` of a verified token. */
function checkIssuerAndAudience(
  claims: Record<string, unknown>,
  expected: ClaimExpectations,
): void {
  if (claims.iss !== expected.issuer) {
    throw new PicketValidationError(
      "ERR_ISSUER_INVALID",
      `The token's issuer is not ${JSON.stringify(expected.issuer)}`,
      { claim: "iss" },
    );
  }
  const aud = claims.aud;
  const matches =
    aud === expected.audience || (Array.isArray(aud) && aud.includes(expected.audience));
  if (!matches) {
    throw new PicketValidationError(
      "ERR_AUDIENCE_INVALID",
      "The token's audience does not include the project ID",
      { claim: "aud" },
    );
  }
}

/**
 * Checks the time claims against `nowMs`: `exp` (else the legacy `ext`) must exist and be in the
 * future, `nbf` and `iat` not in the future (up to `futureSkew` ahead: the issuer stamps both
 * with its own clock, which may run ahead of ours), `iat` not older than `maxTokenAge`. Returns
 * `exp`.
 */
export function checkTimes(
  claims: Record<string, unknown>,
  nowMs: number,
  expected: ClaimExpectations,
): number {
  const now = Math.floor(nowMs / 1000);
  const tolerance = expected.clockTolerance;
  const expName = claims.exp !== undefined ? "exp" : "ext";
  const exp = numericDate(claims, expName);
  if (exp === undefined) {
    throw new PicketValidationError("ERR_CLAIM_INVALID", 'The token has no "exp" claim', {
      claim: "exp",
    });
  }
  if (exp <= now - tolerance) {
    throw new PicketValidationError("ERR_TOKEN_EXPIRED", "The token has expired", {
      claim: expName,
    });
  }
  const latest = now + Math.max(tolerance, expected.futureSkew);
  const nbf = numericDate(claims, "nbf");
  if (nbf !== undefined && nbf > latest) {
    throw new PicketValidationError("ERR_TOKEN_NOT_YET_VALID", "The token is not valid yet (nbf)", {
      claim: "nbf",
    });
  }
  const iat = numericDate(claims, "iat");
  if (iat !== undefined && iat > latest) {
    throw new PicketValidationError(
      "ERR_TOKEN_NOT_YET_VALID",
      "The token was issued in the future (iat)",
      { claim: "iat" },
    );
  }
  if (expected.maxTokenAge !== undefined) {
    if (iat === undefined) {
      throw new PicketValidationError("ERR_CLAIM_INVALID", 'maxTokenAge needs an "iat" claim', {
        claim: "iat",
      });
    }
    if (now - iat > expected.maxTokenAge + tolerance) {
      throw new PicketValidationError("ERR_CLAIM_INVALID", "The token is older than maxTokenAge", {
        claim: "iat",
      });
    }
  }
  return exp;
}

function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PicketValidationError("ERR_CLAIM_INVALID", `The "${name}" claim is not a number`, {
      claim: name,
    });
  }
  return value;
}

/**
 * Turns freshly parsed, verified claims into a {@link PicketAccessToken}: `chain` and
 * `walletAddress` from their claims or from `sub` (`chain:address` or the older
 * `chain/network:address`; its network always applies, and a `chain` claim naming another chain
 * is refused), `exp` as checked, `tokenBalance` from `tokenBalance` or the older
 * `numTokens`. The object is completed in place (it is the parser's own, shared with no one) and
 * frozen, so that a cached token cannot be changed by one caller under another; freezing the
 * parser's object rather than a copy keeps V8's fast shapes.
 */
function normalizeClaims(claims: Record<string, unknown>, exp: number): PicketAccessToken {
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
