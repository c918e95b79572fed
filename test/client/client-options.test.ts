import { describe, expect, it } from "vitest";
import { createPicketClient } from "../../src/client/index.js";
import { stubFetch } from "../helpers/fetch-stub.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
type Options = Parameters<typeof createPicketClient>[0];

const nonceAnswer = () => Response.json({ nonce: "n", statement: "s", format: "simple" });

describe("createPicketClient options", () => {
  it("refuses null as the options", () => {
    expect(() => createPicketClient(null as unknown as Options)).toThrow(
      new TypeError("createPicketClient needs an options object with a secretKey"),
    );
  });

  it.each([
    "https://user@picketapi.com/api/v1",
    "https://:pw@picketapi.com/api/v1",
    "https://picketapi.com/api/v1#section",
    // An empty query or fragment: each would swallow every path joined after it.
    "https://picketapi.com/api/v1?",
    "https://picketapi.com/api/v1#",
  ])("refuses a base URL with credentials, a query or a fragment: %s", (baseUrl) => {
    expect(() => createPicketClient({ secretKey: "sk_a", baseUrl })).toThrow(
      new TypeError("options.baseUrl cannot carry credentials, a query or a fragment"),
    );
  });

  it("takes a base URL whose path holds an encoded ? or #", async () => {
    const stub = stubFetch(nonceAnswer);
    const client = createPicketClient({
      secretKey: "sk_a",
      baseUrl: "https://picketapi.example/a%3Fb%23c",
      fetch: stub.fetch,
    });
    await client.nonce({ chain: "ethereum", walletAddress: WALLET });
    expect(stub.requests[0]?.url).toBe("https://picketapi.example/a%3Fb%23c/auth/nonce");
  });

  it("drops every trailing slash of the base URL, and only those", async () => {
    const stub = stubFetch(nonceAnswer);
    const client = createPicketClient({
      secretKey: "sk_a",
      baseUrl: "https://picketapi.example/api//v1///",
      fetch: stub.fetch,
    });
    await client.nonce({ chain: "ethereum", walletAddress: WALLET });
    expect(stub.requests.map((request) => request.url)).toEqual([
      "https://picketapi.example/api//v1/auth/nonce",
    ]);
  });

  it("takes a whole number of bytes as maxResponseBytes, 1 included", async () => {
    const stub = stubFetch(() => new Response("{}", { headers: { "content-length": "2" } }));
    const client = createPicketClient({
      secretKey: "sk_a",
      fetch: stub.fetch,
      maxResponseBytes: 1,
    });
    await expect(client.nonce({ chain: "ethereum", walletAddress: WALLET })).rejects.toMatchObject({
      code: "response_too_large",
      msg: "Picket's answer is larger than maxResponseBytes (1 bytes)",
    });
  });

  it("names revalidateCooldown and its unit when it is no duration", () => {
    expect(() => createPicketClient({ secretKey: "sk_a", revalidateCooldown: -1 })).toThrow(
      "options.revalidateCooldown must be a finite number >= 0 (milliseconds) or",
    );
  });

  it("refuses a timeout under 100 ms, naming the unit and the value likely meant", () => {
    expect(() => createPicketClient({ secretKey: "sk_a", timeout: 5 })).toThrow(
      new TypeError(
        "createPicketClient: options.timeout is in milliseconds: 5 is 5 ms; it must be at least 100 ms; did you mean 5_000 (5 s)?",
      ),
    );
    expect(() => createPicketClient({ secretKey: "sk_a", timeout: "50ms" })).toThrow(
      new TypeError(
        'createPicketClient: options.timeout is in milliseconds: "50ms" is 50 ms; it must be at least 100 ms',
      ),
    );
    expect(() => createPicketClient({ secretKey: "sk_a", timeout: 100 })).not.toThrow();
  });

  it("refuses a revalidateCooldown in seconds, with the milliseconds likely meant", () => {
    expect(() => createPicketClient({ secretKey: "sk_a", revalidateCooldown: 60 })).toThrow(
      new TypeError(
        "createPicketClient: options.revalidateCooldown is in milliseconds: 60 is 60 ms; it must be at least 1000 ms (1 s); did you mean 60_000 (1 min)?",
      ),
    );
  });

  it("refuses baseURL rather than send the key to picketapi.com", async () => {
    const stub = stubFetch(nonceAnswer);
    expect(() =>
      createPicketClient({
        secretKey: "sk_a",
        baseURL: "http://127.0.0.1:8787",
        fetch: stub.fetch,
      } as Options),
    ).toThrow(
      new TypeError(
        "options.baseURL is not an option of createPicketClient; did you mean baseUrl?",
      ),
    );
    expect(stub.requests).toHaveLength(0);
  });

  it("takes revalidateCooldown of exactly 1 s", () => {
    expect(() =>
      createPicketClient({ secretKey: "sk_a", revalidateCooldown: 1_000 }),
    ).not.toThrow();
    expect(() => createPicketClient({ secretKey: "sk_a", revalidateCooldown: "1s" })).not.toThrow();
  });
});
