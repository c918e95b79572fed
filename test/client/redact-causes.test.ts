import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createPicketClient,
  isPicketApiError,
  type PicketApiError,
} from "../../src/client/index.js";

const SECRET = "sk_live_??>~cause";
const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";

/** The PicketApiError of a call whose fetch rejects with `thrown`. */
async function failureOf(thrown: unknown): Promise<PicketApiError> {
  const client = createPicketClient({
    secretKey: SECRET,
    baseUrl: "https://picketapi.example/api/v1",
    async fetch() {
      throw thrown;
    },
  });
  const caught = await client.nonce({ chain: "ethereum", walletAddress: WALLET }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isPicketApiError(caught), String(caught)).toBe(true);
  return caught as PicketApiError;
}

/** An error with this message and stack, and no cause. */
function errorWith(message: string, stack: string | undefined): Error {
  const error = new Error(message);
  if (stack === undefined) delete error.stack;
  else error.stack = stack;
  return error;
}

describe("the secret key in the cause of a failed call", () => {
  it("is scrubbed from a message alone or an inner cause alone; the stack's frames are not copied", async () => {
    const inMessage = (await failureOf(errorWith(`bad ${SECRET}`, "Error: clean"))).cause as Error;
    expect(inMessage.message).toBe("bad [redacted]");
    expect(inMessage.stack).toBe("Error: bad [redacted]");
    expect(Object.hasOwn(inMessage, "cause")).toBe(false);

    const inStack = (await failureOf(errorWith("clean", `Error: at ${SECRET}`))).cause as Error;
    expect(inStack.message).toBe("clean");
    expect(inStack.stack).toBe("Error: clean");

    const outer = new Error("fetch failed", { cause: new Error(`socket ${SECRET}`) });
    const inInner = (await failureOf(outer)).cause as Error;
    expect(inInner).not.toBe(outer);
    expect((inInner.cause as Error).message).toBe("socket [redacted]");
  });

  it("keeps a stack on the scrubbed copy of an error that had none", async () => {
    const copy = (await failureOf(errorWith(`bad ${SECRET}`, undefined))).cause as Error;
    expect(copy.message).toBe("bad [redacted]");
    expect(typeof copy.stack).toBe("string");
  });

  it("scrubs five levels of causes and drops what lies deeper", async () => {
    let chain: Error | undefined;
    for (let level = 7; level >= 0; level -= 1) {
      chain = new Error(`level ${level} ${SECRET}`, chain === undefined ? {} : { cause: chain });
    }
    const levels: string[] = [];
    for (let cause = (await failureOf(chain)).cause; cause instanceof Error; cause = cause.cause) {
      levels.push(cause.message);
    }
    expect(levels).toEqual([0, 1, 2, 3, 4].map((level) => `level ${level} [redacted]`));
  });

  it("ends on a cause that is its own cause", async () => {
    const looped = new Error(`loop ${SECRET}`);
    looped.cause = looped;
    const failure = await failureOf(looped);
    expect(failure.code).toBe("network_error");
    expect((failure.cause as Error).message).toBe("loop [redacted]");
  });

  it("scrubs every occurrence of an encoded form, and URL-safe forms of a key with / in its base64", async () => {
    const base64 = Buffer.from(SECRET).toString("base64");
    expect(base64).toContain("/");
    const urlSafe = Buffer.from(SECRET).toString("base64url");
    const padded = Buffer.from(`${SECRET}:`).toString("base64");
    const copy = (await failureOf(new Error(`${base64} ${base64} ${urlSafe} ${padded}`)))
      .cause as Error;
    expect(copy.message).toBe("[redacted] [redacted] [redacted] [redacted]");
  });

  it("is never the original error: a ky-style error's request headers do not come along", async () => {
    const basic = `Basic ${Buffer.from(`${SECRET}:`).toString("base64")}`;
    const kyStyle = Object.assign(new Error("Request failed with status code 502"), {
      name: "HTTPError",
      code: "ERR_BAD_RESPONSE",
      request: { method: "POST", headers: { authorization: basic } },
      options: { headers: new Headers({ authorization: basic }) },
    });
    const outer = new TypeError("fetch failed", { cause: kyStyle });
    for (const thrown of [kyStyle, outer]) {
      const failure = await failureOf(thrown);
      const chain: unknown[] = [];
      for (let cause = failure.cause; cause !== undefined; cause = (cause as Error).cause) {
        chain.push(cause);
      }
      expect(chain).not.toContain(kyStyle);
      expect(chain).not.toContain(outer);
      const copy = chain.at(-1) as Error & { code?: unknown };
      expect(copy).toBeInstanceOf(Error);
      expect({ name: copy.name, message: copy.message, code: copy.code }).toEqual({
        name: "HTTPError",
        message: "Request failed with status code 502",
        code: "ERR_BAD_RESPONSE",
      });
      expect(Object.keys(copy)).not.toContain("request");
      const seen = inspect(failure, { depth: 10, showHidden: true });
      expect(seen).not.toContain(basic.slice("Basic ".length));
      expect(seen).not.toContain(SECRET);
    }
  });

  it("turns a rejection that is not an Error into a scrubbed string", async () => {
    const basic = `Basic ${Buffer.from(`${SECRET}:`).toString("base64")}`;
    const plain = { status: 0, request: { headers: { authorization: basic } }, key: SECRET };
    const failure = await failureOf(plain);
    expect(typeof failure.cause).toBe("string");
    expect(failure.cause).toContain("[redacted]");
    expect(inspect(failure, { depth: 10 })).not.toContain(SECRET);
    expect(String(failure.cause)).not.toContain(basic.slice("Basic ".length));

    const cyclic: Record<string, unknown> = { key: SECRET };
    cyclic.self = cyclic;
    expect((await failureOf(cyclic)).cause).toBe("[object Object]");
    expect((await failureOf(`down: ${SECRET}`)).cause).toBe("down: [redacted]");
    const unprintable = {
      toJSON() {
        throw new Error("no JSON");
      },
      toString() {
        throw new Error("no string");
      },
    };
    expect((await failureOf(unprintable)).cause).toBe("[object]");
    const long = (await failureOf(`${SECRET} ${"x".repeat(2_000)}`)).cause as string;
    expect(long).toMatch(/^\[redacted\] x+…$/);
    expect(long.length).toBeLessThan(1_001);
  });

  it("scrubs a hex echo of the key, in either letter case", async () => {
    const hex = Buffer.from(SECRET).toString("hex");
    const copy = (await failureOf(new Error(`key ${hex} KEY ${hex.toUpperCase()}`))).cause as Error;
    expect(copy.message).toBe("key [redacted] KEY [redacted]");
  });
});
