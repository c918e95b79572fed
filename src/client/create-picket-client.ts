import { checkDurationRange, parseDuration } from "../shared/parse-duration.js";
import {
  authCall,
  authzCall,
  chainInfoCall,
  chainsCall,
  nonceCall,
  tokenOwnershipCall,
  validateCall,
} from "./api-calls.js";
import { ChainDirectory } from "./chain-directory.js";
import { resolveTransport } from "./resolve-transport.js";
import { registerRevalidation, resolveCooldown } from "./revalidation.js";
import { type ApiCall, sendRequest } from "./send-request.js";
import type {
  AuthRequest,
  AuthResponse,
  AuthzRequest,
  ChainInfo,
  FlatTokenOwnershipRequest,
  NonceRequest,
  NonceResponse,
  PicketClientOptions,
  PicketRequirements,
  RequestOptions,
  TokenOwnershipRequest,
  TokenOwnershipResponse,
  ValidateRequest,
  ValidateResponse,
} from "./types.js";

/**
 * A typed client of Picket's API, for the calls that need Picket itself. Every call rejects with
 * a {@link PicketApiError} when Picket answers non-2xx or not at all, and with a `TypeError`,
 * before any request, for bad arguments.
 */
export interface PicketClient {
  /** `POST /auth/nonce`: the nonce a wallet must sign, for your own wallet-login flow. */
  nonce(request: NonceRequest, options?: RequestOptions): Promise<NonceResponse>;
  /** `POST /auth`: exchanges a signed nonce for an access token (login, server-side). */
  auth(request: AuthRequest, options?: RequestOptions): Promise<AuthResponse>;
  /** `POST /authz`: a new access token for an authenticated user who meets the requirements. */
  authz(request: AuthzRequest, options?: RequestOptions): Promise<AuthResponse>;
  /**
   * `POST /auth/validate`: Picket checks a token remotely and returns its claims. The validator
   * does this offline; this call is for comparing the two.
   */
  validate(request: ValidateRequest, options?: RequestOptions): Promise<ValidateResponse>;
  /** `POST /auth/validate` in picket-node's positional shape. */
  validate(
    accessToken: string,
    requirements?: PicketRequirements,
    options?: RequestOptions,
  ): Promise<ValidateResponse>;
  /**
   * `POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership`: whether a wallet meets the
   * requirements now, without any access token. The requirements go under `requirements`, or
   * (picket-node's shape) beside `chain` and `walletAddress`.
   */
  tokenOwnership(
    request: TokenOwnershipRequest | FlatTokenOwnershipRequest,
    options?: RequestOptions,
  ): Promise<TokenOwnershipResponse>;
  /** `GET /chains`: the chains Picket supports; remembered for the client's lifetime. */
  chains(options?: RequestOptions): Promise<ChainInfo[]>;
  /** `GET /chains/{chain}`: one chain by its slug; remembered for the client's lifetime. */
  chainInfo(chain: string, options?: RequestOptions): Promise<ChainInfo>;
}

/** At least 1 s, or it would ration nothing: a smaller number is seconds mistaken for milliseconds. */
const MIN_COOLDOWN = 1_000;

function checkCooldownUnit(given: unknown): unknown {
  if (given === undefined) return given;
  const milliseconds = parseDuration(given, "milliseconds", "revalidateCooldown");
  checkDurationRange(
    milliseconds,
    {
      name: "revalidateCooldown",
      unit: "milliseconds",
      min: MIN_COOLDOWN,
      owner: "createPicketClient",
    },
    given,
  );
  return given;
}

/**
 * Creates a client of Picket's API. Throws a `TypeError` at once for bad options. The secret key
 * is kept in a closure: the client object, its `inspect` output and its JSON do not hold it.
 *
 * @example
 * ```ts
 * import { createPicketClient } from "picket-validate/client";
 *
 * const picket = createPicketClient({ secretKey: process.env.PICKET_SECRET_KEY! });
 * const { nonce, statement } = await picket.nonce({ chain: "ethereum", walletAddress });
 * // …the wallet signs the message built from the nonce…
 * const { accessToken, user } = await picket.auth({ chain: "ethereum", walletAddress, signature });
 * ```
 */
export function createPicketClient(options: PicketClientOptions): PicketClient {
  const transport = resolveTransport(options);
  const cooldown = resolveCooldown(checkCooldownUnit(options.revalidateCooldown));
  const directory = new ChainDirectory();
  const call = (request: ApiCall): Promise<unknown> => sendRequest(transport, request);

  const client: PicketClient = {
    async nonce(request, callOptions) {
      return (await call(nonceCall(request, callOptions))) as NonceResponse;
    },
    async auth(request, callOptions) {
      return (await call(authCall(request, callOptions))) as AuthResponse;
    },
    async authz(request, callOptions) {
      return (await call(authzCall(request, callOptions))) as AuthResponse;
    },
    async validate(
      first: ValidateRequest | string,
      second?: PicketRequirements | RequestOptions,
      third?: RequestOptions,
    ) {
      return (await call(validateCall(first, second, third))) as ValidateResponse;
    },
    async tokenOwnership(request, callOptions) {
      return (await call(tokenOwnershipCall(request, callOptions))) as TokenOwnershipResponse;
    },
    chains(callOptions) {
      return directory.all(
        async () => ((await call(chainsCall(callOptions))) as { data: ChainInfo[] }).data,
      );
    },
    async chainInfo(chain, callOptions) {
      const request = chainInfoCall(chain, callOptions);
      return directory.one(chain, async () => (await call(request)) as ChainInfo);
    },
  };
  registerRevalidation(client, { cooldown, clock: transport.clock });
  return client;
}
