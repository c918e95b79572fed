import { PICKET_ISSUER } from "../constants.js";
import { isPicketValidationError } from "../errors.js";
import { checkRequirements } from "../requirements/check-requirements.js";
import { normalizeRequirements } from "../requirements/normalize-requirements.js";
import type { PicketClaims, Requirements, TokenBalances } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import { ApiFailure, isRecord, textField } from "./api-failure.js";
import { type ChainState, sumBalances } from "./chain-state.js";
import type { TestIssuer } from "./create-test-issuer.js";
import type { NonceBook } from "./nonce-book.js";
import { chainNamed, STAND_IN_CHAINS } from "./stand-in-chains.js";
import { checkLoginSignature, holderOfBody, type LoginHolder, STATEMENT } from "./wallet-login.js";

/** Picket's tokens live 12 hours. */
const TOKEN_LIFETIME_S = 12 * 60 * 60;
const OWNERSHIP = /^\/chains\/([^/]+)\/wallets\/([^/]+)\/tokenOwnership$/;
const CHAIN = /^\/chains\/([^/]+)$/;

/** What the stand-in's API works with: its keys, its chains, its nonces. */
export interface StandInContext {
  issuer: TestIssuer;
  validator: Validator;
  state: ChainState;
  nonces: NonceBook;
  jwksUri: string;
}

/** One request to the API, its path under `/api/v1` without the query. */
export interface ApiRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A JSON answer. */
export interface ApiReply {
  status: number;
  json: unknown;
}

/** Whether a path is one of the public documents, answered without the secret key. */
export function isPublicPath(path: string): boolean {
  return path === "/.well-known/jwks.json" || path === "/.well-known/openid-configuration";
}

/**
 * Answers one authenticated request as Picket's API does; a refusal throws an {@link ApiFailure},
 * malformed requirements a `TypeError`.
 */
export async function answerApi(context: StandInContext, request: ApiRequest): Promise<ApiReply> {
  const { method, path, body } = request;
  const ownership = OWNERSHIP.exec(path);
  if (method === "POST" && ownership !== null) {
    return ok(tokenOwnership(context, ownership[1] as string, ownership[2] as string, body));
  }
  const chain = CHAIN.exec(path);
  if (method === "GET" && chain !== null) return ok(chainInfo(chain[1] as string));
  switch (`${method} ${path}`) {
    case "GET /.well-known/jwks.json":
      return ok(context.issuer.jwks);
    case "GET /.well-known/openid-configuration":
      return ok(openIdConfiguration(context.jwksUri));
    case "GET /chains":
      return ok({ data: STAND_IN_CHAINS });
    case "POST /auth/nonce":
      return ok(nonce(context, body));
    case "POST /auth":
      return ok(auth(context, body));
    case "POST /authz":
      return ok(await authz(context, body));
    case "POST /auth/validate":
      return ok(await validate(context, body));
    default:
      throw new ApiFailure(404, "resource_not_found", `No endpoint ${method} ${path}`);
  }
}

function ok(json: unknown): ApiReply {
  return { status: 200, json };
}

function nonce(context: StandInContext, body: Record<string, unknown>) {
  const { chain, walletAddress } = holderOfBody(body);
  return {
    nonce: context.nonces.issue(chain.chainSlug, walletAddress),
    statement: STATEMENT,
    format: chain.chainType === "ethereum" ? "siwe" : "simple",
  };
}

function auth(context: StandInContext, body: Record<string, unknown>) {
  const holder = holderOfBody(body);
  checkLoginSignature(body, holder, context.nonces);
  const requirements = optionalRequirements(body.requirements);
  if (requirements === undefined) return issue(context, holder, undefined);
  const balances = context.state.balancesFor(
    holder.chain.chainSlug,
    holder.walletAddress,
    requirements,
  );
  requireMet(holder, balances, requirements);
  return issue(context, holder, balances);
}

/**
 * Incremental authorization: balances the token already carries are trusted, the others read
 * from the chains; `revalidate` reads them all again.
 */
async function authz(context: StandInContext, body: Record<string, unknown>) {
  const claims = await verifiedClaims(context, textField(body, "accessToken"));
  if (!isRecord(body.requirements)) {
    throw new ApiFailure(400, "parameter_invalid", "requirements must be an object");
  }
  const requirements = optionalRequirements(body.requirements) as Record<string, unknown>;
  const chain = chainNamed(claims.chain);
  if (chain === undefined) {
    throw new ApiFailure(
      400,
      "parameter_invalid",
      `chain ${String(claims.chain)} is not supported`,
    );
  }
  const holder: LoginHolder = { chain, walletAddress: String(claims.walletAddress) };
  const carried = (isRecord(claims.tokenBalances) ? claims.tokenBalances : {}) as TokenBalances;
  const current = context.state.balancesFor(chain.chainSlug, holder.walletAddress, requirements);
  const requested = body.revalidate === true ? current : overlay(current, carried);
  requireMet(holder, requested, requirements);
  return issue(context, holder, overlay(carried, requested));
}

async function validate(context: StandInContext, body: Record<string, unknown>) {
  const accessToken = textField(body, "accessToken");
  const requirements = optionalRequirements(body.requirements);
  await verifiedClaims(context, accessToken, requirements);
  return context.validator.decodeUnverified(accessToken).claims;
}

function tokenOwnership(
  context: StandInContext,
  slug: string,
  wallet: string,
  body: Record<string, unknown>,
) {
  const holder = holderOfBody({
    chain: decodeURIComponent(slug),
    walletAddress: decodeURIComponent(wallet),
  });
  const requirements = optionalRequirements(body) as Record<string, unknown>;
  if (!normalizeRequirements(requirements).tokenTarget) {
    throw new ApiFailure(
      400,
      "parameter_invalid",
      "contractAddress, collection, creatorAddress or tokenIds is required",
    );
  }
  const tokenBalances = context.state.balancesFor(
    holder.chain.chainSlug,
    holder.walletAddress,
    requirements,
  );
  const claims = {
    chain: holder.chain.chainSlug,
    walletAddress: holder.walletAddress,
    tokenBalances,
  };
  return {
    allowed: checkRequirements(claims, requirements as Requirements).ok,
    walletAddress: holder.walletAddress,
    tokenBalance: sumBalances(tokenBalances),
    tokenBalances,
  };
}

function chainInfo(slug: string) {
  const chain = chainNamed(decodeURIComponent(slug));
  if (chain === undefined) throw new ApiFailure(404, "resource_not_found", `No chain ${slug}`);
  return chain;
}

function openIdConfiguration(jwksUri: string) {
  return {
    issuer: PICKET_ISSUER,
    jwks_uri: jwksUri,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
  };
}

/** Requirements from a body, checked as the library checks them; 400 when malformed. */
function optionalRequirements(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value))
    throw new ApiFailure(400, "parameter_invalid", "requirements must be an object");
  try {
    normalizeRequirements(value as Requirements);
  } catch (error) {
    throw new ApiFailure(400, "parameter_invalid", (error as Error).message);
  }
  return value;
}

/** 403 `permission_denied` unless the balances meet the requirements, by the library's own rules. */
function requireMet(
  holder: LoginHolder,
  tokenBalances: TokenBalances,
  requirements: Record<string, unknown>,
): void {
  const claims = {
    chain: holder.chain.chainSlug,
    walletAddress: holder.walletAddress,
    tokenBalances,
  };
  const result = checkRequirements(claims, requirements as Requirements);
  if (!result.ok) {
    const why = result.failures.map((failure) => failure.message).join("; ");
    throw new ApiFailure(
      403,
      "permission_denied",
      `The wallet does not meet the requirements: ${why}`,
    );
  }
}

/** Verifies a token with the stand-in's keys; 401 `access_token_invalid`, or 403 when only requirements fail. */
async function verifiedClaims(
  context: StandInContext,
  accessToken: string,
  requirements?: Record<string, unknown>,
): Promise<PicketClaims> {
  try {
    return await context.validator.validate(accessToken, requirements as Requirements | undefined);
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    if (error.code === "ERR_REQUIREMENTS_NOT_MET") {
      throw new ApiFailure(403, "permission_denied", error.message);
    }
    throw new ApiFailure(401, "access_token_invalid", `${error.code}: ${error.message}`);
  }
}

/** `base` with every entry of `over` written over it, group by group. */
function overlay(base: TokenBalances, over: TokenBalances): TokenBalances {
  const merged: TokenBalances = { ...base };
  for (const group of ["contractAddress", "collection", "creatorAddress", "tokenIds"] as const) {
    if (over[group] !== undefined) merged[group] = { ...base[group], ...over[group] };
  }
  return merged;
}

/** Mints Picket's answer to a login: a 12-hour token and the user it names. */
function issue(
  context: StandInContext,
  holder: LoginHolder,
  tokenBalances: TokenBalances | undefined,
) {
  const chain = holder.chain.chainSlug;
  const { walletAddress } = holder;
  const user = {
    chain,
    walletAddress,
    displayAddress: walletAddress,
    ...(tokenBalances === undefined ? {} : { tokenBalances }),
  };
  const accessToken = context.issuer.sign(
    { sub: `${chain}:${walletAddress}`, ...user },
    { expiresIn: TOKEN_LIFETIME_S },
  );
  return { accessToken, user };
}
