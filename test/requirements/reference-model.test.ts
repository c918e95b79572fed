import { describe, expect, it } from "vitest";
import {
  type ModelHolder,
  type ModelRequirements,
  type ModelTokenBalances,
  meetsRequirements,
  requestedBalance,
} from "./reference-model.js";

// The reference model against Picket's own examples: before it judges the package, it must
// agree with the docs.

// Picket's Solana guide.
const MINT_A = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
const MINT_B = "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS";
const SOLANA_DOCS: ModelRequirements = {
  chain: "solana",
  tokenIds: [MINT_A, MINT_B],
  minTokenBalance: 1,
};

const WALLET = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const OTHER_WALLET = "GtT9jZkwsAqMURpJ4oqXT8hYy97PYPgbJyJqsTntxBPH";
const CONTRACT = "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d";
const COLLECTION = "J1S9H3QjnRtBbbuD4HjPV6RpRhwuk4zKbxsnCHuTgh9w";
const CREATOR = "SMBtHCCC6RYRutFEPb4gZqeBLUZbMNhRKaMKZZLHi7W";

function solana(tokenBalances?: ModelTokenBalances): ModelHolder {
  return { chain: "solana", walletAddress: WALLET, ...(tokenBalances ? { tokenBalances } : {}) };
}

/** Balances of 0.4 + 0.3 + 0.2 + 0.1: exactly 1 over the four kinds of key. */
const EVERY_KIND = solana({
  contractAddress: { [CONTRACT]: "0.4" },
  collection: { [COLLECTION]: "0.3" },
  creatorAddress: { [CREATOR]: "0.2" },
  tokenIds: { [MINT_A]: "0.1" },
});
const ALL_KEYS = { contractAddress: CONTRACT, collection: [COLLECTION], creatorAddress: CREATOR };

const rows: [name: string, holder: ModelHolder, requirements: ModelRequirements, ok: boolean][] = [
  [
    "docs example: 1 + 0 passes",
    solana({ tokenIds: { [MINT_A]: "1", [MINT_B]: "0" } }),
    SOLANA_DOCS,
    true,
  ],
  [
    "docs example: 0.5 + 0.5 is summed",
    solana({ tokenIds: { [MINT_A]: "0.5", [MINT_B]: "0.5" } }),
    SOLANA_DOCS,
    true,
  ],
  [
    "docs example: 0.5 alone is short",
    solana({ tokenIds: { [MINT_A]: "0.5" } }),
    SOLANA_DOCS,
    false,
  ],
  [
    "docs example: a mint is case-sensitive",
    solana({ tokenIds: { [MINT_A.toLowerCase()]: "1" } }),
    SOLANA_DOCS,
    false,
  ],
  [
    "docs example: a key that was not asked for counts nothing",
    solana({ tokenIds: { [OTHER_WALLET]: "5" } }),
    SOLANA_DOCS,
    false,
  ],
  [
    "docs example: another chain fails",
    { ...solana({ tokenIds: { [MINT_A]: "1" } }), chain: "ethereum" },
    SOLANA_DOCS,
    false,
  ],
  [
    "zero minimum, absent: holding 0 fails",
    solana({ tokenIds: { [MINT_A]: "0" } }),
    { tokenIds: [MINT_A] },
    false,
  ],
  [
    "zero minimum, 0: holding 0 fails",
    solana({ tokenIds: { [MINT_A]: "0" } }),
    { tokenIds: [MINT_A], minTokenBalance: 0 },
    false,
  ],
  [
    'zero minimum, "0": holding 0 fails',
    solana({ tokenIds: { [MINT_A]: "0" } }),
    { tokenIds: [MINT_A], minTokenBalance: "0" },
    false,
  ],
  [
    "zero minimum, 0n: holding 0 fails",
    solana({ tokenIds: { [MINT_A]: "0" } }),
    { tokenIds: [MINT_A], minTokenBalance: 0n },
    false,
  ],
  [
    "zero minimum: nothing in tokenBalances fails",
    solana(),
    { tokenIds: [MINT_A], minTokenBalance: 0 },
    false,
  ],
  [
    "zero minimum: 10^-18 passes",
    solana({ tokenIds: { [MINT_A]: "0.000000000000000001" } }),
    { tokenIds: [MINT_A], minTokenBalance: "0" },
    true,
  ],
  [
    "summing: contract, collection, creator and mint make exactly 1",
    EVERY_KIND,
    { ...ALL_KEYS, tokenIds: [MINT_A], minTokenBalance: "1" },
    true,
  ],
  [
    "summing: 1 is short of 1 + 10^-18",
    EVERY_KIND,
    { ...ALL_KEYS, tokenIds: [MINT_A], minTokenBalance: "1.000000000000000001" },
    false,
  ],
  [
    "summing: without the mint, 0.9 is short of 1",
    EVERY_KIND,
    { ...ALL_KEYS, minTokenBalance: 1 },
    false,
  ],
  [
    "summing: 18-decimal fractions add exactly",
    solana({ tokenIds: { [MINT_A]: "0.100000000000000001", [MINT_B]: "0.899999999999999999" } }),
    { tokenIds: [MINT_A, MINT_B], minTokenBalance: "1" },
    true,
  ],
  [
    "allowedWallets: a listed wallet passes holding nothing",
    solana(),
    { tokenIds: [MINT_A], allowedWallets: [WALLET] },
    true,
  ],
  [
    "allowedWallets: an unlisted holder passes on its tokens",
    solana({ tokenIds: { [MINT_A]: "1" } }),
    { tokenIds: [MINT_A], allowedWallets: [OTHER_WALLET] },
    true,
  ],
  [
    "allowedWallets: unlisted and holding nothing fails",
    solana(),
    { tokenIds: [MINT_A], allowedWallets: [OTHER_WALLET] },
    false,
  ],
  [
    "allowedWallets alone: an unlisted wallet fails",
    solana({ tokenIds: { [MINT_A]: "1" } }),
    { allowedWallets: [OTHER_WALLET] },
    false,
  ],
  [
    "allowedWallets: a listed wallet on another chain fails",
    solana(),
    { chain: "ethereum", allowedWallets: [WALLET] },
    false,
  ],
  ["no requirements pass", solana(), {}, true],
  ["chain alone passes on the chain", solana(), { chain: "solana" }, true],
];

describe("reference model", () => {
  it.each(rows)("%s", (_name, holder, requirements, ok) => {
    expect(meetsRequirements(holder, requirements)).toBe(ok);
  });

  it("sums every requested key exactly", () => {
    const held = requestedBalance(EVERY_KIND.tokenBalances ?? {}, {
      ...ALL_KEYS,
      tokenIds: [MINT_A],
    });
    expect(held.toFixed()).toBe("1");
  });
});
