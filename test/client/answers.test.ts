import { getEventListeners } from "node:events";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPicketClient,
  isPicketApiError,
  type PicketClient,
  type PicketClientEvent,
} from "../../src/client/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { apiError } from "../helpers/api-error.js";
import { closeServer, listenOnLoopback } from "../helpers/http.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const nonceRequest = { chain: "ethereum", walletAddress: WALLET };

/** A node:http server on 127.0.0.1 that answers every request with `answer`. */
async function startAnswering(
  answer: (response: ServerResponse) => void,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on("end", () => answer(response));
  });
  const origin = await listenOnLoopback(server);
  return { baseUrl: `${origin}/api/v1`, close: () => closeServer(server) };
}

/**
 * A raw TCP server on 127.0.0.1 that answers every request with the bytes of `head` and `body`:
 * for status lines node:http would not write, such as one without a reason phrase.
 */
async function startRawHttp(
  reply: string,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => socket.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("Picket's answers, at the edges", () => {
  let standIn: PicketApiStandIn;
  let picket: PicketClient;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    standIn = await startPicketApiStandIn({ issuer: createTestIssuer() });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
  });
  afterEach(async () => {
    await standIn.close();
    for (const close of closers.splice(0)) await close();
  });

  it("asks for JSON on every call", async () => {
    await picket.nonce(nonceRequest);
    await picket.chains();
    expect(standIn.requests.map((request) => request.headers.accept)).toEqual([
      "application/json",
      "application/json",
    ]);
  });

  it("takes any 2xx answer, 299 included, and refuses 300 as a redirect", async () => {
    const answer = { nonce: "n", statement: "Sign in", format: "simple" };
    standIn.setHandler(() => ({ status: 299, json: answer }));
    await expect(picket.nonce(nonceRequest)).resolves.toEqual(answer);
    standIn.setHandler(() => ({ status: 300, json: answer }));
    const redirect = await apiError(() => picket.nonce(nonceRequest));
    expect(redirect).toMatchObject({ status: 300, code: undefined });
    expect(redirect.msg).toBe("Picket answered with a redirect, which is not followed");
  });

  it("names a 399 a redirect and a 400 without a JSON body by its status line", async () => {
    standIn.setHandler(() => ({ status: 399, text: "" }));
    expect((await apiError(() => picket.nonce(nonceRequest))).msg).toBe(
      "Picket answered with a redirect, which is not followed",
    );
    standIn.setHandler(() => ({ status: 400, text: "bad" }));
    const failure = await apiError(() => picket.nonce(nonceRequest));
    expect(failure.msg).toBe("Picket answered 400 Bad Request");
    expect(failure.message).toBe(
      "POST /auth/nonce failed with 400: Picket answered 400 Bad Request",
    );
  });

  it("reads an error body of JSON null, or a code and msg of other types, as no body", async () => {
    standIn.setHandler(() => ({ status: 500, json: null }));
    const nullBody = await apiError(() => picket.nonce(nonceRequest));
    expect(nullBody).toMatchObject({ status: 500, code: undefined });
    expect(nullBody.msg).toBe("Picket answered 500 Internal Server Error");

    standIn.setHandler(() => ({ status: 422, json: { code: 7, msg: ["not", "text"] } }));
    const odd = await apiError(() => picket.nonce(nonceRequest));
    expect(odd.code).toBeUndefined();
    expect(odd.msg).toBe("Picket answered 422 Unprocessable Entity");
  });

  it("keeps Picket's code beside a msg that is not text", async () => {
    standIn.setHandler(() => ({ status: 400, json: { code: "parameter_invalid" } }));
    const failure = await apiError(() => picket.nonce(nonceRequest));
    expect(failure.code).toBe("parameter_invalid");
    expect(failure.msg).toBe("Picket answered 400 Bad Request");
    expect(failure.message).toBe(
      "POST /auth/nonce failed with 400 parameter_invalid: Picket answered 400 Bad Request",
    );
  });

  it("leaves out a status line without a reason phrase", async () => {
    const raw = await startRawHttp(
      "HTTP/1.1 502 \r\ncontent-type: text/plain\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops",
    );
    closers.push(raw.close);
    const client = createPicketClient({ secretKey: "sk_raw", baseUrl: raw.baseUrl });
    const failure = await apiError(() => client.nonce(nonceRequest));
    expect(failure.status).toBe(502);
    expect(failure.msg).toBe("Picket answered 502");
  });

  it("reports a 2xx answer without a body (204) as invalid_response, not a network error", async () => {
    const empty = await startAnswering((response) => {
      response.writeHead(204);
      response.end();
    });
    closers.push(empty.close);
    const client = createPicketClient({ secretKey: "sk_empty", baseUrl: empty.baseUrl });
    const failure = await apiError(() => client.nonce(nonceRequest));
    expect(failure).toMatchObject({ status: 204, code: "invalid_response" });
  });

  it("puts an answer streamed in several chunks back together in order", async () => {
    const nonce = `${"a".repeat(70_000)}${"b".repeat(70_000)}`;
    const text = JSON.stringify({ nonce, statement: "Sign in", format: "simple" });
    const chunked = await startAnswering((response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write(text.slice(0, 10));
      setTimeout(() => {
        response.write(text.slice(10, 80_000));
        setTimeout(() => response.end(text.slice(80_000)), 5);
      }, 5);
    });
    closers.push(chunked.close);
    const client = createPicketClient({ secretKey: "sk_chunks", baseUrl: chunked.baseUrl });
    const answer = await client.nonce(nonceRequest);
    expect(answer.nonce).toBe(nonce);
  });

  it("takes a streamed answer of exactly maxResponseBytes, and refuses one byte more", async () => {
    const text = JSON.stringify({ nonce: "n".repeat(200), statement: "s", format: "simple" });
    const streamed = await startAnswering((response) => {
      // No content-length: the size is only known by counting the bytes as they come.
      response.writeHead(200, { "content-type": "application/json" });
      response.write(text.slice(0, 100));
      setTimeout(() => response.end(text.slice(100)), 5);
    });
    closers.push(streamed.close);
    const exact = createPicketClient({
      secretKey: "sk_stream",
      baseUrl: streamed.baseUrl,
      maxResponseBytes: text.length,
    });
    await expect(exact.nonce(nonceRequest)).resolves.toMatchObject({ format: "simple" });
    const short = createPicketClient({
      secretKey: "sk_stream",
      baseUrl: streamed.baseUrl,
      maxResponseBytes: text.length - 1,
    });
    expect((await apiError(() => short.nonce(nonceRequest))).code).toBe("response_too_large");
  });

  it("refuses a declared content-length over the cap at once, without waiting for the body", async () => {
    const trickle = await startAnswering((response) => {
      // Declares 10 MB, sends 10 bytes and never finishes: only the header can be judged.
      response.writeHead(200, { "content-type": "application/json", "content-length": "10000000" });
      response.write('{"nonce":"');
    });
    closers.push(trickle.close);
    const client = createPicketClient({
      secretKey: "sk_trickle",
      baseUrl: trickle.baseUrl,
      timeout: 5_000,
    });
    const failure = await apiError(() => client.nonce(nonceRequest));
    expect(failure).toMatchObject({ status: 200, code: "response_too_large" });
  });

  it("takes a declared content-length of exactly maxResponseBytes", async () => {
    const text = JSON.stringify({ nonce: "n", statement: "s", format: "simple" });
    const declared = await startAnswering((response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(text.length),
      });
      response.end(text);
    });
    closers.push(declared.close);
    const client = createPicketClient({
      secretKey: "sk_declared",
      baseUrl: declared.baseUrl,
      maxResponseBytes: text.length,
    });
    await expect(client.nonce(nonceRequest)).resolves.toEqual(JSON.parse(text));
  });

  it("refuses an answer without a body that declares too large a one", async () => {
    const raw = await startRawHttp(
      "HTTP/1.1 204 No Content\r\ncontent-length: 5000000\r\nconnection: close\r\n\r\n",
    );
    closers.push(raw.close);
    const client = createPicketClient({ secretKey: "sk_raw", baseUrl: raw.baseUrl });
    expect((await apiError(() => client.nonce(nonceRequest))).code).toBe("response_too_large");
  });

  it("leaves no listener on the caller's signal once the call is over", async () => {
    const controller = new AbortController();
    await picket.nonce(nonceRequest, { signal: controller.signal });
    standIn.setHandler(() => error(500, "internal_error", "boom"));
    await apiError(() => picket.nonce(nonceRequest, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("says the call was aborted, with a string reason scrubbed as the cause", async () => {
    const client = createPicketClient({ secretKey: "sk_abort_key", baseUrl: standIn.baseUrl });
    standIn.setHandler(() => "hang");
    const controller = new AbortController();
    const pending = apiError(() => client.nonce(nonceRequest, { signal: controller.signal }));
    setTimeout(() => controller.abort("gave up on sk_abort_key"), 10);
    const failure = await pending;
    expect(failure).toMatchObject({ code: "aborted", msg: "The call was aborted" });
    expect(failure.message).toBe("POST /auth/nonce failed: The call was aborted");
    expect(failure.cause).toBe("gave up on [redacted]");
  });

  it("reports a network failure without a system code, or a fetch that rejects with nothing", async () => {
    for (const thrown of [new TypeError("fetch failed"), null, undefined, "offline"]) {
      const client = createPicketClient({
        secretKey: "sk_a",
        async fetch() {
          throw thrown;
        },
      });
      const failure = await apiError(() => client.nonce(nonceRequest));
      expect(failure.code).toBe("network_error");
      expect(failure.msg).toBe("Picket could not be reached");
    }
  });

  it("does not report a per-call option refused inside the call as an API failure", async () => {
    const events: PicketClientEvent[] = [];
    const client = createPicketClient({
      secretKey: standIn.secretKey,
      baseUrl: standIn.baseUrl,
      onEvent: (event) => events.push(event),
    });
    await expect(client.nonce(nonceRequest, { timeout: 0 })).rejects.toThrow(
      new TypeError("options.timeout must be more than 0 milliseconds"),
    );
    expect(events).toEqual([]);
    expect(standIn.requests).toHaveLength(0);
  });

  it("gives an answer without a cause no cause property, and a failed call its cause", async () => {
    standIn.setHandler(() => error(429, "rate_limited", "slow down"));
    const answered = await apiError(() => picket.nonce(nonceRequest));
    expect(Object.hasOwn(answered, "cause")).toBe(false);
    standIn.setHandler(() => "hang");
    const timedOut = await apiError(() => picket.nonce(nonceRequest, { timeout: 30 }));
    expect(Object.hasOwn(timedOut, "cause")).toBe(true);
  });

  it("recognizes a PicketApiError only with a number status and a text msg", () => {
    expect(isPicketApiError({ name: "PicketApiError", status: 0, msg: "" })).toBe(true);
    expect(isPicketApiError({ name: "PicketApiError", msg: "no status" })).toBe(false);
    expect(isPicketApiError({ name: "PicketApiError", status: "500", msg: "x" })).toBe(false);
    expect(isPicketApiError({ name: "PicketApiError", status: 500 })).toBe(false);
    expect(isPicketApiError({ name: "Error", status: 500, msg: "x" })).toBe(false);
    expect(isPicketApiError("PicketApiError")).toBe(false);
    // A function is no error, whatever properties it carries.
    const lookalike = Object.assign(() => undefined, { status: 500, msg: "x" });
    Object.defineProperty(lookalike, "name", { value: "PicketApiError" });
    expect(isPicketApiError(lookalike)).toBe(false);
  });
});
