import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPicketClient,
  isPicketApiError,
  type PicketClient,
  type TokenOwnershipRequest,
} from "../../src/client/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { type PicketApiStandIn, startPicketApiStandIn } from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

describe("API calls", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let picket: PicketClient;

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    picket = createPicketClient({
      secretKey: standIn.secretKey,
      baseUrl: standIn.baseUrl,
      timeout: 5_000,
    });
  });
  afterEach(async () => {
    await standIn.close();
  });

  describe("path parameters", () => {
    const refused: [string, string, string][] = [
      ["..", "..", 'chain cannot be "..": a dot segment would change the endpoint'],
      [".", WALLET, 'chain cannot be ".": a dot segment would change the endpoint'],
      ["ethereum", "..", 'walletAddress cannot be "..": a dot segment would change the endpoint'],
      ["ethereum", ".", 'walletAddress cannot be ".": a dot segment would change the endpoint'],
      ["", WALLET, "chain must be a non-empty string"],
      ["ethereum", "", "walletAddress must be a non-empty string"],
      ["ethereum", "\ud800", "walletAddress must be well-formed Unicode"],
    ];

    it.each(refused)(
      "tokenOwnership refuses chain %j, walletAddress %j before any request",
      async (chain, walletAddress, message) => {
        await expect(
          picket.tokenOwnership({
            chain,
            walletAddress,
            requirements: { contractAddress: CONTRACT },
          }),
        ).rejects.toThrow(new TypeError(message));
        await expect(
          picket.tokenOwnership({ chain, walletAddress, contractAddress: CONTRACT }),
        ).rejects.toThrow(new TypeError(message));
        expect(standIn.requests).toHaveLength(0);
      },
    );

    it.each([
      ["..", 'chain cannot be "..": a dot segment would change the endpoint'],
      [".", 'chain cannot be ".": a dot segment would change the endpoint'],
      ["", "chain must be a non-empty string"],
    ])("chainInfo refuses %j before any request", async (chain, message) => {
      await expect(picket.chainInfo(chain)).rejects.toThrow(new TypeError(message));
      expect(standIn.requests).toHaveLength(0);
    });

    it("keeps dots inside a value, and encodes what would read as a dot segment when decoded", async () => {
      await picket.tokenOwnership({ chain: "...", walletAddress: "%2e%2e", requirements: {} });
      expect(standIn.requests[0]?.path).toBe("/chains/.../wallets/%252e%252e/tokenOwnership");
    });
  });

  describe("validate, in both shapes", () => {
    it("takes picket-node's positional (accessToken, requirements?) as well as an object", async () => {
      const accessToken = issuer.sign();
      const requirements = { contractAddress: CONTRACT, minTokenBalance: 2n };
      const positional = await picket.validate(accessToken, requirements);
      const object = await picket.validate({ accessToken, requirements });
      expect(positional).toEqual(object);
      await picket.validate(accessToken);
      expect(standIn.requests.map((request) => request.body)).toEqual([
        { accessToken, requirements: { contractAddress: CONTRACT, minTokenBalance: "2" } },
        { accessToken, requirements: { contractAddress: CONTRACT, minTokenBalance: "2" } },
        { accessToken },
      ]);
    });

    it("takes per-call options last in either shape", async () => {
      standIn.setHandler(() => "hang");
      const token = issuer.sign();
      for (const call of [
        () => picket.validate(token, undefined, { timeout: 20 }),
        () => picket.validate({ accessToken: token }, { timeout: 20 }),
      ]) {
        const failure = await call().catch((error: unknown) => error);
        expect(isPicketApiError(failure) && failure.msg).toBe("Picket did not answer within 20 ms");
      }
    });

    it("refuses a missing token or request with a TypeError", async () => {
      await expect(picket.validate("")).rejects.toThrow(
        new TypeError("accessToken must be a non-empty string"),
      );
      await expect(
        picket.validate(null as unknown as Parameters<PicketClient["validate"]>[0]),
      ).rejects.toThrow(new TypeError("validate's request must be an object"));
      expect(standIn.requests).toHaveLength(0);
    });
  });

  describe("tokenOwnership, in both shapes", () => {
    it("takes picket-node's flat requirements beside chain and walletAddress", async () => {
      standIn.balance = "3";
      const flat = await picket.tokenOwnership({
        chain: "ethereum",
        walletAddress: WALLET,
        contractAddress: CONTRACT,
        tokenIds: [7, 2n ** 255n],
        minTokenBalance: 2,
      });
      const nested = await picket.tokenOwnership({
        chain: "ethereum",
        walletAddress: WALLET,
        requirements: { contractAddress: CONTRACT, tokenIds: [7, 2n ** 255n], minTokenBalance: 2 },
      });
      expect(flat).toEqual(nested);
      expect(flat.allowed).toBe(true);
      const [first, second] = standIn.requests;
      expect(first?.path).toBe(`/chains/ethereum/wallets/${WALLET}/tokenOwnership`);
      expect(first?.body).toEqual({
        contractAddress: CONTRACT,
        tokenIds: ["7", (2n ** 255n).toString()],
        minTokenBalance: "2",
      });
      expect(second?.body).toEqual(first?.body);
    });

    it("sends picket-node's undefined fields as absent", async () => {
      await picket.tokenOwnership({
        chain: "solana",
        walletAddress: "So1anaWa11et",
        tokenIds: ["42"],
        contractAddress: undefined,
        minTokenBalance: undefined,
      } as unknown as TokenOwnershipRequest);
      expect(standIn.requests[0]?.body).toEqual({ tokenIds: ["42"] });
    });

    it("refuses requirements given both ways, or a non-object requirements", async () => {
      await expect(
        picket.tokenOwnership({
          chain: "ethereum",
          walletAddress: WALLET,
          requirements: { contractAddress: CONTRACT },
          minTokenBalance: 1,
        } as unknown as TokenOwnershipRequest),
      ).rejects.toThrow(
        new TypeError(
          "tokenOwnership takes requirements either under `requirements` or beside chain and walletAddress, not both",
        ),
      );
      await expect(
        picket.tokenOwnership({
          chain: "ethereum",
          walletAddress: WALLET,
          requirements: "contract" as unknown as TokenOwnershipRequest["requirements"],
        }),
      ).rejects.toThrow(new TypeError("requirements must be an object"));
      await expect(
        picket.tokenOwnership(undefined as unknown as TokenOwnershipRequest),
      ).rejects.toThrow(new TypeError("tokenOwnership's request must be an object"));
      expect(standIn.requests).toHaveLength(0);
    });
  });
});
