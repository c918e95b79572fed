import type { PicketClaims, Requirements, TokenBalances } from "../types.js";

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
  timeout?: number;
}

/** Per-call settings, the last argument of every client call. */
export interface RequestOptions {
  /**
   * Milliseconds this call may take, body included.
   * @default the client's `timeout`
   */
  timeout?: number;
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
