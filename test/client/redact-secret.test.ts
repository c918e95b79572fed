import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPicketClient, type PicketApiError } from "../../src/client/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { apiError } from "../helpers/api-error.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

// Chosen so that its base64 forms hold "+" and "=": every form below differs from the others.
const SECRET = "sk_live_~7f3c?9a1e>5b~2d4";
const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";

const credentials = Buffer.from(`${SECRET}:`);
const bare = Buffer.from(SECRET);
const unpadded = (text: string): string => text.replace(/=+$/, "");
const urlSafePadded = (bytes: Buffer): string =>
  bytes.toString("base64").replaceAll("+", "-").replaceAll("/", "_");

/** Every spelling of the secret an error could echo, named. */
const FORMS: [string, string][] = [
  ["base64 of key:, unpadded", unpadded(credentials.toString("base64"))],
  ["base64url of key:, unpadded", credentials.toString("base64url")],
  ["base64url of key:, padded", urlSafePadded(credentials)],
  ["base64 of the key, unpadded", unpadded(bare.toString("base64"))],
  ["base64url of the key, unpadded", bare.toString("base64url")],
  ["base64url of the key, padded", urlSafePadded(bare)],
  ["the key upper-cased", SECRET.toUpperCase()],
  ["the key in mixed case", SECRET.replace("live", "LiVe")],
  ["the key URL-encoded, lower-case hex", encodeURIComponent(SECRET).toLowerCase()],
];

/** Every way an error is read: message, fields, JSON, inspect, its cause. */
function renderings(failure: PicketApiError): string[] {
  const cause = failure.cause;
  return [
    failure.message,
    failure.msg,
    String(failure.code),
    String(failure),
    JSON.stringify(failure),
    inspect(failure, { depth: 5 }),
    String(cause),
    inspect(cause, { depth: 5 }),
  ];
}

function expectScrubbed(failure: PicketApiError, form: string): void {
  for (const rendering of renderings(failure)) {
    expect(rendering).not.toContain(form);
    expect(rendering.toLowerCase()).not.toContain(SECRET.toLowerCase());
    expect(rendering).not.toContain(unpadded(credentials.toString("base64")));
  }
}

describe("the secret key, in any encoding", () => {
  let standIn: PicketApiStandIn;
  beforeAll(async () => {
    standIn = await startPicketApiStandIn({ issuer: createTestIssuer(), secretKey: SECRET });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it("has forms that all differ, so that each test below stands alone", () => {
    expect(new Set(FORMS.map(([, form]) => form)).size).toBe(FORMS.length);
    expect(FORMS.every(([, form]) => !form.includes(SECRET))).toBe(true);
  });

  it.each(FORMS)("is scrubbed from an echoed error body: %s", async (_name, form) => {
    standIn.setHandler(() => error(401, `bad_${form}`, `key ${form} is invalid`));
    const client = createPicketClient({ secretKey: SECRET, baseUrl: standIn.baseUrl });
    const failure = await apiError(() =>
      client.nonce({ chain: "ethereum", walletAddress: WALLET }),
    );
    expect(failure.msg).toBe("key [redacted] is invalid");
    expect(failure.code).toBe("bad_[redacted]");
    expectScrubbed(failure, form);
  });

  it.each(FORMS)("is scrubbed from the cause of a failed fetch: %s", async (_name, form) => {
    const client = createPicketClient({
      secretKey: SECRET,
      baseUrl: "https://picketapi.example/api/v1",
      async fetch() {
        throw new TypeError(`fetch failed for ${form}`, {
          cause: new Error(`socket said ${form}`),
        });
      },
    });
    const failure = await apiError(() =>
      client.nonce({ chain: "ethereum", walletAddress: WALLET }),
    );
    expect(failure.code).toBe("network_error");
    expect(failure.cause).toBeInstanceOf(Error);
    expect((failure.cause as Error).name).toBe("TypeError");
    expect((failure.cause as Error).message).toBe("fetch failed for [redacted]");
    expect(((failure.cause as Error).cause as Error).message).toBe("socket said [redacted]");
    expectScrubbed(failure, form);
  });

  it("copies even a cause that names no secret: name, message and code, never the object", async () => {
    const original = new TypeError("fetch failed");
    const client = createPicketClient({
      secretKey: SECRET,
      baseUrl: "https://picketapi.example/api/v1",
      async fetch() {
        throw original;
      },
    });
    const failure = await apiError(() =>
      client.nonce({ chain: "ethereum", walletAddress: WALLET }),
    );
    expect(failure.cause).not.toBe(original);
    expect(failure.cause).toBeInstanceOf(Error);
    expect(failure.cause).toMatchObject({ name: "TypeError", message: "fetch failed" });
  });
});
