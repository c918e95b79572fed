import type { PicketAccessToken } from "../types.js";
import { type ClaimExpectations, checkIssuerAndAudience, checkTimes } from "./check-claims.js";
import { normalizeClaims } from "./normalize-claims.js";

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
