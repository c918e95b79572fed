import type { Validator } from "../create-validator.js";
import { isPicketValidationError, PicketValidationError } from "../errors.js";
import { sameAddress } from "../requirements/same-address.js";
import { holderOf } from "../shared/holder-of.js";
import type { PicketAccessToken, RequirementFailure, Requirements } from "../types.js";
import type { PicketClient } from "./create-picket-client.js";
import { isPicketApiError } from "./picket-api-error.js";
import { toWireRequirements } from "./to-wire-requirements.js";
import type { AuthResponse, PicketRequirements } from "./types.js";

/** What {@link authorize} resolves with. */
export interface AuthorizeResult {
  /** The verified, normalized claims of `accessToken`. */
  claims: PicketAccessToken;
  /**
   * The token the claims belong to: the one passed in, or the fresh one Picket issued. Hand a
   * fresh one back to the user, so that the next request passes locally.
   */
  accessToken: string;
}

// Per client, the authz calls in flight, by token and requirements: concurrent callers share one.
const inFlight = new WeakMap<PicketClient, Map<string, Promise<AuthResponse>>>();

/**
 * Validates a token locally and, only when it fails on balances alone, asks Picket once for a
 * fresh token with current balances (`POST /authz` with `revalidate: true`). The fresh token is
 * validated locally, with the same requirements, before it is trusted.
 *
 * - Passes locally: no call to Picket.
 * - Any other local failure (expired, bad signature, wrong chain, …) is final: no call.
 * - Picket declines (403 or `permission_denied`): `ERR_REQUIREMENTS_NOT_MET`, with Picket's
 *   answer as `cause`. Any other API failure rejects with the {@link PicketApiError} itself,
 *   so that "Picket is down" is not mistaken for "the wallet does not qualify".
 * - Concurrent calls with the same client, token and requirements share one request.
 *
 * @example
 * ```ts
 * import { authorize, createPicketClient } from "picket-validate/client";
 *
 * const { claims, accessToken } = await authorize(validator, picket, token, {
 *   contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e",
 *   minTokenBalance: "1",
 * });
 * if (accessToken !== token) res.setHeader("x-picket-access-token", accessToken);
 * ```
 */
export async function authorize(
  validator: Validator,
  client: PicketClient,
  accessToken: string,
  requirements: Requirements,
): Promise<AuthorizeResult> {
  let unmet: PicketValidationError;
  try {
    return { claims: await validator.validate(accessToken, requirements), accessToken };
  } catch (error) {
    if (
      !isPicketValidationError(error) ||
      error.code !== "ERR_REQUIREMENTS_NOT_MET" ||
      !freshBalancesCouldPass(error.failures)
    ) {
      throw error;
    }
    unmet = error;
  }

  let answer: AuthResponse;
  try {
    answer = await sharedAuthz(client, accessToken, forPicket(requirements));
  } catch (error) {
    if (isPicketApiError(error) && (error.status === 403 || error.code === "permission_denied")) {
      throw new PicketValidationError("ERR_REQUIREMENTS_NOT_MET", unmet.message, {
        failures: unmet.failures,
        cause: error,
      });
    }
    throw error;
  }

  const claims = await validator.validate(answer.accessToken, requirements);
  // A well-signed token for another wallet would be a different user's session.
  if (!sameHolder(validator.decodeUnverified(accessToken).claims, claims)) {
    throw new PicketValidationError(
      "ERR_CLAIM_INVALID",
      "Picket's re-authorized token names another chain or wallet than the token it replaces",
    );
  }
  return { claims, accessToken: answer.accessToken };
}

/**
 * Only balances change between two tokens of one wallet: a wrong chain or an unlisted wallet
 * (without token requirements) stays so whatever Picket answers.
 */
function freshBalancesCouldPass(failures: readonly RequirementFailure[]): boolean {
  return (
    failures.some((failure) => failure.requirement === "tokenBalance") &&
    !failures.some((failure) => failure.requirement === "chain")
  );
}

/** Picket's requirements have no `chain`: it is checked locally, on the token. */
function forPicket(requirements: Requirements): PicketRequirements {
  const { chain: _checkedLocally, ...rest } = requirements;
  return rest;
}

function sharedAuthz(
  client: PicketClient,
  accessToken: string,
  requirements: PicketRequirements,
): Promise<AuthResponse> {
  let calls = inFlight.get(client);
  if (calls === undefined) {
    calls = new Map();
    inFlight.set(client, calls);
  }
  const key = `${accessToken}\n${canonicalJson(toWireRequirements(requirements))}`;
  const pending = calls.get(key);
  if (pending !== undefined) return pending;
  const settled = calls;
  const request = client
    .authz({ accessToken, requirements, revalidate: true })
    .finally(() => settled.delete(key));
  calls.set(key, request);
  return request;
}

/** JSON with object keys sorted, so that key order does not split shared calls. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member !== "object" || member === null || Array.isArray(member)) return member;
    return Object.fromEntries(
      Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });
}

function sameHolder(original: Record<string, unknown>, fresh: PicketAccessToken): boolean {
  const { chain, walletAddress: wallet } = holderOf(original);
  return chain === fresh.chain && wallet !== undefined && sameAddress(wallet, fresh.walletAddress);
}
