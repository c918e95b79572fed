import { describe, expect, it } from "vitest";
import { encodeBase58 } from "../../src/testing/base58.js";
import {
  checksumAddress,
  recoverEvmSigner,
  verifySolanaSignature,
} from "../../src/testing/wallet-signature.js";

// Vectors from outside this code: web3.js's documented `accounts.sign("Some data", key)` (a
// personal_sign signature), EIP-55's own examples, and RFC 8032's first ed25519 test.
const WEB3_SIGNER = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
const WEB3_SIGNATURE =
  "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";
const RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const RFC8032_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

const base58OfHex = (hex: string) => encodeBase58(Uint8Array.from(Buffer.from(hex, "hex")));

describe("recoverEvmSigner", () => {
  it("recovers the signer of web3.js's documented personal_sign signature", () => {
    expect(recoverEvmSigner("Some data", WEB3_SIGNATURE)).toBe(WEB3_SIGNER);
  });

  it("reads v as 0/1 as well as 27/28", () => {
    const v0 = `${WEB3_SIGNATURE.slice(0, -2)}${(0x1c - 27).toString(16).padStart(2, "0")}`;
    expect(recoverEvmSigner("Some data", v0)).toBe(WEB3_SIGNER);
  });

  it("names another signer for another message, and none for a malformed signature", () => {
    expect(recoverEvmSigner("Other data", WEB3_SIGNATURE)).not.toBe(WEB3_SIGNER);
    expect(recoverEvmSigner("Some data", WEB3_SIGNATURE.slice(0, -2))).toBeUndefined();
    expect(recoverEvmSigner("Some data", `${WEB3_SIGNATURE.slice(0, -2)}1d`)).toBeUndefined();
    expect(recoverEvmSigner("Some data", "0xzz")).toBeUndefined();
    expect(recoverEvmSigner("Some data", `0x${"00".repeat(64)}1b`)).toBeUndefined();
  });
});

describe("checksumAddress", () => {
  it.each([
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
  ])("writes EIP-55's example %s", (address) => {
    expect(checksumAddress(address.slice(2).toLowerCase())).toBe(address);
  });
});

describe("verifySolanaSignature", () => {
  it("accepts RFC 8032's first vector (the empty message) and nothing else", () => {
    const address = base58OfHex(RFC8032_PUBLIC);
    const signature = base58OfHex(RFC8032_SIGNATURE);
    expect(verifySolanaSignature("", signature, address)).toBe(true);
    expect(verifySolanaSignature("x", signature, address)).toBe(false);
    expect(verifySolanaSignature("", signature, base58OfHex("11".repeat(32)))).toBe(false);
  });

  it("refuses malformed base58, wrong lengths and overlong text without throwing", () => {
    const address = base58OfHex(RFC8032_PUBLIC);
    expect(verifySolanaSignature("", "0OIl", address)).toBe(false);
    expect(verifySolanaSignature("", base58OfHex("ab".repeat(63)), address)).toBe(false);
    expect(verifySolanaSignature("", "1".repeat(500), address)).toBe(false);
  });
});
