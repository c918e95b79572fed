/**
 * The loopback server one suite run talks to, in the Node parent: a key set that gains a second
 * key after its first answer (for the unknown-`kid` refetch), a key-set endpoint that answers
 * 503, a port where nothing listens, and a stand-in for Picket's nonce call.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { deadJwksUri, respond, startJwksServer } from "../helpers/jwks-server.js";
import type { MintedFixtures, SuiteFixtures } from "./mint-fixtures.js";

/** A running server and the fixtures that point at it. */
export interface SuiteServer {
  readonly fixtures: SuiteFixtures;
  /** How many requests reached this path. */
  requests(path: string): number;
  close(): Promise<void>;
}

export const ROTATING_PATH = "/rotating/jwks.json";
export const UNAVAILABLE_PATH = "/unavailable/jwks.json";
export const NONCE_PATH = "/picket-api/auth/nonce";
const SECRET_KEY = "sk_runtime_suite";
/** The nonce the stand-in hands out to a client with the right secret key. */
export const NONCE = "runtime-suite-nonce";

export async function startSuiteServer(minted: MintedFixtures): Promise<SuiteServer> {
  const { keysBefore, keysAfter, before, after } = minted.rotation;
  let rotatingAnswers = 0;
  const server = await startJwksServer((request, response) => {
    if (request.url === ROTATING_PATH) {
      rotatingAnswers += 1;
      respond.json(rotatingAnswers === 1 ? keysBefore : keysAfter)(request, response);
    } else if (request.url === NONCE_PATH && request.method === "POST") {
      answerNonce(request, response);
    } else {
      respond.status(request.url === UNAVAILABLE_PATH ? 503 : 404)(request, response);
    }
  });
  const { rotation: _keys, ...rest } = minted;
  return {
    fixtures: {
      ...rest,
      rotation: { before, after, jwksUri: `${server.origin}${ROTATING_PATH}` },
      unavailableJwksUri: `${server.origin}${UNAVAILABLE_PATH}`,
      refusedJwksUri: await deadJwksUri(),
      picketApi: { baseUrl: `${server.origin}/picket-api`, secretKey: SECRET_KEY },
    },
    requests: (path) => server.paths.filter((seen) => seen === path).length,
    close: () => server.close(),
  };
}

/** Picket's Basic scheme: the secret key as the user name, an empty password. */
function answerNonce(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  const expected = `Basic ${Buffer.from(`${SECRET_KEY}:`).toString("base64")}`;
  if (request.headers.authorization === expected) {
    respond.json({ nonce: NONCE, statement: "Sign in", format: "siwe" })(request, response);
    return;
  }
  response
    .writeHead(401, { "content-type": "application/json" })
    .end(JSON.stringify({ code: "api_key_invalid", msg: "Invalid API key" }));
}
