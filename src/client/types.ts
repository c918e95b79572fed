import type { Duration, PicketClaims, Requirements, TokenBalances } from "../types.js";
import type { PicketApiErrorCode } from "./picket-api-error.js";

/**
 * Token-gating requirements as Picket's API takes them: the core {@link Requirements} without
 * `chain`, which Picket reads from the token or the URL, never from the requirements. Amounts and
 * token IDs given as numbers or bigints are sent as exact decimal strings.
 */
export type PicketRequirements = Omit<Requirements, "chain">;

/** How the wallet is asked to sign: a plain statement, or Sign-In with Ethereum (EIP-4361). */
export type SigningMessageFormat = "simple" | "siwe";

/** Options of {@link createPicketClient}. */
export interface PicketClientOptions {
  /**
   * The project's secret API key. Sent as the Basic-auth user name with an empty password, and
   * never written into an error, a log line or an event.
   */
  secretKey: string;
  /**
   * Picket's API base: `https:` only, `http:` for loopback hosts (tests and local stand-ins).
   * @default "https://picketapi.com/api/v1"
   */
  baseUrl?: string | URL;
  /**
   * The fetch implementation used for every call.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Milliseconds a call may take, body included, before it fails with code `timeout`.
   * @default 10_000
   */
  timeout?: Duration;
  /**
   * Bytes an answer's body may have, counted while it streams: past it the call fails with code
   * `response_too_large` and the connection is dropped.
   * @default 1_048_576 (1 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Milliseconds during which `authorize()` answers "requirements not met" from memory, without
   * asking Picket again, after Picket found a token still short of the same requirements: a user
   * short of balance costs at most one Picket call per cooldown. At least 1_000.
   * @default 60_000
   */
  revalidateCooldown?: Duration;
  /**
   * The current time in milliseconds, for `revalidateCooldown` and `durationMs`.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * Receives an event for every call that fails (Picket's non-2xx answers, timeouts, unreachable
   * Picket, unusable answers). Events carry no secret, token or claim value. A throwing or
   * rejecting hook is ignored; it is never awaited.
   */
  onEvent?: (event: PicketClientEvent) => void;
}

/**
 * A call to Picket's API that failed, as {@link PicketClientOptions.onEvent} receives it: the same
 * `endpoint`, `status` and `code` as the {@link PicketApiError} the call rejects with.
 */
export interface PicketApiFailureEvent {
  type: "picket_api_failure";
  /** The call, as `POST /authz`, with path parameters as placeholders. */
  endpoint: string;
  /** Picket's HTTP status, or 0 when no answer came. */
  status: number;
  /** Picket's error code, or the client's (`timeout`, `network_error`, …), or none. */
  code: PicketApiErrorCode | undefined;
  /** Milliseconds from the start of the call to its failure. */
  durationMs: number;
}

/** What {@link PicketClientOptions.onEvent} receives. */
export type PicketClientEvent = PicketApiFailureEvent;

/** Per-call settings, the last argument of every client call. */
export interface RequestOptions {
  /**
   * Milliseconds this call may take, body included.
   * @default the client's `timeout`
   */
  timeout?: Duration;
  /** Cancels the call: it then fails with code `aborted`. */
  signal?: AbortSignal;
}

/** The body of {@link PicketClient.nonce}. */
export interface NonceRequest {
  /** The chain slug, such as `"ethereum"` or `"solana"`. */
  chain: string;
  walletAddress: string;
  /** The locale of the statement to sign, such as `"en-US"`. Picket picks one when absent. */
  locale?: string;
}

/** Picket's answer to {@link PicketClient.nonce}. */
export interface NonceResponse {
  /** The random value the wallet must sign; valid for about two minutes. */
  nonce: string;
  /** The statement shown to the user in the message to sign. */
  statement: string;
  /** How the message to sign is built. */
  format: SigningMessageFormat;
}

/**
 * The fields of a Sign-In with Ethereum message that are made client-side, which Picket needs to
 * rebuild the signed message.
 */
export interface SigningMessageContext {
  domain: string;
  uri: string;
  chainId: number;
  /** ISO 8601 time at which the message was made. */
  issuedAt: string;
  /** `"ethereum"` for EVM chains, `"solana"` for Solana. */
  chainType: string;
  locale?: string;
}

/** The body of {@link PicketClient.auth}. */
export interface AuthRequest {
  chain: string;
  walletAddress: string;
  /** The wallet's signature of the message built from the nonce. */
  signature: string;
  /** Token-gating requirements the wallet must meet for a token to be issued. */
  requirements?: PicketRequirements;
  /** Needed for `siwe` messages. */
  context?: SigningMessageContext;
}

/** The body of {@link PicketClient.authz}. */
export interface AuthzRequest {
  /** A valid access token of the user. */
  accessToken: string;
  requirements: PicketRequirements;
  /**
   * Re-reads balances on chain instead of trusting those in `accessToken`.
   * @default false (Picket's)
   */
  revalidate?: boolean;
}

/** The body of {@link PicketClient.validate}. */
export interface ValidateRequest {
  accessToken: string;
  requirements?: PicketRequirements;
}

/** The arguments of {@link PicketClient.tokenOwnership}. */
export interface TokenOwnershipRequest {
  /** The chain slug; sent in the URL. */
  chain: string;
  /** Sent in the URL. */
  walletAddress: string;
  /** Sent as the request body. */
  requirements: PicketRequirements;
}

/**
 * The arguments of {@link PicketClient.tokenOwnership} in picket-node's flat shape: the
 * requirements beside `chain` and `walletAddress` instead of under `requirements`.
 */
export interface FlatTokenOwnershipRequest extends PicketRequirements {
  /** The chain slug; sent in the URL. */
  chain: string;
  /** Sent in the URL. */
  walletAddress: string;
}

/** A chain Picket supports, as {@link PicketClient.chains} and {@link PicketClient.chainInfo} give it. */
export interface ChainInfo {
  /** The slug used in requests and tokens, such as `"ethereum"`, `"polygon"` or `"solana"`. */
  chainSlug: string;
  /** The chain's numeric ID (1 for Ethereum mainnet). */
  chainID: number;
  /** The chain family: `"ethereum"` for EVM chains, `"solana"` for Solana. */
  chainType: "ethereum" | "solana" | (string & {});
  /** The chain's display name. */
  chainName: string;
  /** A public RPC endpoint of the chain. */
  publicRPC: string;
  /** Whether token-gating requirements can be checked on this chain. */
  authorizationSupported: boolean;
  [field: string]: unknown;
}

/** The user an access token was issued to, as Picket returns it beside the token. */
export interface AuthenticatedUser {
  chain: string;
  walletAddress: string;
  /** The ENS name, or the address. */
  displayAddress: string;
  contractAddress?: string;
  tokenIds?: string[];
  tokenBalance?: string;
  tokenBalances?: TokenBalances;
  [field: string]: unknown;
}

/** Picket's answer to {@link PicketClient.auth} and {@link PicketClient.authz}. */
export interface AuthResponse {
  /** A new access token: validate it locally before trusting it. */
  accessToken: string;
  user: AuthenticatedUser;
}

/** The claims Picket's remote {@link PicketClient.validate} returns for a valid token. */
export type ValidateResponse = PicketClaims;

/** Picket's answer to {@link PicketClient.tokenOwnership}; fields beyond these pass through. */
export interface TokenOwnershipResponse {
  /** Whether the wallet meets the requirements. */
  allowed: boolean;
  /** Balances per requirement key. */
  tokenBalances?: TokenBalances;
  walletAddress?: string;
  tokenBalance?: string;
  [field: string]: unknown;
}
