import { describe, expect, it } from "vitest";
import { decodeBase58 } from "../../src/testing/base58.js";
import { testWallet } from "../../src/testing/index.js";
import { recoverEvmSigner, verifySolanaSignature } from "../../src/testing/wallet-signature.js";

describe("testWallet", () => {
  it("signs with personal_sign on Ethereum: 65 bytes of hex, recoverable to its checksummed address", () => {
    const wallet = testWallet("ethereum");
    expect(wallet.chain).toBe("ethereum");
    expect(wallet.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(wallet.address).not.toBe(wallet.address.toLowerCase());
    const signature = wallet.signMessage("Sign in\n\nNonce: 1");
    expect(signature).toMatch(/^0x[0-9a-f]{128}(1b|1c)$/);
    expect(recoverEvmSigner("Sign in\n\nNonce: 1", signature)).toBe(wallet.address);
  });

  it("signs with ed25519 on Solana: a base58 32-byte address and 64-byte signature", () => {
    const wallet = testWallet("solana");
    expect(decodeBase58(wallet.address)).toHaveLength(32);
    const signature = wallet.signMessage("héllo");
    expect(decodeBase58(signature)).toHaveLength(64);
    expect(verifySolanaSignature("héllo", signature, wallet.address)).toBe(true);
  });

  it("gives the same wallet for the same seed, another for another seed or chain", () => {
    expect(testWallet("ethereum", { seed: "alice" }).address).toBe(
      testWallet("ethereum", { seed: "alice" }).address,
    );
    expect(testWallet("ethereum", { seed: "bob" }).address).not.toBe(
      testWallet("ethereum", { seed: "alice" }).address,
    );
    expect(testWallet("solana", { seed: "alice" }).address).toBe(
      testWallet("solana", { seed: "alice" }).address,
    );
    expect(testWallet("ethereum").address).not.toBe(testWallet("ethereum").address);
  });

  it("refuses an unknown chain, a misspelt option and a non-string message with TypeErrors", () => {
    expect(() => testWallet("bitcoin" as "solana")).toThrow(TypeError);
    expect(() => testWallet("ethereum", { sed: "x" } as unknown as { seed: string })).toThrow(
      /options\.sed is not an option of testWallet; did you mean seed\?/,
    );
    expect(() => testWallet("solana", { seed: 7 as unknown as string })).toThrow(TypeError);
    expect(() => testWallet("ethereum").signMessage(42 as unknown as string)).toThrow(
      /signMessage/,
    );
  });
});
