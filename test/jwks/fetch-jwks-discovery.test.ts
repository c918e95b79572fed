import { afterEach, describe, expect, it } from "vitest";
import { discoverJwksUri } from "../../src/jwks/fetch-jwks.js";
import { rejectionOf } from "../helpers/expect-code.js";
import { type JwksTestServer, respond, startJwksServer } from "../helpers/jwks-server.js";

// discoverJwksUri against a real OpenID configuration server on 127.0.0.1.

const CONFIGURATION_PATH = "/.well-known/openid-configuration";
const limits = { fetch: globalThis.fetch, timeout: 5_000, maxBytes: 1_000 };

let server: JwksTestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function configurationServing(document: unknown): Promise<string> {
  server = await startJwksServer(respond.route({ [CONFIGURATION_PATH]: respond.json(document) }));
  return `${server.origin}${CONFIGURATION_PATH}`;
}

describe("discoverJwksUri", () => {
  it("returns the configuration's jwks_uri", async () => {
    const uri = await configurationServing({
      issuer: "https://picketapi.com/api/v1",
      jwks_uri: "https://keys.example/v2/jwks.json",
    });
    await expect(discoverJwksUri(uri, limits)).resolves.toBe("https://keys.example/v2/jwks.json");
    expect(server?.paths).toEqual([CONFIGURATION_PATH]);
  });

  it.each([
    ["no jwks_uri", { issuer: "https://picketapi.com/api/v1" }],
    ["a jwks_uri that is not a string", { jwks_uri: 5 }],
    ["a relative jwks_uri", { jwks_uri: "/jwks.json" }],
    ["a plain-http jwks_uri off loopback", { jwks_uri: "http://keys.example/jwks.json" }],
    ["a document that is not an object", "https://keys.example/jwks.json"],
  ])("refuses %s with ERR_JWKS_INVALID", async (_label, document) => {
    const uri = await configurationServing(document);
    const error = await rejectionOf(() => discoverJwksUri(uri, limits));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The OpenID configuration at ${uri} names no https: jwks_uri`);
  });

  it("holds the document to the JWKS fetch's size limit", async () => {
    server = await startJwksServer(respond.huge(2_000, { chunked: true }));
    const uri = `${server.origin}${CONFIGURATION_PATH}`;
    const error = await rejectionOf(() => discoverJwksUri(uri, limits));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(
      `The OpenID configuration response of ${uri} is larger than maxBytes (1000 bytes)`,
    );
  });

  it("reports a configuration that is not there as unavailable", async () => {
    server = await startJwksServer();
    const uri = `${server.origin}${CONFIGURATION_PATH}`;
    const error = await rejectionOf(() => discoverJwksUri(uri, limits));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The OpenID configuration endpoint ${uri} answered 404`);
  });
});
