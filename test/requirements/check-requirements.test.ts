import { describe, expect, it } from "vitest";
import {
  checkRequirements,
  createValidator,
  isPicketValidationError,
  type RequirementFailure,
  type Requirements,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";

// EVM addresses: the same address in checksummed and lower-case form.
const CONTRACT = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D";
const CONTRACT_LOWER = CONTRACT.toLowerCase();
const OTHER_CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const WALLET_LOWER = WALLET.toLowerCase();
const OTHER_WALLET = "0x1111111111111111111111111111111111111111";

// Solana base58 addresses: case is significant.
const SOL_WALLET = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const SOL_WALLET_CASED = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsu"; // last letter flipped
const SOL_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const SOL_MINT_CASED = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1V";
const SOL_COLLECTION_A = "J1S9H3QjnRtBbbuD4HjPV6RpRhwuk4zKbxsnCHuTgh9w";
const SOL_COLLECTION_B = "SMBtHCCC6RYRutFEPb4gZqeBLUZbMNhRKaMKZZLHi7W";
const SOL_CREATOR = "GtT9jZkwsAqMURpJ4oqXT8hYy97PYPgbJyJqsTntxBPH";
const SOL_CREATOR_CASED = "gtT9jZkwsAqMURpJ4oqXT8hYy97PYPgbJyJqsTntxBPH";

const MAX_ID = 2n ** 256n - 1n;
const TWO_POW_256 = (2n ** 256n).toString();

type Claims = Record<string, unknown>;
type Pair = readonly [RequirementFailure["requirement"], RequirementFailure["reason"]];

interface Case {
  name: string;
  claims: Claims;
  requirements: Requirements;
  /** Absent: the requirements pass. Present: exactly these failures, in this order. */
  failures?: readonly Pair[];
}

/** Claims of an Ethereum token for WALLET, as Picket sends them. */
function evm(extra: Claims = {}): Claims {
  return { sub: `ethereum:${WALLET}`, chain: "ethereum", walletAddress: WALLET, ...extra };
}

/** Claims of a Solana token for SOL_WALLET. */
function sol(extra: Claims = {}): Claims {
  return { sub: `solana:${SOL_WALLET}`, chain: "solana", walletAddress: SOL_WALLET, ...extra };
}

const INSUFFICIENT: Pair = ["tokenBalance", "insufficient_balance"];
const CLAIM_INVALID: Pair = ["tokenBalance", "claim_invalid"];
const NOT_LISTED: Pair = ["allowedWallets", "not_listed"];
const CHAIN_MISMATCH: Pair = ["chain", "mismatch"];

const cases: Case[] = [
  // --- Address comparison -------------------------------------------------------------------
  {
    name: "EVM: checksummed contract in the claim matches a lower-case requirement",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT_LOWER, minTokenBalance: "1" },
  },
  {
    name: "EVM: lower-case contract in the claim matches a checksummed requirement",
    claims: evm({ contractAddress: CONTRACT_LOWER, tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "1" },
  },
  {
    name: "EVM: checksummed tokenBalances.contractAddress key matches a lower-case requirement",
    claims: evm({ tokenBalances: { contractAddress: { [CONTRACT]: "2" } } }),
    requirements: { contractAddress: CONTRACT_LOWER, minTokenBalance: 2 },
  },
  {
    name: "EVM: lower-case allowedWallets entry lists a checksummed wallet",
    claims: evm(),
    requirements: { allowedWallets: [WALLET_LOWER] },
  },
  {
    name: "EVM: checksummed allowedWallets entry lists a lower-case wallet read from sub",
    claims: { sub: `ethereum:${WALLET_LOWER}` },
    requirements: { allowedWallets: [OTHER_WALLET, WALLET] },
  },
  {
    name: "EVM: a different contract's balance does not count",
    claims: evm({ contractAddress: OTHER_CONTRACT, tokenBalance: "100" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "1" },
    failures: [INSUFFICIENT],
  },
  {
    name: "Solana: a wallet differing only in case is not listed (exact compare)",
    claims: sol(),
    requirements: { allowedWallets: [SOL_WALLET_CASED] },
    failures: [NOT_LISTED],
  },
  {
    name: "Solana: a lower-cased wallet is not listed",
    claims: sol(),
    requirements: { allowedWallets: [SOL_WALLET.toLowerCase()] },
    failures: [NOT_LISTED],
  },
  {
    name: "Solana: the exact wallet is listed",
    claims: sol(),
    requirements: { allowedWallets: [SOL_WALLET] },
  },
  {
    name: "Solana: a flat contractAddress differing in case does not match",
    claims: sol({ contractAddress: SOL_MINT_CASED, tokenBalance: "5" }),
    requirements: { contractAddress: SOL_MINT, minTokenBalance: "1" },
    failures: [INSUFFICIENT],
  },
  {
    name: "Solana: a tokenBalances.contractAddress key differing in case does not count",
    claims: sol({ tokenBalances: { contractAddress: { [SOL_MINT_CASED]: "5" } } }),
    requirements: { contractAddress: SOL_MINT },
    failures: [INSUFFICIENT],
  },
  {
    name: "Solana: a creatorAddress key differing in case does not count",
    claims: sol({ tokenBalances: { creatorAddress: { [SOL_CREATOR_CASED]: "5" } } }),
    requirements: { creatorAddress: SOL_CREATOR, minTokenBalance: "1" },
    failures: [INSUFFICIENT],
  },
  {
    name: "Solana: the exact mint counts",
    claims: sol({ tokenBalances: { contractAddress: { [SOL_MINT]: "2" } } }),
    requirements: { contractAddress: SOL_MINT, minTokenBalance: "2" },
  },

  // --- Exact decimals -----------------------------------------------------------------------
  {
    name: 'decimals: "0.3" is below 0.1 + 0.2 (= 0.30000000000000004)',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 0.1 + 0.2 },
    failures: [INSUFFICIENT],
  },
  {
    name: 'decimals: "0.3" meets "0.3"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0.3" },
  },
  {
    name: 'decimals: "0.3" meets the number 0.3 (read as its shortest decimal form)',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 0.3 },
  },
  {
    name: 'decimals: 0.1 + 0.2 held across two collections meets "0.3"',
    claims: sol({
      tokenBalances: { collection: { [SOL_COLLECTION_A]: "0.1", [SOL_COLLECTION_B]: "0.2" } },
    }),
    requirements: { collection: [SOL_COLLECTION_A, SOL_COLLECTION_B], minTokenBalance: "0.3" },
  },
  {
    name: '18 decimals: "1.000000000000000001" meets "1"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1.000000000000000001" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "1" },
  },
  {
    name: '18 decimals: "1.000000000000000001" is below "1.000000000000000002"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1.000000000000000001" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "1.000000000000000002" },
    failures: [INSUFFICIENT],
  },
  {
    name: '18 decimals: "1.000000000000000001" meets itself',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1.000000000000000001" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "1.000000000000000001" },
  },
  {
    name: '18 decimals: "0.999999999999999999" is below the bigint 1n',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.999999999999999999" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1n },
    failures: [INSUFFICIENT],
  },
  {
    name: "decimals: 10^21 held meets the number 1e21",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1000000000000000000000" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1e21 },
  },
  {
    name: "decimals: 10^21 held is below 10^21 + 1 as a bigint",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1000000000000000000000" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 10n ** 21n + 1n },
    failures: [INSUFFICIENT],
  },
  {
    name: 'decimals: "0.0000001" meets the number 1e-7',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.0000001" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1e-7 },
  },

  // --- Token IDs ----------------------------------------------------------------------------
  {
    name: "token IDs: 2^256 - 1 as a string claim matches the bigint requirement",
    claims: evm({ contractAddress: CONTRACT, tokenIds: [MAX_ID.toString()], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [MAX_ID] },
  },
  {
    name: "token IDs: 2^256 - 1 as a string requirement matches the string claim",
    claims: evm({ contractAddress: CONTRACT, tokenIds: [MAX_ID.toString()], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [MAX_ID.toString()] },
  },
  {
    name: 'token IDs: claim "007" matches the number 7',
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["007"], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [7] },
  },
  {
    name: 'token IDs: claim "7" matches the requirement "007"',
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["7"], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["007"] },
  },
  {
    name: "token IDs: a decimal ID never counts from tokenBalances.tokenIds (whose contract is unknown)",
    claims: evm({ tokenBalances: { tokenIds: { "7": "1", "007": "1" } } }),
    requirements: { contractAddress: CONTRACT, tokenIds: [7n] },
    failures: [INSUFFICIENT],
  },
  {
    name: "token IDs: a token ID beyond 2^53 compares exactly (not as a float)",
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["9007199254740993"], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [9007199254740992n] },
    failures: [INSUFFICIENT],
  },
  {
    name: "token IDs: an ID not held fails",
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["8"], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["7"] },
    failures: [INSUFFICIENT],
  },
  {
    name: "token IDs: one ID written four ways is one required ID",
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["7"], tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["7", "007", 7, 7n], minTokenBalance: 2 },
    failures: [INSUFFICIENT],
  },

  // --- Flat form ----------------------------------------------------------------------------
  {
    name: "flat: tokenBalance meets the minimum for the matching contract",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
  },
  {
    name: "flat: tokenBalance below the minimum fails",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
    failures: [INSUFFICIENT],
  },
  {
    name: "flat: the legacy numTokens meets the minimum",
    claims: evm({ contractAddress: CONTRACT, numTokens: "5" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 5n },
  },
  {
    name: "flat: the legacy numTokens below the minimum fails",
    claims: evm({ contractAddress: CONTRACT, numTokens: "4.999999999999999999" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 5 },
    failures: [INSUFFICIENT],
  },
  {
    name: "flat: a tokenBalance without a contractAddress claim does not count",
    claims: evm({ tokenBalance: "5" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1 },
    failures: [INSUFFICIENT],
  },
  {
    name: "flat: a token issued for a subset of the required IDs counts its tokenBalance",
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["1", "2"], tokenBalance: "2" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [1, 2n, "4"], minTokenBalance: 2 },
  },
  {
    name: "flat: a token that names an ID not required counts nothing",
    claims: evm({ contractAddress: CONTRACT, tokenIds: ["1", "2", "3"], tokenBalance: "5" }),
    requirements: { contractAddress: CONTRACT, tokenIds: [1, 2n, "4"], minTokenBalance: 1 },
    failures: [INSUFFICIENT],
  },
  {
    name: "flat: token IDs of another contract do not count",
    claims: evm({ contractAddress: OTHER_CONTRACT, tokenIds: ["7"] }),
    requirements: { contractAddress: CONTRACT, tokenIds: [7] },
    failures: [INSUFFICIENT],
  },
  {
    name: "flat: a contract-wide tokenBalance counts toward contract + token IDs (keys are summed)",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "100" }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["7"] },
  },

  // --- Summed tokenBalances -----------------------------------------------------------------
  {
    name: "summed: contract + collection + creator reach the minimum only together",
    claims: evm({
      tokenBalances: {
        contractAddress: { [CONTRACT]: "0.4" },
        collection: { [SOL_COLLECTION_A]: "0.3" },
        creatorAddress: { [SOL_CREATOR]: "0.3" },
      },
    }),
    requirements: {
      contractAddress: CONTRACT_LOWER,
      collection: SOL_COLLECTION_A,
      creatorAddress: SOL_CREATOR,
      minTokenBalance: "1",
    },
  },
  {
    name: "summed: the same balances without the creator requirement fall short",
    claims: evm({
      tokenBalances: {
        contractAddress: { [CONTRACT]: "0.4" },
        collection: { [SOL_COLLECTION_A]: "0.3" },
        creatorAddress: { [SOL_CREATOR]: "0.3" },
      },
    }),
    requirements: { contractAddress: CONTRACT, collection: SOL_COLLECTION_A, minTokenBalance: "1" },
    failures: [INSUFFICIENT],
  },
  {
    name: "summed: two required collections are added",
    claims: sol({
      tokenBalances: { collection: { [SOL_COLLECTION_A]: "1", [SOL_COLLECTION_B]: "1" } },
    }),
    requirements: { collection: [SOL_COLLECTION_A, SOL_COLLECTION_B], minTokenBalance: "2" },
  },
  {
    name: "summed: a collection that is not required is not added",
    claims: sol({
      tokenBalances: { collection: { [SOL_COLLECTION_A]: "1", [SOL_COLLECTION_B]: "1" } },
    }),
    requirements: { collection: SOL_COLLECTION_A, minTokenBalance: "2" },
    failures: [INSUFFICIENT],
  },
  {
    name: "summed: balances of contracts that are not required are not added",
    claims: evm({ tokenBalances: { contractAddress: { [OTHER_CONTRACT]: "100" } } }),
    requirements: { contractAddress: CONTRACT },
    failures: [INSUFFICIENT],
  },
  {
    name: "summed: without tokenIds, the contract balance counts",
    claims: evm({
      tokenBalances: { contractAddress: { [CONTRACT]: "5" }, tokenIds: { "7": "1" } },
    }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 2 },
  },
  {
    name: "summed: with decimal tokenIds required, the contract balance still counts",
    claims: evm({
      tokenBalances: { contractAddress: { [CONTRACT]: "5" }, tokenIds: { "7": "1" } },
    }),
    requirements: { contractAddress: CONTRACT, tokenIds: [7], minTokenBalance: 5 },
  },
  {
    name: "summed: a contract balance and a mint balance add up",
    claims: evm({
      tokenBalances: { contractAddress: { [CONTRACT]: "0.5" }, tokenIds: { [SOL_MINT]: "0.5" } },
    }),
    requirements: { contractAddress: CONTRACT, tokenIds: [SOL_MINT], minTokenBalance: 1 },
  },
  {
    name: "summed: a contract balance alone meets contract + decimal IDs",
    claims: evm({ tokenBalances: { contractAddress: { [CONTRACT]: "5" } } }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["7"] },
  },
  {
    name: "summed: required mints are summed, others are not",
    claims: sol({
      tokenBalances: { tokenIds: { [SOL_MINT]: "1", [SOL_COLLECTION_A]: "1", [SOL_CREATOR]: "5" } },
    }),
    requirements: { tokenIds: [SOL_MINT, SOL_COLLECTION_A], minTokenBalance: 2 },
  },
  {
    name: "summed: required mints are summed, others are not (short of 3)",
    claims: sol({
      tokenBalances: { tokenIds: { [SOL_MINT]: "1", [SOL_COLLECTION_A]: "1", [SOL_CREATOR]: "5" } },
    }),
    requirements: { tokenIds: [SOL_MINT, SOL_COLLECTION_A], minTokenBalance: 3 },
    failures: [INSUFFICIENT],
  },
  {
    name: "summed: one mint listed twice counts once",
    claims: sol({ tokenBalances: { tokenIds: { [SOL_MINT]: "1" } } }),
    requirements: { tokenIds: [SOL_MINT, SOL_MINT], minTokenBalance: 2 },
    failures: [INSUFFICIENT],
  },

  // --- allowedWallets as the alternative ----------------------------------------------------
  {
    name: "wallets: a listed wallet passes with a zero balance",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1, allowedWallets: [WALLET] },
  },
  {
    name: "wallets: a listed wallet passes with no balance claims at all",
    claims: evm(),
    requirements: { contractAddress: CONTRACT, allowedWallets: [WALLET_LOWER] },
  },
  {
    name: "wallets: an unlisted wallet with enough balance passes",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 2, allowedWallets: [OTHER_WALLET] },
  },
  {
    name: "wallets: an unlisted wallet without enough balance gets two failures",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 2, allowedWallets: [OTHER_WALLET] },
    failures: [NOT_LISTED, INSUFFICIENT],
  },
  {
    name: "wallets: allowedWallets alone, unlisted, gets one failure",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "100" }),
    requirements: { allowedWallets: [OTHER_WALLET] },
    failures: [NOT_LISTED],
  },
  {
    name: "wallets: a listed wallet still needs the right chain",
    claims: evm(),
    requirements: { chain: "solana", allowedWallets: [WALLET] },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: "wallets: the wallet is read from an old-style sub",
    claims: { sub: `ethereum/mainnet:${WALLET}` },
    requirements: { allowedWallets: [WALLET_LOWER] },
  },
  {
    name: "wallets: the wallet is read from a Solana sub",
    claims: { sub: `solana:${SOL_WALLET}` },
    requirements: { allowedWallets: [SOL_WALLET] },
  },
  {
    name: "wallets: unlisted with a malformed balance claim gets both failures",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1e3" }),
    requirements: { contractAddress: CONTRACT, allowedWallets: [OTHER_WALLET] },
    failures: [NOT_LISTED, CLAIM_INVALID],
  },

  // --- Chain --------------------------------------------------------------------------------
  {
    name: "chain: the chain claim matches",
    claims: evm(),
    requirements: { chain: "ethereum" },
  },
  {
    name: "chain: the chain claim mismatches",
    claims: evm({ chain: "polygon" }),
    requirements: { chain: "ethereum" },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: 'chain: read from sub "solana:ABC"',
    claims: { sub: "solana:ABC" },
    requirements: { chain: "solana" },
  },
  {
    name: 'chain: "solana:ABC" is not ethereum',
    claims: { sub: "solana:ABC" },
    requirements: { chain: "ethereum" },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: 'chain: read from the old sub "ethereum/mainnet:0x..."',
    claims: { sub: `ethereum/mainnet:${WALLET}` },
    requirements: { chain: "ethereum" },
  },
  {
    name: "chain: the chain claim takes precedence over sub",
    claims: { sub: `ethereum:${WALLET}`, chain: "polygon" },
    requirements: { chain: "ethereum" },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: "chain: a token naming no chain fails a chain requirement",
    claims: { walletAddress: WALLET },
    requirements: { chain: "ethereum" },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: "chain: the compare is exact (Ethereum is not ethereum)",
    claims: evm(),
    requirements: { chain: "Ethereum" },
    failures: [CHAIN_MISMATCH],
  },
  {
    name: "chain: a mismatch is reported along with a balance failure",
    claims: sol({ contractAddress: SOL_MINT, tokenBalance: "0" }),
    requirements: { chain: "ethereum", contractAddress: SOL_MINT },
    failures: [CHAIN_MISMATCH, INSUFFICIENT],
  },
  {
    name: "chain: a mismatch fails even when the balance is enough",
    claims: sol({ contractAddress: SOL_MINT, tokenBalance: "10" }),
    requirements: { chain: "ethereum", contractAddress: SOL_MINT, minTokenBalance: 1 },
    failures: [CHAIN_MISMATCH],
  },

  // --- Minimums -----------------------------------------------------------------------------
  {
    name: "no minimum: a zero balance fails",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0" }),
    requirements: { contractAddress: CONTRACT },
    failures: [INSUFFICIENT],
  },
  {
    name: "no minimum: no balance claim at all fails",
    claims: evm(),
    requirements: { contractAddress: CONTRACT },
    failures: [INSUFFICIENT],
  },
  {
    name: "no minimum: the smallest positive balance passes",
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0.000000000000000001" }),
    requirements: { contractAddress: CONTRACT },
  },
  {
    name: 'minTokenBalance "0": a zero balance fails (a zero minimum means more than zero)',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "0" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0" },
    failures: [INSUFFICIENT],
  },
  {
    name: "minTokenBalance 0n: an empty tokenBalances fails",
    claims: evm({ tokenBalances: {} }),
    requirements: { collection: SOL_COLLECTION_A, minTokenBalance: 0n },
    failures: [INSUFFICIENT],
  },
  {
    name: "empty requirements pass",
    claims: evm(),
    requirements: {},
  },

  // --- Malformed balance claims -------------------------------------------------------------
  {
    name: 'malformed: tokenBalance "1e3"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1e3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: 1 },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: tokenBalance "1e3" does not pass even a minimum of "0"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "1e3" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0" },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: tokenBalance "-1"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "-1" }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: tokenBalance "abc"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "abc" }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: tokenBalance " 5" (whitespace)',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: " 5" }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: tokenBalance "NaN"',
    claims: evm({ contractAddress: CONTRACT, tokenBalance: "NaN" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0" },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: numTokens "0x10"',
    claims: evm({ contractAddress: CONTRACT, numTokens: "0x10" }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: tokenBalances is a string",
    claims: evm({ tokenBalances: "5" }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0" },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: tokenBalances is an array",
    claims: evm({ tokenBalances: [{ [CONTRACT]: "5" }] }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: tokenBalances is null",
    claims: evm({ tokenBalances: null }),
    requirements: { contractAddress: CONTRACT, minTokenBalance: "0" },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: tokenBalances.contractAddress is not an object",
    claims: evm({ tokenBalances: { contractAddress: "5" } }),
    requirements: { contractAddress: CONTRACT },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: a required collection holds "1e3"',
    claims: sol({ tokenBalances: { collection: { [SOL_COLLECTION_A]: "1e3" } } }),
    requirements: { collection: SOL_COLLECTION_A },
    failures: [CLAIM_INVALID],
  },
  {
    name: 'malformed: a required collection holds "-1" (fails even a minimum of 0)',
    claims: sol({ tokenBalances: { collection: { [SOL_COLLECTION_A]: "-1" } } }),
    requirements: { collection: SOL_COLLECTION_A, minTokenBalance: 0 },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: a malformed entry is not hidden by a large valid one",
    claims: evm({
      tokenBalances: {
        contractAddress: { [CONTRACT]: "100" },
        creatorAddress: { [SOL_CREATOR]: "abc" },
      },
    }),
    requirements: { contractAddress: CONTRACT, creatorAddress: SOL_CREATOR },
    failures: [CLAIM_INVALID],
  },
  {
    name: "malformed: a flat tokenIds claim that is not an array",
    claims: evm({ contractAddress: CONTRACT, tokenIds: "7", tokenBalance: "1" }),
    requirements: { contractAddress: CONTRACT, tokenIds: ["7"] },
    failures: [CLAIM_INVALID],
  },
];

describe("checkRequirements: table", () => {
  it("has at least 40 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("$name", ({ claims, requirements, failures }) => {
    const result = checkRequirements(claims, requirements);
    if (failures === undefined) {
      expect(result).toEqual({ ok: true });
      return;
    }
    expect(result.ok).toBe(false);
    const got = result.ok ? [] : result.failures.map((f) => [f.requirement, f.reason]);
    expect(got).toEqual(failures);
  });
});

describe("checkRequirements: failure details", () => {
  it("reports exact decimal required and actual amounts", () => {
    const result = checkRequirements(evm({ contractAddress: CONTRACT, tokenBalance: "0.3" }), {
      contractAddress: CONTRACT,
      minTokenBalance: 0.1 + 0.2,
    });
    expect(result).toEqual({
      ok: false,
      failures: [
        expect.objectContaining({
          requirement: "tokenBalance",
          reason: "insufficient_balance",
          required: "0.30000000000000004",
          actual: "0.3",
        }),
      ],
    });
  });

  it("reports the sum held, without exponent notation", () => {
    const result = checkRequirements(
      evm({
        tokenBalances: {
          contractAddress: { [CONTRACT]: "0.000000000000000001" },
          creatorAddress: { [SOL_CREATOR]: "0.000000000000000001" },
        },
      }),
      { contractAddress: CONTRACT, creatorAddress: SOL_CREATOR, minTokenBalance: "1" },
    );
    expect(result.ok ? undefined : result.failures[0]).toMatchObject({
      required: "1",
      actual: "0.000000000000000002",
    });
  });

  it('reports "> 0" where no minimum is given', () => {
    const result = checkRequirements(evm({ contractAddress: CONTRACT, tokenBalance: "0" }), {
      contractAddress: CONTRACT,
    });
    expect(result.ok ? undefined : result.failures[0]).toMatchObject({
      required: "> 0",
      actual: "0",
    });
  });

  it("reports the required and actual chains", () => {
    const result = checkRequirements({ sub: "solana:ABC" }, { chain: "ethereum" });
    expect(result.ok ? undefined : result.failures[0]).toMatchObject({
      requirement: "chain",
      reason: "mismatch",
      required: "ethereum",
      actual: "solana",
    });
  });

  it("gives every failure a message", () => {
    const result = checkRequirements(evm({ chain: "polygon", tokenBalance: "1e3" }), {
      chain: "ethereum",
      contractAddress: CONTRACT,
      allowedWallets: [OTHER_WALLET],
    });
    expect(result.ok).toBe(false);
    for (const failure of result.ok ? [] : result.failures) {
      expect(typeof failure.message).toBe("string");
      expect(failure.message.length).toBeGreaterThan(0);
    }
  });

  it("reads frozen claims and requirements without changing them", () => {
    const claims = Object.freeze(
      evm({
        tokenBalances: Object.freeze({ contractAddress: Object.freeze({ [CONTRACT]: "2" }) }),
      }),
    );
    const requirements: Requirements = Object.freeze({
      contractAddress: CONTRACT_LOWER,
      minTokenBalance: "2",
    });
    const before = JSON.stringify(claims);
    expect(checkRequirements(claims, requirements)).toEqual({ ok: true });
    expect(JSON.stringify(claims)).toBe(before);
  });
});

interface BadCase {
  name: string;
  requirements: unknown;
}

const bad: BadCase[] = [
  ...(["1e18", "-1", " 1", "1 ", "0x10", "NaN", "Infinity", "", "+1", "1,5"] as const).map(
    (value) => ({
      name: `minTokenBalance ${JSON.stringify(value)}`,
      requirements: { contractAddress: CONTRACT, minTokenBalance: value },
    }),
  ),
  ...[Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5].map((value) => ({
    name: `minTokenBalance ${String(value)} (number)`,
    requirements: { contractAddress: CONTRACT, minTokenBalance: value },
  })),
  {
    name: "minTokenBalance -1n (bigint)",
    requirements: { contractAddress: CONTRACT, minTokenBalance: -1n },
  },
  { name: 'decimal tokenIds ["7"] without contractAddress', requirements: { tokenIds: ["7"] } },
  { name: "decimal tokenIds [7] without contractAddress", requirements: { tokenIds: [7] } },
  { name: "decimal tokenIds [7n] without contractAddress", requirements: { tokenIds: [7n] } },
  {
    name: "a decimal token ID beside mints, without contractAddress",
    requirements: { tokenIds: [SOL_MINT, "7"] },
  },
  { name: 'tokenIds [""]', requirements: { tokenIds: [""] } },
  { name: "tokenIds [2n ** 256n]", requirements: { tokenIds: [2n ** 256n] } },
  { name: "tokenIds [2^256 as a string]", requirements: { tokenIds: [TWO_POW_256] } },
  { name: "tokenIds [1.5]", requirements: { tokenIds: [1.5] } },
  { name: "tokenIds [-1]", requirements: { tokenIds: [-1] } },
  { name: "tokenIds [-1n]", requirements: { tokenIds: [-1n] } },
  { name: "tokenIds [null]", requirements: { tokenIds: [null] } },
  { name: "tokenIds []", requirements: { contractAddress: CONTRACT, tokenIds: [] } },
  { name: 'tokenIds "7" (not an array)', requirements: { tokenIds: "7" } },
  { name: "tokenIds 7 (not an array)", requirements: { tokenIds: 7 } },
  { name: "unknown key minBalance", requirements: { contractAddress: CONTRACT, minBalance: 1 } },
  { name: "minTokenBalance without a token target", requirements: { minTokenBalance: 1 } },
  {
    name: "minTokenBalance with only chain and allowedWallets",
    requirements: { chain: "ethereum", allowedWallets: [WALLET], minTokenBalance: "0" },
  },
  { name: "allowedWallets as a string", requirements: { allowedWallets: WALLET } },
  { name: 'allowedWallets [""]', requirements: { allowedWallets: [""] } },
  { name: "allowedWallets [42]", requirements: { allowedWallets: [42] } },
  { name: 'contractAddress ""', requirements: { contractAddress: "" } },
  { name: "contractAddress 5", requirements: { contractAddress: 5 } },
  { name: 'chain ""', requirements: { chain: "" } },
  { name: 'collection ""', requirements: { collection: "" } },
  { name: 'collection [""]', requirements: { collection: [""] } },
  { name: 'creatorAddress ""', requirements: { creatorAddress: "" } },
  { name: "requirements as an array", requirements: [] },
  { name: "requirements as a string", requirements: "contractAddress" },
];

// Claims that would satisfy almost anything: malformed requirements must still throw.
const RICH_CLAIMS = evm({
  contractAddress: CONTRACT,
  tokenBalance: "1000000",
  tokenIds: ["0", "1", "7"],
  tokenBalances: {
    contractAddress: { [CONTRACT]: "1000000" },
    collection: { [SOL_COLLECTION_A]: "1000000" },
    creatorAddress: { [SOL_CREATOR]: "1000000" },
  },
});

describe("checkRequirements: malformed requirements throw a TypeError", () => {
  it("has the malformed cases", () => {
    expect(bad.length).toBeGreaterThanOrEqual(30);
  });

  it.each(bad)("$name", ({ requirements }) => {
    expect(() => checkRequirements(RICH_CLAIMS, requirements as Requirements)).toThrow(TypeError);
  });

  it("the same claims pass well-formed requirements (the throws are not about the claims)", () => {
    expect(
      checkRequirements(RICH_CLAIMS, {
        contractAddress: CONTRACT,
        minTokenBalance: "1",
        allowedWallets: [WALLET],
      }),
    ).toEqual({ ok: true });
  });
});

describe("requirements through the validator", () => {
  it("throws ERR_REQUIREMENTS_NOT_MET (403) with the failures checkRequirements returns", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0.3" });
    const requirements: Requirements = {
      contractAddress: CONTRACT_LOWER,
      minTokenBalance: 0.1 + 0.2,
      allowedWallets: [OTHER_WALLET],
    };
    const error = await expectCode(
      () => validator.validate(token, requirements),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.status).toBe(403);
    const expected = checkRequirements(validator.decodeUnverified(token).claims, requirements);
    expect(expected.ok).toBe(false);
    expect(error.failures).toEqual(expected.ok ? [] : expected.failures);
    expect(error.failures.map((f) => [f.requirement, f.reason])).toEqual([
      NOT_LISTED,
      INSUFFICIENT,
    ]);
  });

  it("validateSync throws the same failures", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    await validator.ready();
    const token = issuer.sign({ chain: "polygon", sub: `polygon:${issuer.walletAddress}` });
    const error = await expectCode(
      () => validator.validateSync(token, { chain: "ethereum" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.status).toBe(403);
    expect(error.failures).toEqual([
      expect.objectContaining({ requirement: "chain", reason: "mismatch", actual: "polygon" }),
    ]);
  });

  it("resolves when exact decimals meet the requirement", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0.3" });
    const user = await validator.validate(token, {
      contractAddress: CONTRACT_LOWER,
      minTokenBalance: "0.3",
    });
    expect(user.tokenBalance).toBe("0.3");
  });

  it("enforces per-call requirements on a token already in the token cache", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "1" });
    await expect(validator.validate(token)).resolves.toMatchObject({ tokenBalance: "1" });
    const error = await expectCode(
      () => validator.validate(token, { contractAddress: CONTRACT, minTokenBalance: "2" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.failures.map((f) => [f.requirement, f.reason])).toEqual([INSUFFICIENT]);
  });

  it("applies the validator's requirements on every call", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator({
      requirements: { chain: "ethereum", contractAddress: CONTRACT, minTokenBalance: "5" },
    });
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" });
    const error = await expectCode(() => validator.validate(token), "ERR_REQUIREMENTS_NOT_MET");
    expect(error.status).toBe(403);
    expect(error.failures).toEqual([
      expect.objectContaining({ requirement: "tokenBalance", required: "5", actual: "3" }),
    ]);
  });

  it("merges per-call requirements over the validator's, key by key", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator({
      requirements: { chain: "ethereum", contractAddress: CONTRACT, minTokenBalance: "5" },
    });
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" });

    // minTokenBalance overridden; contractAddress and chain kept from the validator (without
    // them, a lone minTokenBalance would be a TypeError).
    await expect(validator.validate(token, { minTokenBalance: "2" })).resolves.toMatchObject({
      tokenBalance: "3",
    });

    // chain overridden; minTokenBalance "5" kept from the validator.
    const error = await expectCode(
      () => validator.validate(token, { chain: "solana" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.failures.map((f) => [f.requirement, f.reason])).toEqual([
      CHAIN_MISMATCH,
      INSUFFICIENT,
    ]);
    const merged: Requirements = {
      chain: "solana",
      contractAddress: CONTRACT,
      minTokenBalance: "5",
    };
    const expected = checkRequirements(validator.decodeUnverified(token).claims, merged);
    expect(error.failures).toEqual(expected.ok ? [] : expected.failures);

    // contractAddress overridden: the token's contract no longer counts.
    const other = await expectCode(
      () => validator.validate(token, { contractAddress: OTHER_CONTRACT, minTokenBalance: "1" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(other.failures).toEqual([
      expect.objectContaining({ requirement: "tokenBalance", actual: "0" }),
    ]);
  });

  it("merged requirements can pass through allowedWallets added per call", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator({
      requirements: { contractAddress: CONTRACT, minTokenBalance: "5" },
    });
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });
    await expectCode(() => validator.validate(token), "ERR_REQUIREMENTS_NOT_MET");
    const user = await validator.validate(token, {
      allowedWallets: [issuer.walletAddress.toLowerCase()],
    });
    expect(user.walletAddress).toBe(issuer.walletAddress);
  });

  it("rejects malformed per-call requirements with a TypeError, not a verdict", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "100" });
    const caught = await validator
      .validate(token, { contractAddress: CONTRACT, minTokenBalance: "1e18" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(caught).toBeInstanceOf(TypeError);
    expect(isPicketValidationError(caught)).toBe(false);
  });

  it.each<[string, unknown]>([
    ["minTokenBalance 1e18 string", { contractAddress: CONTRACT, minTokenBalance: "1e18" }],
    ["unknown key", { contractAddress: CONTRACT, minBalance: 1 }],
    ["minTokenBalance without a target", { minTokenBalance: "1" }],
    ["tokenIds []", { tokenIds: [] }],
    ["allowedWallets as a string", { allowedWallets: WALLET }],
  ])(
    "a validator with malformed requirements (%s) throws a TypeError at construction",
    (_, requirements) => {
      const issuer = createTestIssuer();
      expect(() => issuer.validator({ requirements: requirements as Requirements })).toThrow(
        TypeError,
      );
      expect(() =>
        createValidator({
          projectId: issuer.projectId,
          jwks: issuer.jwks,
          requirements: requirements as Requirements,
        }),
      ).toThrow(TypeError);
    },
  );

  it("a validator with well-formed requirements is created", () => {
    const issuer = createTestIssuer();
    expect(() =>
      issuer.validator({ requirements: { contractAddress: CONTRACT, minTokenBalance: "1" } }),
    ).not.toThrow();
  });
});
