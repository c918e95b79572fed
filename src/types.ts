import type { JSONWebKeySet } from "jose";
import type { ErrorCode } from "./errors.js";

/** A decimal amount: a plain non-negative decimal string, a finite number or a bigint. */
export type Amount = string | number | bigint;

/**
 * A token ID as Picket reads it:
 * - on Solana, an SPL mint address (base58, e.g. `"78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW"`),
 *   compared exactly;
 * - for an EVM contract, an ERC-721/1155 ID: an integer from 0 to 2^256 - 1 as a decimal string,
 *   number or bigint, compared by value (`"007"` is 7). Decimal IDs need `contractAddress`.
 */
export type TokenId = string | number | bigint;

/** The requirement keys whose balances are summed. */
export type TokenRequirementKey = "contractAddress" | "collection" | "creatorAddress" | "tokenIds";

/** Balances per requirement key, as Picket issues them for incremental authorization. */
export interface TokenBalances {
  contractAddress?: Record<string, string>;
  collection?: Record<string, string>;
  tokenIds?: Record<string, string>;
  creatorAddress?: Record<string, string>;
}

/** The claims of a Picket access token as Picket sends them. */
export interface PicketClaims {
  iss?: string;
  aud?: string | string[];
  sub?: string;
  exp?: number;
  /** Older name of `exp`. */
  ext?: number;
  iat?: number;
  nbf?: number;
  tid?: string;
  ver?: number;
  chain?: string;
  walletAddress?: string;
  displayAddress?: string;
  email?: string;
  contractAddress?: string;
  tokenBalance?: string;
  /** Older name of `tokenBalance`. */
  numTokens?: string;
  tokenIds?: string[];
  tokenBalances?: TokenBalances;
  [claim: string]: unknown;
}

/**
 * A verified Picket access token: every claim as sent, with `chain`, `walletAddress`, `exp` and
 * `tokenBalance` normalized from their older or derived forms.
 */
export interface PicketAccessToken extends PicketClaims {
  /**
   * From `sub` (`chain:address`, or the older `chain/network:address`, which names `chain` on the
   * main network and `chain/network` on any other), else from the `chain` claim. A `chain` claim
   * cannot change the subject's network; one naming another chain than `sub` is refused.
   */
  chain: string;
  /** The network a legacy `chain/network:address` subject names (`"goerli"`, `"mainnet-beta"`). */
  network?: string;
  /** From the `walletAddress` claim, else from `sub`. */
  walletAddress: string;
  /** From `exp`, else the legacy `ext`. */
  exp: number;
}

/**
 * Token-gating requirements, as Picket's `requirements` object. The balances of every requested
 * key (the contract, each collection, the creator, each token ID) are summed; the sum must reach
 * `minTokenBalance`, or be more than zero where it is absent or zero. A listed wallet passes
 * whatever it holds.
 *
 * Requirements are a plain object (an object literal or `Object.create(null)`): a class
 * instance, a getter, a `Map`, an array or inherited keys are a `TypeError`, as are an unknown
 * key (with the nearest one), an empty `collection`, `tokenIds` or `allowedWallets` list, and a
 * `0x` address that is not `0x` and exactly 40 hex digits.
 *
 * @example
 * ```ts
 * // Solana: hold at least 1 across these SPL mints.
 * const solana: Requirements = {
 *   chain: "solana",
 *   tokenIds: ["78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW", "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS"],
 *   minTokenBalance: 1,
 * };
 * // EVM: hold any token of this contract.
 * const evm: Requirements = { contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e" };
 * ```
 */
export interface Requirements {
  /** The token's chain must equal this (`"solana"`, `"ethereum"`, `"ethereum/goerli"`…). */
  chain?: string;
  /** A contract whose balance counts; a `0x` address must have exactly 40 hex digits. */
  contractAddress?: string;
  /** The summed balance must be at least this; more than zero where it is absent or zero. */
  minTokenBalance?: Amount;
  /**
   * Token IDs whose balances count, each added to the sum: Solana SPL mint addresses (compared
   * exactly), or decimal EVM token IDs of `contractAddress` (counted only from a token issued for
   * that contract).
   */
  tokenIds?: readonly TokenId[];
  /** Collections whose balances count: one address, or a non-empty list. */
  collection?: string | readonly string[];
  /** A creator whose tokens count. */
  creatorAddress?: string;
  /**
   * Wallets that pass whatever they hold: an alternative to the token requirements. A non-empty
   * list; leave it out to list none.
   */
  allowedWallets?: readonly string[];
}

/** Why one requirement failed. */
export interface RequirementFailure {
  /** The requirement that failed. */
  requirement: "chain" | "allowedWallets" | "tokenBalance";
  /** A short machine-readable reason. */
  reason: "mismatch" | "not_listed" | "insufficient_balance" | "claim_invalid";
  /** A sentence for logs. */
  message: string;
  /** What was required, as a string. */
  required?: string;
  /** What the token has, as a string. */
  actual?: string;
  /** For a short balance: the requested keys that counted nothing, to point at a wrong address. */
  uncounted?: readonly TokenRequirementKey[];
}

/** The result of {@link checkRequirements}. */
export type RequirementsResult =
  | { ok: true }
  | { ok: false; failures: readonly RequirementFailure[] };

/**
 * A length of time: a number in the option's documented unit (seconds for `clockTolerance` and
 * `maxTokenAge`, milliseconds for `jwksCache`), or a string with a unit, which says it itself:
 * `"500ms"`, `"30s"`, `"10m"`, `"24h"`, `"1 day"`, `"2 hours"`, `"1.5h"`. Units: `ms`, `s`,
 * `m`/`min`, `h`/`hr`, `d`/`day`, `w`/`week`, and their long forms, in lower case.
 */
export type Duration = number | string;

/** Settings of the JWKS key cache. Numbers are milliseconds; strings carry their unit. */
export interface JwksCacheOptions {
  /**
   * Keys are refreshed in the background after this age, while the old ones keep serving.
   * At least 1000 ms (1 s).
   * @default 600_000 (10 minutes)
   */
  maxAge?: Duration;
  /**
   * While the endpoint fails, keys up to this age are still used. `0` turns stale serving off;
   * otherwise at least 1000 ms (1 s).
   * @default 86_400_000 (24 hours)
   */
  staleIfError?: Duration;
  /**
   * At most one fetch per cooldown for tokens with an unknown `kid`; also the first retry delay
   * after a failed fetch. At least 1000 ms (1 s).
   * @default 30_000 (30 seconds)
   */
  cooldown?: Duration;
  /**
   * Per-fetch timeout. At least 100 ms.
   * @default 5_000 (5 seconds)
   */
  timeout?: Duration;
  /**
   * Keys kept; the LRU evicts the rest.
   * @default 100
   */
  maxKeys?: number;
  /**
   * Larger JWKS responses are refused, counted while streaming. In bytes.
   * @default 1_048_576 (1 MiB)
   */
  maxBytes?: number;
}

/** Settings of the verified-token cache. */
export interface TokenCacheOptions {
  /**
   * Tokens kept.
   * @default 10_000
   */
  max?: number;
}

/** What the validator reports through `onEvent`. */
export type ValidatorEvent =
  | { type: "jwks_fetch_start"; uri: string; reason: JwksFetchReason }
  | { type: "jwks_fetch_success"; uri: string; keys: number; ignored: number; durationMs: number }
  | { type: "jwks_fetch_failure"; uri: string; error: Error; durationMs: number }
  | { type: "jwks_stale"; ageMs: number }
  | { type: "jwks_cooldown"; kid: string | undefined; retryInMs: number }
  | {
      /**
       * The default key-set address (`PICKET_JWKS_URI`) answered `404` or no key set, and
       * Picket's OpenID configuration named another: keys are fetched from `uri` from now on.
       */
      type: "jwks_uri_discovered";
      /** The address that failed. */
      from: string;
      /** The address now used: the configuration's `jwks_uri`. */
      uri: string;
      /** The OpenID configuration document that named it. */
      configuration: string;
    }
  | {
      type: "validation_success";
      /** The token's `kid`, where it names one. */
      kid: string | undefined;
      /** Whether the verified-token cache answered. */
      cached: boolean;
      durationMs: number;
    }
  | {
      type: "validation_failure";
      code: ErrorCode;
      /** The claim that failed its check, by name. */
      claim?: string;
      /** The header member that failed its check, by name. */
      header?: string;
      /** For `ERR_REQUIREMENTS_NOT_MET`: the requirements that failed. */
      requirements: readonly RequirementFailure["requirement"][];
      /** For a short balance: the requested keys that counted nothing. */
      uncounted: readonly TokenRequirementKey[];
      kid: string | undefined;
      cached: boolean;
      durationMs: number;
    };

/** Why a key fetch started. */
export type JwksFetchReason = "initial" | "refresh" | "unknown_kid" | "retry" | "manual";

/**
 * Options of {@link createValidator}. An unknown key is a `TypeError` that names the nearest
 * known one (`jwksURI`: "did you mean jwksUri?").
 */
export interface ValidatorOptions {
  /** The Picket project ID: the expected `aud`. */
  projectId: string;
  /**
   * Where keys are fetched: `https:` only, `http:` for loopback hosts.
   * @default PICKET_JWKS_URI (unless `jwks` is given without it)
   */
  jwksUri?: string | URL;
  /** Keys to start with. With `jwks` and no `jwksUri`, the validator never touches the network. */
  jwks?: JSONWebKeySet;
  /**
   * The expected `iss`.
   * @default "picketapi.com"
   */
  issuer?: string;
  /**
   * Allowed JWS algorithms, asymmetric only.
   * @default ["ES256"]
   */
  algorithms?: readonly string[];
  /**
   * Leeway for `exp`, `nbf` and `iat`: a number of seconds, or a string with a unit (`"30s"`).
   * At most 300 s (5 minutes): more is a unit mistake (`30000` meant as milliseconds), refused.
   * @default 0
   */
  clockTolerance?: Duration;
  /**
   * How far `nbf` and `iat` may be ahead of this validator's clock: Picket stamps both with its
   * own clock at login, so a server whose clock runs a little behind would otherwise refuse a
   * token minted a moment ago. Seconds, or a string with a unit (`"2m"`); at most 300. `exp` is
   * not affected; where `clockTolerance` is larger, it applies instead.
   * @default 60
   */
  futureSkew?: Duration;
  /**
   * Tokens whose `iat` is older are rejected: a number of seconds, or a string with a unit
   * (`"12h"`). At most 365 days. Off when not given.
   */
  maxTokenAge?: Duration;
  /** Requirements applied on every call; per-call requirements override them key by key. */
  requirements?: Requirements;
  /**
   * The current time in milliseconds, like `Date.now()`. Called once at creation: a clock that
   * returns seconds (under 10^11) or anything but a finite number is a `TypeError`.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * The fetch implementation used for the JWKS.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Longer tokens are rejected before any decoding. In bytes.
   * @default 8192
   */
  maxTokenBytes?: number;
  /** Key cache settings; an unknown key in it is a `TypeError`. */
  jwksCache?: JwksCacheOptions;
  /**
   * Verified-token cache for repeated tokens: `{ max }`, or `false` to turn it off.
   * @default { max: 10_000 }
   */
  tokenCache?: TokenCacheOptions | false;
  /**
   * Receives key fetches, refreshes and errors, and each validation's outcome
   * (`validation_success` / `validation_failure`: code, names of what failed, never values), for
   * metrics and logs. Its throws and rejections are swallowed; it is never awaited.
   */
  onEvent?: (event: ValidatorEvent) => void;
}

/** The parts of a compact JWS, decoded without any check. */
export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}
