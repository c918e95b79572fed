import { pathSegment } from "./path-segment.js";
import type { ApiCall } from "./send-request.js";
import { toWireRequirements } from "./to-wire-requirements.js";
import type {
  AuthRequest,
  AuthzRequest,
  FlatTokenOwnershipRequest,
  NonceRequest,
  PicketRequirements,
  RequestOptions,
  TokenOwnershipRequest,
  ValidateRequest,
} from "./types.js";

// One builder per endpoint: each checks its arguments (a `TypeError` before any request) and
// says what a usable answer looks like.

/** `POST /auth/nonce`. */
export function nonceCall(request: NonceRequest, options: RequestOptions | undefined): ApiCall {
  const { chain, walletAddress, locale } = request;
  requireString(chain, "chain");
  requireString(walletAddress, "walletAddress");
  return {
    method: "POST",
    path: "/auth/nonce",
    endpoint: "POST /auth/nonce",
    body: { chain, walletAddress, locale },
    options,
    accept: (value) => isRecord(value) && typeof value.nonce === "string",
    expected: "a nonce",
  };
}

/** `POST /auth`. */
export function authCall(request: AuthRequest, options: RequestOptions | undefined): ApiCall {
  const { chain, walletAddress, signature, requirements, context } = request;
  requireString(chain, "chain");
  requireString(walletAddress, "walletAddress");
  requireString(signature, "signature");
  return {
    method: "POST",
    path: "/auth",
    endpoint: "POST /auth",
    body: { chain, walletAddress, signature, requirements: optionalWire(requirements), context },
    options,
    accept: isAuthResponse,
    expected: "an access token and a user",
  };
}

/** `POST /authz`. */
export function authzCall(request: AuthzRequest, options: RequestOptions | undefined): ApiCall {
  const { accessToken, requirements, revalidate } = request;
  requireString(accessToken, "accessToken");
  requireRecord(requirements, "requirements");
  return {
    method: "POST",
    path: "/authz",
    endpoint: "POST /authz",
    body: { accessToken, requirements: toWireRequirements(requirements), revalidate },
    options,
    accept: isAuthResponse,
    expected: "an access token and a user",
  };
}

/**
 * `POST /auth/validate`, from either shape: `(request, options?)`, or picket-node's
 * `(accessToken, requirements?, options?)`.
 */
export function validateCall(
  first: ValidateRequest | string,
  second: PicketRequirements | RequestOptions | undefined,
  third: RequestOptions | undefined,
): ApiCall {
  let accessToken: unknown = first;
  let requirements = second as PicketRequirements | undefined;
  let options = third;
  if (typeof first !== "string") {
    requireRecord(first, "validate's request");
    ({ accessToken, requirements } = first);
    options = second as RequestOptions | undefined;
  }
  requireString(accessToken, "accessToken");
  return {
    method: "POST",
    path: "/auth/validate",
    endpoint: "POST /auth/validate",
    body: { accessToken, requirements: optionalWire(requirements) },
    options,
    accept: isRecord,
    expected: "the token's claims",
  };
}

/** `POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership`, nested or flat. */
export function tokenOwnershipCall(
  request: TokenOwnershipRequest | FlatTokenOwnershipRequest,
  options: RequestOptions | undefined,
): ApiCall {
  requireRecord(request, "tokenOwnership's request");
  const chain = pathSegment(request.chain, "chain");
  const walletAddress = pathSegment(request.walletAddress, "walletAddress");
  return {
    method: "POST",
    path: `/chains/${chain}/wallets/${walletAddress}/tokenOwnership`,
    endpoint: "POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership",
    body: toWireRequirements(ownershipRequirements(request)),
    options,
    accept: (value) => isRecord(value) && typeof value.allowed === "boolean",
    expected: "an ownership verdict",
  };
}

/** `GET /chains`: Picket answers `{ data: ChainInfo[] }`. */
export function chainsCall(options: RequestOptions | undefined): ApiCall {
  return {
    method: "GET",
    path: "/chains",
    endpoint: "GET /chains",
    options,
    accept: (value) => isRecord(value) && Array.isArray(value.data) && value.data.every(isChain),
    expected: "a list of chains",
  };
}

/** `GET /chains/{chain}`. */
export function chainInfoCall(chain: string, options: RequestOptions | undefined): ApiCall {
  return {
    method: "GET",
    path: `/chains/${pathSegment(chain, "chain")}`,
    endpoint: "GET /chains/{chain}",
    options,
    accept: isChain,
    expected: "a chain",
  };
}

/**
 * The requirements of either shape: under `requirements`, or (picket-node's) beside `chain`
 * and `walletAddress`. Both at once is ambiguous, so a `TypeError`.
 */
function ownershipRequirements(
  request: TokenOwnershipRequest | FlatTokenOwnershipRequest,
): PicketRequirements {
  const {
    chain: _chain,
    walletAddress: _wallet,
    requirements,
    ...flat
  } = request as unknown as Record<string, unknown>;
  if (requirements === undefined) return flat as PicketRequirements;
  requireRecord(requirements, "requirements");
  if (Object.values(flat).some((value) => value !== undefined)) {
    throw new TypeError(
      "tokenOwnership takes requirements either under `requirements` or beside chain and walletAddress, not both",
    );
  }
  return requirements as PicketRequirements;
}

function optionalWire(
  requirements: PicketRequirements | undefined,
): Record<string, unknown> | undefined {
  return requirements === undefined ? undefined : toWireRequirements(requirements);
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}

function requireRecord(value: unknown, name: string): void {
  if (!isRecord(value)) throw new TypeError(`${name} must be an object`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAuthResponse(value: unknown): boolean {
  return isRecord(value) && typeof value.accessToken === "string" && isRecord(value.user);
}

function isChain(value: unknown): boolean {
  return isRecord(value) && typeof value.chainSlug === "string" && value.chainSlug !== "";
}
