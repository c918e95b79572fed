import { describe, expect, it } from "vitest";
import { fetchJwks } from "../../src/jwks/fetch-jwks.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";
import { jsonResponse, stubFetch } from "../helpers/fetch-stub.js";

// The "endpoint" here is a fetch stub returning hand-made Responses: every edge of the response
// (status, content type, length, a body that breaks off) is under the test's control.

const URI = "https://keys.example/.well-known/jwks.json";
const issuer = createTestIssuer({ kid: "k1" });
const jwksText = JSON.stringify(issuer.jwks);
const limits = {
  fetch: stubFetch(() => new Response("{}")).fetch,
  timeout: 5_000,
  maxBytes: 1_000,
};

function streamOf(chunks: Uint8Array[], fail = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (fail) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
}

describe("fetchJwks", () => {
  it("asks for JSON, refuses redirects, and passes a signal it never aborts after success", async () => {
    const { fetch, requests } = stubFetch(() => jsonResponse(jwksText));
    await expect(fetchJwks(URI, { ...limits, fetch, timeout: 30 })).resolves.toEqual(issuer.jwks);
    expect(requests).toHaveLength(1);
    const init = requests[0]?.init;
    expect(new Headers(init?.headers).get("accept")).toBe(
      "application/json, application/jwk-set+json",
    );
    expect(init?.redirect).toBe("manual");
    // The timer is cleared once the key set is read: the signal stays quiet past the timeout.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(init?.signal?.aborted).toBe(false);
  });

  it.each([
    [302, `The JWKS endpoint ${URI} answered 302 (redirects are not followed)`],
    [300, `The JWKS endpoint ${URI} answered 300 (redirects are not followed)`],
    [399, `The JWKS endpoint ${URI} answered 399 (redirects are not followed)`],
    [400, `The JWKS endpoint ${URI} answered 400`],
    [404, `The JWKS endpoint ${URI} answered 404`],
    [204, `The JWKS endpoint ${URI} answered 204`],
    [503, `The JWKS endpoint ${URI} answered 503`],
  ])("answers %i with ERR_JWKS_UNAVAILABLE: %s", async (status, message) => {
    const { fetch } = stubFetch(() => new Response(null, { status }));
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(message);
  });

  it("refuses a body that is not JSON by its content type, even without a body", async () => {
    const { fetch } = stubFetch(
      () => new Response(null, { status: 200, headers: { "content-type": "text/html" } }),
    );
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is text/html, not JSON`);
  });

  it("accepts a response without a content type, and JSON subtypes", async () => {
    for (const response of [
      () => new Response(Buffer.from(jwksText)),
      () => jsonResponse(jwksText, { "content-type": "application/jwk-set+json; charset=utf-8" }),
    ]) {
      const { fetch } = stubFetch(response);
      await expect(fetchJwks(URI, { ...limits, fetch })).resolves.toEqual(issuer.jwks);
    }
  });

  it("takes a body of exactly maxBytes, declared or streamed, and refuses one byte more", async () => {
    const body = `{"keys":[],"pad":"${"x".repeat(100 - 20)}"}`;
    expect(Buffer.byteLength(body)).toBe(100);
    const declared = stubFetch(() => jsonResponse(body, { "content-length": "100" }));
    await expect(
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: declared.fetch }),
    ).resolves.toEqual(JSON.parse(body));
    const streamed = stubFetch(() => new Response(streamOf([Buffer.from(body)])));
    await expect(
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: streamed.fetch }),
    ).resolves.toEqual(JSON.parse(body));
    const over = stubFetch(() => new Response(streamOf([Buffer.from(body), Buffer.from(" ")])));
    const error = await rejectionOf(() =>
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: over.fetch }),
    );
    expect(error.message).toBe(`The JWKS response of ${URI} is larger than maxBytes (100 bytes)`);
  });

  it("decodes UTF-8 split across chunks", async () => {
    const body = Buffer.from('{"keys":[],"note":"clé ключ 鍵 🔑"}');
    const chunks = Array.from(body, (byte) => Uint8Array.of(byte));
    const { fetch } = stubFetch(() => new Response(streamOf(chunks)));
    await expect(fetchJwks(URI, { ...limits, fetch })).resolves.toEqual({
      keys: [],
      note: "clé ключ 鍵 🔑",
    });
  });

  it("refuses a declared length over maxBytes even when the body is absent", async () => {
    const { fetch } = stubFetch(
      () => new Response(null, { status: 200, headers: { "content-length": "5000" } }),
    );
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is larger than maxBytes (1000 bytes)`);
  });

  it("reads an absent body as empty text, which is not JSON", async () => {
    const { fetch } = stubFetch(() => new Response(null, { status: 200 }));
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is not JSON`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("reports a body that breaks off as unavailable", async () => {
    const { fetch } = stubFetch(() => new Response(streamOf([Buffer.from('{"ke')], true)));
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The JWKS response of ${URI} could not be read`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("reports a failed request as unavailable, with its cause", async () => {
    const fetch = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof globalThis.fetch;
    const error = await rejectionOf(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The JWKS at ${URI} could not be fetched`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
