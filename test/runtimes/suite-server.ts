/**
 * The loopback JWKS server one suite run talks to, in the Node parent: a key set that gains a
 * second key after its first answer (for the unknown-`kid` refetch), an endpoint that answers
 * 503, and a port where nothing listens.
 */
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

export async function startSuiteServer(minted: MintedFixtures): Promise<SuiteServer> {
  const { keysBefore, keysAfter, before, after } = minted.rotation;
  let rotatingAnswers = 0;
  const server = await startJwksServer((request, response) => {
    if (request.url === ROTATING_PATH) {
      rotatingAnswers += 1;
      respond.json(rotatingAnswers === 1 ? keysBefore : keysAfter)(request, response);
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
    },
    requests: (path) => server.paths.filter((seen) => seen === path).length,
    close: () => server.close(),
  };
}
