import { isPicketValidationError } from "../errors.js";
import type {
  PicketAccessToken,
  Requirements,
  ValidatorEvent,
  ValidatorOptions,
} from "../types.js";
import { createValidator, type Validator } from "../validator/create-validator.js";
import { createPicketClient, type PicketClient } from "./create-picket-client.js";
import { checkPicketOptions } from "./picket-options.js";
import type {
  AuthRequest,
  AuthResponse,
  AuthzRequest,
  ChainInfo,
  FlatTokenOwnershipRequest,
  NonceRequest,
  NonceResponse,
  PicketClientEvent,
  PicketClientOptions,
  RequestOptions,
  TokenOwnershipRequest,
  TokenOwnershipResponse,
} from "./types.js";

/** The chain picket-node assumes where a call names none. */
const DEFAULT_CHAIN = "ethereum";

/** A request whose `chain` may be left out, as picket-node allows: it is then `"ethereum"`. */
export type WithDefaultChain<T extends { chain: string }> = Omit<T, "chain"> & { chain?: string };

/** Options of {@link Picket}: the validator's, with the API client's under `client`. */
export interface PicketOptions extends Omit<ValidatorOptions, "onEvent"> {
  /** Settings of the calls that still go to Picket's API (all but `validate`). */
  client?: Omit<PicketClientOptions, "secretKey" | "onEvent">;
  /**
   * Receives the validator's events and the client's `picket_api_failure` events alike. Events
   * carry no secret, token or claim value; a throwing or rejecting hook is ignored.
   */
  onEvent?: (event: ValidatorEvent | PicketClientEvent) => void;
}

/**
 * picket-node's `Picket` class, with the same method names and call shapes, but `validate` is
 * local: the token's signature, claims and requirements are checked offline against Picket's
 * published keys, with no round trip. Every other method calls Picket's API as before, and
 * rejects with a {@link PicketApiError}, which keeps picket-node's `code` and `msg` fields.
 *
 * For the adapters and `authorize()`, use the instance's `validator` and `client`.
 *
 * @example
 * ```ts
 * import { Picket } from "picket-validate/client";
 *
 * const picket = new Picket(process.env.PICKET_SECRET_KEY!, {
 *   projectId: process.env.PICKET_PROJECT_ID!,
 * });
 * const claims = await picket.validate(accessToken, { contractAddress, minTokenBalance: "1" });
 * const chains = await picket.chains();
 * ```
 */
export class Picket {
  /** Validates tokens offline, with this instance's project ID and options. */
  readonly validator: Validator;
  /** The API client behind every method but `validate`. */
  readonly client: PicketClient;

  /**
   * Throws a `TypeError` for a missing secret key or project ID, an unknown option (a client
   * option such as `baseUrl` belongs under `client`), or any bad value.
   *
   * @param secretKey The project's secret API key, for the calls that still go to Picket.
   * @param options The project ID (the validator needs it to check `aud`) and options.
   */
  constructor(secretKey: string, options: PicketOptions) {
    checkPicketOptions(options);
    const { client, onEvent, ...validatorOptions } = options;
    // One hook and one clock for both halves, unless the client is given its own clock.
    const shared = onEvent === undefined ? {} : { onEvent };
    const clock = options.clock === undefined ? {} : { clock: options.clock };
    this.client = createPicketClient({ ...clock, ...client, ...shared, secretKey });
    this.validator = createValidator({ ...validatorOptions, ...shared });
  }

  /** `POST /auth/nonce`; `chain` defaults to `"ethereum"`. */
  nonce(request: WithDefaultChain<NonceRequest>, options?: RequestOptions): Promise<NonceResponse> {
    return this.client.nonce(withChain(request), options);
  }

  /** `POST /auth`; `chain` defaults to `"ethereum"`. Validate the token it returns before trusting it. */
  auth(request: WithDefaultChain<AuthRequest>, options?: RequestOptions): Promise<AuthResponse> {
    return this.client.auth(withChain(request), options);
  }

  /** `POST /authz`. */
  authz(request: AuthzRequest, options?: RequestOptions): Promise<AuthResponse> {
    return this.client.authz(request, options);
  }

  /**
   * Validates a token locally: no call to Picket. Resolves the verified claims; rejects with a
   * `PicketValidationError` (`code` such as `ERR_TOKEN_EXPIRED`) for any token that fails, which
   * also carries its message as `msg`, where picket-node's `{ code, msg }` rejections had it.
   */
  async validate(accessToken: string, requirements?: Requirements): Promise<PicketAccessToken> {
    try {
      return await this.validator.validate(accessToken, requirements);
    } catch (error) {
      throw withMsg(error);
    }
  }

  /**
   * `POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership`, flat (picket-node's shape) or
   * with `requirements`; `chain` defaults to `"ethereum"`.
   */
  tokenOwnership(
    request: WithDefaultChain<FlatTokenOwnershipRequest> | WithDefaultChain<TokenOwnershipRequest>,
    options?: RequestOptions,
  ): Promise<TokenOwnershipResponse> {
    return this.client.tokenOwnership(withChain(request), options);
  }

  /** `GET /chains`: the chains Picket supports; remembered for the instance's lifetime. */
  chains(options?: RequestOptions): Promise<ChainInfo[]> {
    return this.client.chains(options);
  }

  /** `GET /chains/{chain}`; remembered for the instance's lifetime. */
  chainInfo(chain: string, options?: RequestOptions): Promise<ChainInfo> {
    return this.client.chainInfo(chain, options);
  }
}

/** A validation error with picket-node's `msg` beside its `message`; any other error as it is. */
function withMsg(error: unknown): unknown {
  if (isPicketValidationError(error) && !Object.hasOwn(error, "msg")) {
    Object.defineProperty(error, "msg", { value: error.message, enumerable: true });
  }
  return error;
}

function withChain<T extends { chain?: string }>(request: T): T & { chain: string } {
  // Only a missing chain gets the default; a wrong one is the client's `TypeError` to report.
  if (typeof request !== "object" || request === null || request.chain !== undefined) {
    return request as T & { chain: string };
  }
  return { ...request, chain: DEFAULT_CHAIN };
}
