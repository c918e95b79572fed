import { describe, expect, it } from "vitest";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";

// One token, one spelling: padding and stray bits in a part's last character are refused, so
// that nothing keyed on the token string (the token cache, shared revalidation) can be split.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const P256_ORDER = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

/** The same part with the unused low bits of its last character set. */
function strayBits(part: string): string {
  const unused = part.length % 4 === 2 ? 0x0f : 0x03;
  const last = ALPHABET.indexOf(part.charAt(part.length - 1));
  return `${part.slice(0, -1)}${ALPHABET.charAt(last | unused)}`;
}

/** The ECDSA twin (r, n - s) of a JWS signature part: also valid, and JWS allows it. */
function highSTwin(part: string): string {
  const bytes = Buffer.from(part, "base64url");
  const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`);
  const twin = Buffer.from((P256_ORDER - s).toString(16).padStart(64, "0"), "hex");
  return Buffer.concat([bytes.subarray(0, 32), twin]).toString("base64url");
}

describe("canonical tokens", () => {
  const issuer = createTestIssuer();
  const token = issuer.sign();
  const [header, payload, signature] = token.split(".") as [string, string, string];

  it("has parts whose last character carries unused bits (the test is not vacuous)", () => {
    expect(signature.length % 4).toBe(2);
    expect(strayBits(signature)).not.toBe(signature);
    expect(Buffer.from(strayBits(signature), "base64url")).toEqual(
      Buffer.from(signature, "base64url"),
    );
  });

  it.each([
    ["stray bits in the signature", () => `${header}.${payload}.${strayBits(signature)}`],
    ["padding on the signature", () => `${header}.${payload}.${signature}==`],
    ["a standard-base64 alphabet", () => `${header}.${payload}.${signature.replace(/-/g, "+")}+`],
  ])("refuses %s with ERR_TOKEN_MALFORMED, sync and async", async (_name, respell) => {
    const validator = issuer.validator();
    const spelled = respell();
    expect(spelled).not.toBe(token);
    await expectCode(() => validator.validate(spelled), "ERR_TOKEN_MALFORMED");
    await expectCode(() => validator.validateSync(spelled), "ERR_TOKEN_MALFORMED");
  });

  it("refuses stray bits in the header or payload the same way", async () => {
    const validator = issuer.validator();
    for (const part of [header, payload]) {
      if (part.length % 4 === 0) continue;
      const spelled = token.replace(part, strayBits(part));
      await expectCode(() => validator.validate(spelled), "ERR_TOKEN_MALFORMED");
    }
  });

  it("still accepts the canonical token and its high-S ECDSA twin", async () => {
    const validator = issuer.validator();
    await expect(validator.validate(token)).resolves.toMatchObject({ aud: issuer.projectId });
    const twin = `${header}.${payload}.${highSTwin(signature)}`;
    expect(twin).not.toBe(token);
    await expect(validator.validate(twin)).resolves.toMatchObject({ aud: issuer.projectId });
  });
});
