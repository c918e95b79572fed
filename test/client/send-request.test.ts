import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPicketClient,
  type PicketClient,
  type PicketClientEvent,
} from "../../src/client/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { apiError } from "../helpers/api-error.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const MiB = 1_048_576;

/** A server on 127.0.0.1 whose every answer is a body of `totalBytes`, made chunk by chunk. */
interface Flood {
  baseUrl: string;
  /** Bytes handed to the socket so far. */
  written(): number;
  /** Settles when the client has dropped the connection (or the body was sent whole). */
  finished: Promise<void>;
  close(): Promise<void>;
}

async function startFlood(totalBytes: number, declareLength: boolean): Promise<Flood> {
  // One 64 KiB chunk, sent again and again: the server never holds the body.
  const chunk = Buffer.alloc(65_536, "a");
  let written = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const server: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, {
      "content-type": "application/json",
      ...(declareLength ? { "content-length": String(totalBytes) } : {}),
    });
    response.on("close", finish);
    const pump = (): void => {
      while (written < totalBytes && !response.destroyed) {
        written += chunk.byteLength;
        if (!response.write(chunk)) {
          response.once("drain", pump);
          return;
        }
      }
      response.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    written: () => written,
    finished,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("response size: maxResponseBytes", () => {
  const floods: Flood[] = [];
  afterEach(async () => {
    for (const flood of floods.splice(0)) await flood.close();
  });

  it("stops a streamed 300 MiB body at the 1 MiB default and drops the connection", async () => {
    const flood = await startFlood(300 * MiB, false);
    floods.push(flood);
    const client = createPicketClient({ secretKey: "sk_flood", baseUrl: flood.baseUrl });
    const rssBefore = process.memoryUsage().rss;

    const failure = await apiError(() =>
      client.nonce({ chain: "ethereum", walletAddress: WALLET }),
    );

    expect(failure).toMatchObject({
      status: 200,
      code: "response_too_large",
      endpoint: "POST /auth/nonce",
    });
    expect(failure.message).toBe(
      "POST /auth/nonce failed: Picket's answer is larger than maxResponseBytes (1048576 bytes)",
    );
    await flood.finished;
    expect(flood.written()).toBeLessThan(64 * MiB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * MiB);
  });

  it("refuses a declared content-length over the cap before reading the body", async () => {
    const flood = await startFlood(300 * MiB, true);
    floods.push(flood);
    const client = createPicketClient({ secretKey: "sk_flood", baseUrl: flood.baseUrl });
    const failure = await apiError(() =>
      client.nonce({ chain: "ethereum", walletAddress: WALLET }),
    );
    expect(failure.code).toBe("response_too_large");
    await flood.finished;
    expect(flood.written()).toBeLessThan(64 * MiB);
  });

  describe("against the stand-in", () => {
    let standIn: PicketApiStandIn;
    beforeEach(async () => {
      standIn = await startPicketApiStandIn({ issuer: createTestIssuer() });
    });
    afterEach(async () => {
      await standIn.close();
    });

    it("takes a body of exactly maxResponseBytes, and refuses one byte more", async () => {
      const answer = { nonce: "n".repeat(100), statement: "Sign in", format: "simple" };
      const size = JSON.stringify(answer).length;
      standIn.setHandler(() => ({ json: answer }));
      const exact = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        maxResponseBytes: size,
      });
      await expect(exact.nonce({ chain: "ethereum", walletAddress: WALLET })).resolves.toEqual(
        answer,
      );
      const short = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        maxResponseBytes: size - 1,
      });
      const failure = await apiError(() =>
        short.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure.msg).toBe(
        `Picket's answer is larger than maxResponseBytes (${size - 1} bytes)`,
      );
    });

    it("bounds error bodies too, keeping their status", async () => {
      standIn.setHandler(() => error(500, "internal_error", "x".repeat(500)));
      const client = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        maxResponseBytes: 100,
      });
      const failure = await apiError(() =>
        client.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure).toMatchObject({ status: 500, code: "response_too_large" });
    });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1048576"])(
    "refuses maxResponseBytes %s with a TypeError",
    (maxResponseBytes) => {
      expect(() =>
        createPicketClient({
          secretKey: "sk_a",
          maxResponseBytes: maxResponseBytes as number,
        }),
      ).toThrow(new TypeError("options.maxResponseBytes must be a whole number of bytes > 0"));
    },
  );
});

describe("onEvent: picket_api_failure", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let events: PicketClientEvent[];
  let picket: PicketClient;
  // Every reading of the clock moves it by 7 ms, so that a duration is a known number.
  let now: number;
  const clock = (): number => {
    now += 7;
    return now;
  };

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    events = [];
    now = 0;
    picket = createPicketClient({
      secretKey: standIn.secretKey,
      baseUrl: standIn.baseUrl,
      clock,
      onEvent: (event) => events.push(event),
    });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("reports a non-2xx answer with endpoint, status, code and duration, and nothing else", async () => {
    const accessToken = issuer.sign({ email: "holder@example.com" });
    standIn.setHandler(() => error(401, "api_key_invalid", "The provided API key is invalid"));
    await apiError(() =>
      picket.authz({ accessToken, requirements: { contractAddress: "0xabc" }, revalidate: true }),
    );
    expect(events).toEqual([
      {
        type: "picket_api_failure",
        endpoint: "POST /authz",
        status: 401,
        code: "api_key_invalid",
        durationMs: 7,
      },
    ]);
    const rendered = JSON.stringify(events);
    for (const secret of [standIn.secretKey, accessToken, "holder@example.com", "0xabc"]) {
      expect(rendered).not.toContain(secret);
    }
  });

  it("reports every kind of failure, each with the code its error carries", async () => {
    standIn.setHandler(() => error(503, undefined, "down"));
    await apiError(() => picket.nonce({ chain: "ethereum", walletAddress: WALLET }));
    standIn.setHandler(() => ({ text: "not json" }));
    await apiError(() => picket.nonce({ chain: "ethereum", walletAddress: WALLET }));
    standIn.setHandler(() => "hang");
    await apiError(() => picket.chains({ timeout: 50 }));
    expect(events.map(({ endpoint, status, code }) => [endpoint, status, code])).toEqual([
      ["POST /auth/nonce", 503, undefined],
      ["POST /auth/nonce", 200, "invalid_response"],
      ["GET /chains", 0, "timeout"],
    ]);
  });

  it("is not called for successful calls, nor for arguments refused before any request", async () => {
    await picket.nonce({ chain: "ethereum", walletAddress: WALLET });
    await expect(picket.chainInfo("..")).rejects.toThrow(TypeError);
    expect(events).toEqual([]);
  });

  it("cannot change the outcome: a throwing or rejecting hook is ignored", async () => {
    standIn.setHandler(() => error(429, "rate_limited", "slow down"));
    let called = 0;
    for (const onEvent of [
      () => {
        called += 1;
        throw new Error("metrics down");
      },
      async () => {
        called += 1;
        throw new Error("metrics down");
      },
    ]) {
      const client = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        onEvent,
      });
      const failure = await apiError(() =>
        client.nonce({ chain: "ethereum", walletAddress: WALLET }),
      );
      expect(failure).toMatchObject({ status: 429, code: "rate_limited" });
    }
    expect(called).toBe(2);
  });

  it("refuses an onEvent or clock that is not a function", () => {
    expect(() =>
      createPicketClient({ secretKey: "sk_a", onEvent: "log" as unknown as () => void }),
    ).toThrow(new TypeError("options.onEvent must be a function"));
    expect(() =>
      createPicketClient({ secretKey: "sk_a", clock: 0 as unknown as () => number }),
    ).toThrow(new TypeError("options.clock must be a function"));
  });
});
