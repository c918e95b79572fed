import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPicketClient,
  isPicketApiError,
  PICKET_API_URL,
  type PicketClient,
} from "../../src/client/index.js";
import { PicketValidationError } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { apiError } from "../helpers/api-error.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

/** A port that refuses connections: a server bound and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("createPicketClient", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let picket: PicketClient;

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
  });
  afterEach(async () => {
    await standIn.close();
  });

  describe("calls", () => {
    it("nonce: POST /auth/nonce with Basic auth (secret key, empty password) and a JSON body", async () => {
      const answer = await picket.nonce({ chain: "ethereum", walletAddress: WALLET, locale: "de" });
      expect(answer).toMatchObject({ statement: "Sign in to the test app", format: "siwe" });
      expect(typeof answer.nonce).toBe("string");
      expect(standIn.requests).toHaveLength(1);
      const [request] = standIn.requests;
      expect(request?.method).toBe("POST");
      expect(request?.path).toBe("/auth/nonce");
      expect(request?.headers.authorization).toBe(
        `Basic ${Buffer.from(`${standIn.secretKey}:`).toString("base64")}`,
      );
      expect(request?.headers["content-type"]).toBe("application/json");
      expect(request?.body).toEqual({ chain: "ethereum", walletAddress: WALLET, locale: "de" });
    });

    it("nonce: leaves out a locale that was not given", async () => {
      await picket.nonce({ chain: "solana", walletAddress: "So1anaWa11et" });
      expect(standIn.requests[0]?.body).toEqual({ chain: "solana", walletAddress: "So1anaWa11et" });
    });

    it("auth: POST /auth with signature, requirements and context; the token validates", async () => {
      const context = {
        domain: "app.example",
        uri: "https://app.example/login",
        chainId: 1,
        issuedAt: "2026-01-01T00:00:00.000Z",
        chainType: "ethereum",
      };
      const answer = await picket.auth({
        chain: "ethereum",
        walletAddress: WALLET,
        signature: "0xsigned",
        requirements: { contractAddress: CONTRACT, minTokenBalance: 1n },
        context,
      });
      const [request] = standIn.requests;
      expect(request?.path).toBe("/auth");
      expect(request?.body).toEqual({
        chain: "ethereum",
        walletAddress: WALLET,
        signature: "0xsigned",
        requirements: { contractAddress: CONTRACT, minTokenBalance: "1" },
        context,
      });
      expect(answer.user.walletAddress).toBe(WALLET);
      await expect(issuer.validator().validate(answer.accessToken)).resolves.toMatchObject({
        walletAddress: WALLET,
      });
    });

    it("authz: POST /authz with the token, the requirements and revalidate", async () => {
      const accessToken = issuer.sign();
      standIn.balance = "3";
      const answer = await picket.authz({
        accessToken,
        requirements: { contractAddress: CONTRACT, minTokenBalance: 2 },
        revalidate: true,
      });
      const [request] = standIn.requests;
      expect(request?.method).toBe("POST");
      expect(request?.path).toBe("/authz");
      expect(request?.body).toEqual({
        accessToken,
        requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
        revalidate: true,
      });
      const claims = await issuer.validator().validate(answer.accessToken);
      expect(claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe("3");
    });

    it("validate: POST /auth/validate, answering the claims", async () => {
      const accessToken = issuer.sign({ email: "holder@example.com" });
      const claims = await picket.validate({
        accessToken,
        requirements: { tokenIds: [7, 2n ** 255n, "42"], contractAddress: CONTRACT },
      });
      expect(claims).toMatchObject({ aud: issuer.projectId, email: "holder@example.com" });
      expect(standIn.requests[0]?.path).toBe("/auth/validate");
      expect(standIn.requests[0]?.body).toEqual({
        accessToken,
        // Token IDs as exact decimal strings: 2^255 would be rounded as a JSON number.
        requirements: { tokenIds: ["7", (2n ** 255n).toString(), "42"], contractAddress: CONTRACT },
      });
    });

    it("tokenOwnership: POST with chain and wallet URL-encoded in the path, the requirements as body", async () => {
      standIn.balance = "5";
      const answer = await picket.tokenOwnership({
        chain: "solana",
        walletAddress: "odd/wallet name?",
        requirements: { collection: "Degen Apes", minTokenBalance: "0.5" },
      });
      const [request] = standIn.requests;
      expect(request?.path).toBe("/chains/solana/wallets/odd%2Fwallet%20name%3F/tokenOwnership");
      expect(request?.body).toEqual({ collection: "Degen Apes", minTokenBalance: "0.5" });
      expect(answer.allowed).toBe(true);
      expect(answer.tokenBalances).toEqual({ collection: { "Degen Apes": "5" } });
      // Fields beyond the typed ones pass through.
      expect(answer.walletAddress).toBe("odd/wallet name?");
    });

    it("sends amounts as exact decimals, never in exponent notation", async () => {
      await picket.authz({
        accessToken: issuer.sign(),
        requirements: { contractAddress: CONTRACT, minTokenBalance: 1e21 },
      });
      await picket.authz({
        accessToken: issuer.sign(),
        requirements: { contractAddress: CONTRACT, minTokenBalance: 1e-7 },
      });
      const sent = standIn.requests.map(
        (request) => (request.body as { requirements: { minTokenBalance: unknown } }).requirements,
      );
      expect(sent.map((requirements) => requirements.minTokenBalance)).toEqual([
        "1000000000000000000000",
        "0.0000001",
      ]);
    });

    it("uses Picket's API base by default, calling fetch unbound", async () => {
      const urls: string[] = [];
      const client = createPicketClient({
        secretKey: "sk_default",
        // Unbound, as platform fetches require.
        async fetch(this: unknown, input) {
          expect(this).toBeUndefined();
          urls.push(String(input));
          return Response.json({ nonce: "n", statement: "s", format: "simple" });
        },
      });
      await client.nonce({ chain: "ethereum", walletAddress: WALLET });
      expect(PICKET_API_URL).toBe("https://picketapi.com/api/v1");
      expect(urls).toEqual(["https://picketapi.com/api/v1/auth/nonce"]);
    });

    it("joins a base URL with a trailing slash without doubling it", async () => {
      const client = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: new URL(`${standIn.baseUrl}/`),
      });
      await client.nonce({ chain: "ethereum", walletAddress: WALLET });
      expect(standIn.requests[0]?.path).toBe("/auth/nonce");
    });

    it("refuses missing arguments before any request", async () => {
      await expect(
        picket.nonce({ chain: "ethereum" } as unknown as Parameters<PicketClient["nonce"]>[0]),
      ).rejects.toThrow(new TypeError("walletAddress must be a non-empty string"));
      await expect(
        picket.authz({ accessToken: "t" } as unknown as Parameters<PicketClient["authz"]>[0]),
      ).rejects.toThrow(new TypeError("requirements must be an object"));
      await expect(
        picket.tokenOwnership({
          walletAddress: WALLET,
          requirements: {},
        } as unknown as Parameters<PicketClient["tokenOwnership"]>[0]),
      ).rejects.toThrow(new TypeError("chain must be a non-empty string"));
      expect(standIn.requests).toHaveLength(0);
    });
  });

  describe("errors", () => {
    const documented: [number, string][] = [
      [400, "parameter_invalid"],
      [401, "api_key_invalid"],
      [404, "resource_not_found"],
      [409, "account_exists"],
      [424, "upstream_failure"],
      [429, "rate_limited"],
      [500, "internal_error"],
      [502, "bad_gateway"],
      [503, "unavailable"],
      [504, "gateway_timeout"],
    ];

    it.each(documented)(
      "maps %i to PicketApiError with status, code and msg",
      async (status, code) => {
        standIn.setHandler(() => error(status, code, `Picket says ${status}`));
        const failure = await apiError(() =>
          picket.nonce({ chain: "ethereum", walletAddress: WALLET }),
        );
        expect(failure.name).toBe("PicketApiError");
        expect(failure.status).toBe(status);
        expect(failure.code).toBe(code);
        expect(failure.msg).toBe(`Picket says ${status}`);
        expect(failure.endpoint).toBe("POST /auth/nonce");
        expect(failure.message).toBe(
          `POST /auth/nonce failed with ${status} ${code}: Picket says ${status}`,
        );
      },
    );

    it("answers 401 api_key_invalid for a wrong secret key", async () => {
      const wrong = createPicketClient({ secretKey: "sk_wrong", baseUrl: standIn.baseUrl });
      const failure = await apiError(() =>
        wrong.tokenOwnership({ chain: "ethereum", walletAddress: WALLET, requirements: {} }),
      );
      expect(failure).toMatchObject({ status: 401, code: "api_key_invalid" });
      expect(failure.endpoint).toBe("POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership");
    });

    it("takes an error body without a code", async () => {
      standIn.setHandler(() => error(400, undefined, "walletAddress is required"));
      const failure = await apiError(() =>
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure.code).toBeUndefined();
      expect(failure.msg).toBe("walletAddress is required");
      expect(failure.message).toBe("POST /auth/nonce failed with 400: walletAddress is required");
    });

    it("still gives a PicketApiError for a non-JSON error body, without quoting it", async () => {
      standIn.setHandler(() => ({
        status: 502,
        text: "<html><body>nginx: upstream sent garbage</body></html>",
        contentType: "text/html",
      }));
      const failure = await apiError(() =>
        picket.authz({ accessToken: "t", requirements: { contractAddress: CONTRACT } }),
      );
      expect(failure.status).toBe(502);
      expect(failure.code).toBeUndefined();
      expect(failure.msg).toBe("Picket answered 502 Bad Gateway");
      expect(failure.message).not.toContain("nginx");
    });

    it("reports a 2xx body that is not JSON, or not the promised shape, as invalid_response", async () => {
      standIn.setHandler(() => ({ text: "OK" }));
      const notJson = await apiError(() =>
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(notJson).toMatchObject({ status: 200, code: "invalid_response" });
      expect(notJson.message).toBe("POST /auth/nonce failed: Picket's answer is not a nonce");

      standIn.setHandler(() => ({ json: { accessToken: 42, user: {} } }));
      const wrongShape = await apiError(() =>
        picket.auth({ chain: "ethereum", walletAddress: WALLET, signature: "s" }),
      );
      expect(wrongShape).toMatchObject({ status: 200, code: "invalid_response" });

      standIn.setHandler(() => ({ json: { walletAddress: WALLET } }));
      const noVerdict = await apiError(() =>
        picket.tokenOwnership({ chain: "ethereum", walletAddress: WALLET, requirements: {} }),
      );
      expect(noVerdict.code).toBe("invalid_response");
    });

    it("does not follow redirects", async () => {
      standIn.setHandler((request, fallback) =>
        request.path === "/auth/nonce"
          ? { status: 307, text: "", contentType: "text/plain" }
          : fallback(request),
      );
      const failure = await apiError(() =>
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure.status).toBe(307);
      expect(failure.msg).toBe("Picket answered with a redirect, which is not followed");
      expect(standIn.requests).toHaveLength(1);
    });

    it("times out against a server that never answers: status 0, code timeout", async () => {
      standIn.setHandler(() => "hang");
      const client = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        timeout: 100,
      });
      const started = performance.now();
      const failure = await apiError(() =>
        client.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(failure).toMatchObject({ status: 0, code: "timeout" });
      expect(failure.message).toBe("POST /auth/nonce failed: Picket did not answer within 100 ms");
      expect(failure.cause).toBeDefined();
    });

    it("takes a per-call timeout over the client's", async () => {
      standIn.setHandler(() => "hang");
      const failure = await apiError(() =>
        picket.authz(
          { accessToken: "t", requirements: { contractAddress: CONTRACT } },
          { timeout: 100 },
        ),
      );
      expect(failure).toMatchObject({ status: 0, code: "timeout" });
      expect(failure.msg).toBe("Picket did not answer within 100 ms");
      await expect(
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }, { timeout: 0 }),
      ).rejects.toThrow(TypeError);
    });

    it("fails with code aborted when the caller's signal aborts", async () => {
      standIn.setHandler(() => "hang");
      const controller = new AbortController();
      const pending = apiError(() =>
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }, { signal: controller.signal }),
      );
      setTimeout(() => controller.abort(new Error("client went away")), 20);
      const failure = await pending;
      expect(failure).toMatchObject({ status: 0, code: "aborted" });
      expect((failure.cause as Error).message).toBe("client went away");

      const already = await apiError(() =>
        picket.nonce({ chain: "ethereum", walletAddress: WALLET }, { signal: AbortSignal.abort() }),
      );
      expect(already.code).toBe("aborted");
    });

    it("reports a refused connection as status 0, code network_error, with cause", async () => {
      const port = await closedPort();
      const client = createPicketClient({
        secretKey: "sk_refused",
        baseUrl: `http://127.0.0.1:${port}/api/v1`,
      });
      const failure = await apiError(() =>
        client.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure).toMatchObject({ status: 0, code: "network_error" });
      expect(failure.cause).toBeInstanceOf(Error);
      expect(failure.message).toBe(
        "POST /auth/nonce failed: Picket could not be reached (ECONNREFUSED)",
      );
    });
  });

  describe("the secret key", () => {
    const SECRET = "sk_live_7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b";
    const forms = [
      SECRET,
      Buffer.from(`${SECRET}:`).toString("base64"),
      Buffer.from(SECRET).toString("base64"),
    ];

    function expectNoSecret(failure: unknown): void {
      const cause = (failure as { cause?: unknown }).cause;
      const renderings = [
        (failure as Error).message,
        String(failure),
        JSON.stringify(failure),
        inspect(failure, { depth: 5 }),
        String(cause),
        cause instanceof Error ? cause.message : "",
        inspect(cause, { depth: 5 }),
      ];
      for (const rendering of renderings) {
        for (const form of forms) expect(rendering).not.toContain(form);
      }
    }

    it("appears in no error, even when Picket echoes it back", async () => {
      const echo = await startPicketApiStandIn({ issuer, secretKey: SECRET });
      try {
        const client = createPicketClient({
          secretKey: SECRET,
          baseUrl: echo.baseUrl,
          timeout: 100,
        });
        const call = () => client.nonce({ chain: "ethereum", walletAddress: WALLET });

        echo.setHandler((request) =>
          error(401, SECRET, `bad key ${SECRET} in ${String(request.headers.authorization)}`),
        );
        const echoed = await apiError(call);
        expect(echoed.msg).toBe(`bad key [redacted] in Basic [redacted]`);
        expect(echoed.code).toBe("[redacted]");
        expectNoSecret(echoed);

        echo.setHandler((request) => ({
          status: 500,
          text: `headers: ${JSON.stringify(request.headers)}`,
        }));
        expectNoSecret(await apiError(call));

        echo.setHandler(() => ({ text: `not json ${SECRET}` }));
        expectNoSecret(await apiError(call));

        echo.setHandler(() => "hang");
        expectNoSecret(await apiError(call));
      } finally {
        await echo.close();
      }

      const port = await closedPort();
      const refused = createPicketClient({
        secretKey: SECRET,
        baseUrl: `http://127.0.0.1:${port}`,
      });
      expectNoSecret(
        await apiError(() => refused.nonce({ chain: "ethereum", walletAddress: WALLET })),
      );
    });

    it("is not held by the client object: not in inspect, JSON or its keys", () => {
      const client = createPicketClient({ secretKey: SECRET });
      for (const rendering of [
        inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
        String(Object.keys(client)),
      ]) {
        for (const form of forms) expect(rendering).not.toContain(form);
      }
    });
  });

  describe("options", () => {
    it.each([
      [undefined, "createPicketClient needs an options object with a secretKey"],
      [{}, "options.secretKey must be the project's secret API key (a string)"],
      [{ secretKey: "" }, "options.secretKey must be the project's secret API key (a string)"],
      [{ secretKey: "sk_a\n" }, "options.secretKey has leading or trailing whitespace"],
      [
        { secretKey: "sk:a" },
        "options.secretKey cannot contain ':' (it is the Basic-auth user name)",
      ],
      [{ secretKey: "sk_a", baseUrl: "picketapi.com" }, "options.baseUrl must be an absolute URL"],
      [
        { secretKey: "sk_a", baseUrl: "http://picketapi.com/api/v1" },
        "options.baseUrl must use https: (http: only for loopback hosts)",
      ],
      [
        { secretKey: "sk_a", baseUrl: "ftp://127.0.0.1/" },
        "options.baseUrl must use https: (http: only for loopback hosts)",
      ],
      [
        { secretKey: "sk_a", baseUrl: "https://picketapi.com/api/v1?x=1" },
        "options.baseUrl cannot carry credentials, a query or a fragment",
      ],
      [
        { secretKey: "sk_a", baseUrl: "https://user:pw@picketapi.com/api/v1" },
        "options.baseUrl cannot carry credentials, a query or a fragment",
      ],
      [
        { secretKey: "sk_a", timeout: 0 },
        "createPicketClient: options.timeout is in milliseconds: 0 is 0 ms; it must be at least 100 ms",
      ],
      [
        { secretKey: "sk_a", timeout: Number.NaN },
        "options.timeout must be a finite number >= 0 (milliseconds) or a string with a unit (",
      ],
      [
        { secretKey: "sk_a", timeout: "10 parsecs" },
        'options.timeout: "10 parsecs" is not a duration',
      ],
      [
        { secretKey: "sk_a", fetch: "fetch" },
        "options.fetch must be a function (no global fetch was found)",
      ],
    ])("throws a TypeError at construction for %j", (options, message) => {
      const create = () =>
        createPicketClient(options as unknown as Parameters<typeof createPicketClient>[0]);
      expect(create).toThrow(TypeError);
      expect(create).toThrow(message);
    });

    it("accepts loopback http and https base URLs", () => {
      for (const baseUrl of [
        "http://localhost:3000/api/v1",
        "http://[::1]:3000",
        "https://staging.picketapi.example/api/v1",
      ]) {
        expect(() => createPicketClient({ secretKey: "sk_a", baseUrl })).not.toThrow();
      }
    });
  });

  describe("isPicketApiError", () => {
    it("recognizes the error by name and fields, across realms, and nothing else", async () => {
      standIn.setHandler(() => error(429, "rate_limited", "slow down"));
      const real = await apiError(() => picket.nonce({ chain: "ethereum", walletAddress: WALLET }));
      expect(real).toBeInstanceOf(Error);
      expect(isPicketApiError({ name: "PicketApiError", status: 429, msg: "slow down" })).toBe(
        true,
      );
      expect(isPicketApiError(new PicketValidationError("ERR_TOKEN_MISSING", "no token"))).toBe(
        false,
      );
      expect(isPicketApiError({ name: "PicketApiError" })).toBe(false);
      expect(isPicketApiError(null)).toBe(false);
      expect(JSON.parse(JSON.stringify(real))).toEqual({
        name: "PicketApiError",
        status: 429,
        code: "rate_limited",
        msg: "slow down",
        endpoint: "POST /auth/nonce",
      });
    });
  });
});
