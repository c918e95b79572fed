/**
 * Mints, in Node, every token the behaviour suite needs, with the package's own test issuer as
 * built to dist/. The suite then runs in runtimes that have no way to sign anything.
 */
import type { JSONWebKeySet } from "jose";
import { createTestIssuer } from "../../dist/testing/index.js";

export const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
/** Two Solana SPL mint addresses, as Picket's `tokenIds` are. */
export const SOLANA_MINTS = [
  "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW",
  "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS",
] as const;
const SOLANA_WALLET = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const COLLECTION = "J1S9H3QjnRtBbbuD4HjPV6RpRhwuk4zKbxsnCHuTgh9w";
const CREATOR = "5jk8kLmJf9Yt8ZrT4iKCHEYtP2B1zEsmtwRSqWfUcQ5R";

/** The tokens and key sets of one suite run; the JWKS URLs are added per run. */
export interface MintedFixtures {
  projectId: string;
  walletAddress: string;
  solanaWallet: string;
  jwks: JSONWebKeySet;
  tokens: Record<string, string>;
  requirements: Record<string, Record<string, unknown>>;
  rotation: { before: string; after: string; keysBefore: JSONWebKeySet; keysAfter: JSONWebKeySet };
}

/** Everything the suite reads, loopback URLs included. */
export interface SuiteFixtures extends Omit<MintedFixtures, "rotation"> {
  unavailableJwksUri: string;
  refusedJwksUri: string;
  rotation: { before: string; after: string; jwksUri: string };
  picketApi: { baseUrl: string; secretKey: string };
}

export function mintFixtures(): MintedFixtures {
  const issuer = createTestIssuer();
  const { projectId } = issuer;
  const solana = {
    sub: `solana:${SOLANA_WALLET}`,
    chain: "solana",
    walletAddress: SOLANA_WALLET,
    displayAddress: SOLANA_WALLET,
  };
  const valid = issuer.sign();
  return {
    projectId,
    walletAddress: issuer.walletAddress,
    solanaWallet: SOLANA_WALLET,
    jwks: issuer.jwks,
    tokens: {
      valid,
      evmHolder: issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2.5" }),
      solanaHolder: issuer.sign({
        ...solana,
        tokenBalances: { tokenIds: { [SOLANA_MINTS[0]]: "1", [SOLANA_MINTS[1]]: "0" } },
      }),
      solanaEmpty: issuer.sign({
        ...solana,
        tokenBalances: { tokenIds: { [SOLANA_MINTS[0]]: "0", [SOLANA_MINTS[1]]: "0" } },
      }),
      collectionHolder: issuer.sign({
        ...solana,
        tokenBalances: { collection: { [COLLECTION]: "1" } },
      }),
      creatorHolder: issuer.sign({
        ...solana,
        tokenBalances: { creatorAddress: { [CREATOR]: "3" } },
      }),
      expired: issuer.sign({}, { expiresIn: -120 }),
      wrongAudience: issuer.sign({ aud: "another-project" }),
      forged: createTestIssuer({ projectId }).sign(),
      tampered: withPayload(valid, { walletAddress: SOLANA_WALLET }),
    },
    requirements: {
      // Checksummed spelling against the token's lower case: EVM addresses compare case-insensitively.
      contract: {
        contractAddress: "0x8A90CAB2B38dba80c64b7734e58ee1db38b8992e",
        minTokenBalance: "2.5",
      },
      contractShort: { contractAddress: CONTRACT, minTokenBalance: "2.5000001" },
      solanaMints: { chain: "solana", tokenIds: [...SOLANA_MINTS], minTokenBalance: 1 },
      collection: { collection: COLLECTION },
      creator: { creatorAddress: CREATOR, minTokenBalance: "3" },
      walletListed: {
        contractAddress: CONTRACT,
        minTokenBalance: 1,
        allowedWallets: [issuer.walletAddress.toLowerCase()],
      },
      walletUnlisted: { contractAddress: CONTRACT, minTokenBalance: 1, allowedWallets: [CONTRACT] },
      sameChain: { chain: "ethereum" },
      otherChain: { chain: "solana" },
    },
    rotation: mintRotation(projectId),
  };
}

/** A token of the first key, then of a second key under a new `kid`, and both key sets. */
function mintRotation(projectId: string): MintedFixtures["rotation"] {
  const keyed = createTestIssuer({ projectId, kid: "runtime-key" });
  const before = keyed.sign();
  const keysBefore = keyed.jwks;
  keyed.rotate();
  return {
    before,
    after: keyed.sign(),
    keysBefore,
    keysAfter: { keys: [...keysBefore.keys, ...keyed.jwks.keys] },
  };
}

/** The token with claims changed and its signature kept. */
function withPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
  const changed = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString("base64url");
  return `${header}.${changed}.${signature}`;
}
