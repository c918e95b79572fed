import { isPicketValidationError, PicketValidationError } from "../errors.js";
import { sameAddress } from "../requirements/same-address.js";
import { holderOf } from "../shared/holder-of.js";
import type { PicketAccessToken, RequirementFailure, Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import type { PicketClient } from "./create-picket-client.js";
import { isPicketApiError } from "./picket-api-error.js";
import { requirementsKey } from "./requirements-key.js";
import { type Revalidation, revalidationOf } from "./revalidation.js";
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
 * - A validator or client that is not one (the four arguments given as one object, say) rejects
 *   with a `TypeError` before anything is checked.
 * - Picket declines (403 or `permission_denied`): `ERR_REQUIREMENTS_NOT_MET`, with Picket's
 *   answer as `cause`. Any other API failure rejects with the {@link PicketApiError} itself,
 *   so that "Picket is down" is not mistaken for "the wallet does not qualify".
 * - Concurrent calls for the same token and requirements share one request. The token is known by
 *   its `tid` (else by the bytes its signature covers), not by its spelling, and requirements by
 *   what they mean, not by how they are written.
 * - At most one call per token and requirements per `revalidateCooldown` (60 s by default),
 *   whatever Picket answers. A fresh token that passed is remembered and handed out again for
 *   the old token while it lives (checked locally each time, so an expired one is never served);
 *   any failure (a refusal, a fresh token that still fails, an error) is repeated until the next
 *   call is due. 429, 5xx, timeouts and network failures back off further (Picket's
 *   `Retry-After`, doubling up to 32 cooldowns); a 401 (wrong secret key), or outages across
 *   tokens, open a client-wide breaker, so that neither costs a call per request.
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
  checkArguments(validator, client);
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
  const key = `${validatorId(validator)}\n${callKey}`;
  const revalidation = revalidationOf(client);
  const asking: Asking = { validator, client, accessToken, requirements, unmet, original };
  return revalidation.share(key, () => revalidate(revalidation, key, asking));
}

/** One revalidation: the token, what it failed locally, and whom to ask. */
interface Asking {
  validator: Validator;
  client: PicketClient;
  accessToken: string;
  requirements: Requirements;
  /** The local verdict: what answers when Picket may not be asked and nothing else is known. */
  unmet: PicketValidationError;
  original: Record<string, unknown>;
}

/**
 * Serves a remembered fresh token while it still passes locally; else repeats the last answer
 * while no call is due; else asks Picket, and remembers what came of it, pass or fail.
 */
async function revalidate(
  revalidation: Revalidation,
  key: string,
  asking: Asking,
): Promise<AuthorizeResult> {
  const remembered = revalidation.freshToken(key);
  if (remembered !== undefined) {
    const replay = await checkFresh(asking, remembered).catch(() => undefined);
    if (replay !== undefined) return replay;
  }
  const held = revalidation.hold(key);
  if (held !== undefined) throw held.error ?? asking.unmet;
  try {
    const result = await checkFresh(asking, (await askPicket(asking)).accessToken);
    revalidation.passed(key, result.accessToken, (result.claims.exp ?? 0) * 1000);
    return result;
  } catch (error) {
    revalidation.failed(key, error);
    throw error;
  }
}

/** A token from Picket, validated locally with the same requirements, for the same holder. */
async function checkFresh(asking: Asking, accessToken: string): Promise<AuthorizeResult> {
  const claims = await asking.validator.validate(accessToken, asking.requirements);
  // A well-signed token for another wallet would be a different user's session.
  if (!sameHolder(asking.original, claims)) {
    throw new PicketValidationError(
      "ERR_CLAIM_INVALID",
      "Picket's re-authorized token names another chain or wallet than the token it replaces",
    );
  }
  return { claims, accessToken };
}

/**
 * `POST /authz` with `revalidate: true`. Picket's refusal becomes the local
 * `ERR_REQUIREMENTS_NOT_MET`; any other API failure stays itself.
 */
async function askPicket(asking: Asking): Promise<AuthResponse> {
  const { client, accessToken, requirements, unmet } = asking;
  try {
    return await client.authz({
      accessToken,
      requirements: forPicket(requirements),
      revalidate: true,
    });
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

const ARGUMENTS = "authorize(validator, client, accessToken, requirements)";

function checkArguments(validator: unknown, client: unknown): void {
  const given = validator as Partial<Record<string, unknown>> | null | undefined;
  if (
    typeof given?.validate === "function" &&
    typeof (client as PicketClient | null | undefined)?.authz === "function"
  ) {
    return;
  }
  if (typeof given === "object" && given !== null && "validator" in given) {
    throw new TypeError(`${ARGUMENTS} takes four arguments, not one options object`);
  }
  const which =
    typeof given?.validate === "function"
      ? "client must be a createPicketClient client"
      : "validator must be a createValidator validator";
  throw new TypeError(`${ARGUMENTS}: ${which}`);
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
