import { refuseUnknownKeys } from "../shared/strict-keys.js";

/** What {@link createSigningMessage} builds the message from. */
export interface SigningMessageRequest {
  /**
   * `"simple"`: the statement, the address and the nonce; `"siwe"`: Sign-In with Ethereum
   * (EIP-4361), which also needs `domain`, `uri`, `issuedAt` and `chainId`.
   * @default "simple"
   */
  format?: "simple" | "siwe";
  /** The statement Picket's nonce answer carries. */
  statement: string;
  walletAddress: string;
  /** The nonce from `POST /auth/nonce`. */
  nonce: string;
  /** SIWE: the host asking for the signature, such as `"example.com"`. */
  domain?: string;
  /** SIWE: the page asking, such as `"https://example.com/login"`. */
  uri?: string;
  /** SIWE: ISO 8601 time the message was made. */
  issuedAt?: string;
  /** SIWE: the chain's numeric ID (1 for Ethereum). */
  chainId?: number;
  /** SIWE: `"solana"` names Solana instead of Ethereum throughout the message, as picket-js does. */
  chainType?: string;
}

const SIWE_FIELDS = ["domain", "uri", "issuedAt", "chainId"] as const;
// A misspelt `chainType` would silently build the Ethereum text: refuse what is not a field.
const REQUEST_KEYS = ["format", "statement", "walletAddress", "nonce", "chainType", ...SIWE_FIELDS];

/**
 * Builds the text a wallet signs to log in, exactly as picket-js's `Picket.createSigningMessage`
 * builds it, so that Picket (and its stand-in) can rebuild it from the nonce and the `context`.
 *
 * @example
 * ```ts
 * createSigningMessage({ statement: "Sign in to Acme", walletAddress: wallet.address, nonce });
 * // "Sign in to Acme\n\nAddress: 0x…\nNonce: …"
 * createSigningMessage({
 *   format: "siwe", statement, walletAddress: wallet.address, nonce,
 *   domain: "example.com", uri: "https://example.com", issuedAt: new Date().toISOString(), chainId: 1,
 * });
 * ```
 */
export function createSigningMessage(request: SigningMessageRequest): string {
  if (typeof request !== "object" || request === null) {
    throw new TypeError("createSigningMessage: the request must be an object");
  }
  refuseUnknownKeys(request, REQUEST_KEYS, "createSigningMessage");
  const { format = "simple", statement, walletAddress, nonce } = request;
  for (const [name, value] of Object.entries({ statement, walletAddress, nonce })) {
    if (typeof value !== "string") {
      throw new TypeError(`createSigningMessage: ${name} must be a string`);
    }
  }
  if (format === "simple") return `${statement}\n\nAddress: ${walletAddress}\nNonce: ${nonce}`;
  if (format !== "siwe") {
    throw new TypeError(`createSigningMessage: format must be "simple" or "siwe", not ${format}`);
  }
  for (const name of SIWE_FIELDS) {
    if (request[name] === undefined) {
      throw new TypeError(`createSigningMessage: a "siwe" message needs ${name}`);
    }
  }
  // EIP-4361's layout, as the siwe package writes it for picket-js (version 1, no optional
  // fields); an empty statement leaves its blank lines, as siwe does.
  const header = `${request.domain} wants you to sign in with your Ethereum account:\n${walletAddress}`;
  const prefix = `${header}\n\n${statement}${statement === "" ? "" : "\n"}`;
  const suffix = [
    `URI: ${request.uri}`,
    "Version: 1",
    `Chain ID: ${request.chainId}`,
    `Nonce: ${nonce}`,
    `Issued At: ${request.issuedAt}`,
  ].join("\n");
  const message = `${prefix}\n${suffix}`;
  return request.chainType === "solana" ? message.replaceAll("Ethereum", "Solana") : message;
}
