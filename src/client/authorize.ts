import { isPicketValidationError, PicketValidationError } from "../errors.js";
import { sameAddress } from "../requirements/same-address.js";
import { holderOf } from "../shared/holder-of.js";
import type { PicketAccessToken, RequirementFailure, Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import type { PicketClient } from "./create-picket-client.js";
import { isPicketApiError } from "./picket-api-error.js";
import { requirementsKey } from "./requirements-key.js";
import { revalidationOf } from "./revalidation.js";
import { tokenIdentity } from "./token-identity.js";
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

// Remembered verdicts depend on the validator's own requirements too: each validator keys its own.
const validatorIds = new WeakMap<Validator, number>();
let lastValidatorId = 0;

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
 * - Concurrent calls for the same token and requirements share one request. The token is known by
 *   its `tid` (else by the bytes its signature covers), not by its spelling, and requirements by
 *   what they mean, not by how they are written.
 * - When Picket finds the token still short (a 403, or a fresh token that still fails), the
 *   verdict is remembered for the client's `revalidateCooldown` (60 s by default): a user short of
 *   balance costs at most one Picket call per cooldown.
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

  const original = validator.decodeUnverified(accessToken).claims;
  const callKey = `${tokenIdentity(accessToken, original)}\n${requirementsKey(requirements)}`;
  const verdictKey = `${validatorId(validator)}\n${callKey}`;
  const revalidation = revalidationOf(client);
  const remembered = revalidation.declined(verdictKey);
  if (remembered !== undefined) throw remembered;
  try {
    const answer = await askPicket(client, accessToken, requirements, unmet, callKey);
    const claims = await validator.validate(answer.accessToken, requirements);
    // A well-signed token for another wallet would be a different user's session.
    if (!sameHolder(original, claims)) {
      throw new PicketValidationError(
        "ERR_CLAIM_INVALID",
        "Picket's re-authorized token names another chain or wallet than the token it replaces",
      );
    }
    return { claims, accessToken: answer.accessToken };
  } catch (error) {
    if (isPicketValidationError(error) && error.code === "ERR_REQUIREMENTS_NOT_MET") {
      revalidation.decline(verdictKey, error);
    }
    throw error;
  }
}

/**
 * `POST /authz` with `revalidate: true`, shared with concurrent callers under `key`. Picket's
 * refusal becomes the local `ERR_REQUIREMENTS_NOT_MET`; any other API failure stays itself.
 */
async function askPicket(
  client: PicketClient,
  accessToken: string,
  requirements: Requirements,
  unmet: PicketValidationError,
  key: string,
): Promise<AuthResponse> {
  try {
    return await revalidationOf(client).share(key, () =>
      client.authz({ accessToken, requirements: forPicket(requirements), revalidate: true }),
    );
  } catch (error) {
    if (isPicketApiError(error) && (error.status === 403 || error.code === "permission_denied")) {
      throw new PicketValidationError("ERR_REQUIREMENTS_NOT_MET", unmet.message, {
        failures: unmet.failures,
        cause: error,
      });
    }
    throw error;
  }
}

function validatorId(validator: Validator): number {
  let id = validatorIds.get(validator);
  if (id === undefined) {
    lastValidatorId += 1;
    id = lastValidatorId;
    validatorIds.set(validator, id);
  }
  return id;
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

function sameHolder(original: Record<string, unknown>, fresh: PicketAccessToken): boolean {
  const { chain, walletAddress: wallet } = holderOf(original);
  return chain === fresh.chain && wallet !== undefined && sameAddress(wallet, fresh.walletAddress);
}
