import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A JWKS server on 127.0.0.1, for tests. */
export interface JwksServer {
  /** The URL of the key set, `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  jwksUri: string;
  /** How many requests the server has answered. */
  readonly requests: number;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

/**
 * Serves a key set over real HTTP on a free loopback port. `getJwks` is read on every request,
 * so a rotated key set is served at once.
 */
export async function serveJwks(getJwks: () => unknown): Promise<JwksServer> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (request.url !== "/.well-known/jwks.json") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=600" });
    response.end(JSON.stringify(getJwks()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
