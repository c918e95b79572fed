import { sameAddress } from "../requirements/same-address.js";
import { ApiFailure, isRecord, textField } from "./api-failure.js";
import { createSigningMessage } from "./create-signing-message.js";
import type { NonceBook } from "./nonce-book.js";
import { chainNamed, type StandInChain } from "./stand-in-chains.js";
import { checksumAddress, recoverEvmSigner, verifySolanaSignature } from "./wallet-signature.js";

/** The statement the stand-in's nonces come with. */
export const STATEMENT = "Sign in to the Picket stand-in";

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** The chain and wallet a login names, the address as Picket writes it. */
export interface LoginHolder {
  chain: StandInChain;
  walletAddress: string;
}

/** Reads `chain` and `walletAddress` from a body; 400 `parameter_invalid` for unknown or malformed ones. */
export function holderOfBody(body: Record<string, unknown>): LoginHolder {
  const slug = textField(body, "chain");
  const chain = chainNamed(slug);
  if (chain === undefined) {
    throw new ApiFailure(400, "parameter_invalid", `chain ${slug} is not supported`);
  }
  const wallet = textField(body, "walletAddress");
  const evm = chain.chainType === "ethereum";
  if (!(evm ? EVM_ADDRESS : SOLANA_ADDRESS).test(wallet)) {
    throw new ApiFailure(
      400,
      "parameter_invalid",
      `walletAddress is not a ${chain.chainName} address`,
    );
  }
  return { chain, walletAddress: evm ? checksumAddress(wallet.slice(2)) : wallet };
}

/**
 * Checks a login's signature: over the wallet's pending nonce, in the simple form or (given a
 * `context`) the SIWE form, by the wallet's own key. Uses the nonce up when it passes; 401 when
 * there is no unexpired nonce or the signature is not the wallet's over it.
 */
export function checkLoginSignature(
  body: Record<string, unknown>,
  holder: LoginHolder,
  nonces: NonceBook,
): void {
  const signature = textField(body, "signature");
  const { chain, walletAddress } = holder;
  const pending = nonces.peek(chain.chainSlug, walletAddress);
  if ("refused" in pending) {
    const why = pending.refused === "expired" ? "has expired" : "was not asked for or was used";
    throw new ApiFailure(401, "nonce_invalid", `The wallet's nonce ${why}: ask POST /auth/nonce`);
  }
  // The message names the address as the wallet sent it, whatever its case.
  const sent = textField(body, "walletAddress");
  const signed = messagesFor(body.context, sent, pending.nonce).some((message) =>
    chain.chainType === "ethereum"
      ? sameSigner(recoverEvmSigner(message, signature), walletAddress)
      : verifySolanaSignature(message, signature, walletAddress),
  );
  if (!signed) {
    throw new ApiFailure(
      401,
      "signature_invalid",
      "The signature is not the wallet's over its nonce",
    );
  }
  nonces.take(chain.chainSlug, walletAddress);
}

/** The messages a wallet may have signed: the simple one, and the SIWE one when a context came. */
function messagesFor(context: unknown, walletAddress: string, nonce: string): string[] {
  const simple = createSigningMessage({ statement: STATEMENT, walletAddress, nonce });
  if (context === undefined || context === null) return [simple];
  if (!isRecord(context))
    throw new ApiFailure(400, "parameter_invalid", "context must be an object");
  const { domain, uri, issuedAt, chainId, chainType } = context;
  if (typeof domain !== "string" || typeof uri !== "string" || typeof issuedAt !== "string") {
    throw new ApiFailure(
      400,
      "parameter_invalid",
      "context needs domain, uri and issuedAt strings",
    );
  }
  if (typeof chainId !== "number") {
    throw new ApiFailure(400, "parameter_invalid", "context.chainId must be a number");
  }
  const siwe = createSigningMessage({
    format: "siwe",
    statement: STATEMENT,
    walletAddress,
    nonce,
    domain,
    uri,
    issuedAt,
    chainId,
    ...(typeof chainType === "string" ? { chainType } : {}),
  });
  return [simple, siwe];
}

function sameSigner(signer: string | undefined, walletAddress: string): boolean {
  return signer !== undefined && sameAddress(signer, walletAddress);
}
