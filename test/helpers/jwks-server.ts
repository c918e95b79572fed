import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONWebKeySet } from "jose";

/** Answers one request to the test server. */
export type JwksHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The path the key set is served at; {@link JwksTestServer.url} points here. */
export const JWKS_PATH = "/.well-known/jwks.json";

/** A controllable JWKS server on 127.0.0.1, for tests. */
export interface JwksTestServer {
  /** The URL of the key set: `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`, for building other URLs on the same server. */
  readonly origin: string;
  /** How many requests reached the server, whatever their path. */
  readonly requests: number;
  /** The path of every request, in order. */
  readonly paths: readonly string[];
  /** Replaces the handler; later requests use the new one. */
  setHandler(handler: JwksHandler): void;
  /** Stops listening (connection refused from now on) but keeps the port for {@link restart}. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  restart(): Promise<void>;
  /** Stops the server for good and closes every connection, hanging ones included. */
  close(): Promise<void>;
}

/**
 * Starts a {@link JwksTestServer} on a free loopback port. Without a handler, every request
 * answers `404`.
 */
export async function startJwksServer(
  handler: JwksHandler = respond.status(404),
): Promise<JwksTestServer> {
  let current = handler;
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? "");
    current(request, response);
  });
  // A client that gives up mid-response (size limit, timeout) must not crash the test run.
  server.on("clientError", (_error, socket) => socket.destroy());
  let listening = false;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      if (!listening) {
        resolve();
        return;
      }
      listening = false;
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${JWKS_PATH}`,
    origin,
    get requests() {
      return paths.length;
    },
    paths,
    setHandler(next) {
      current = next;
    },
    stop,
    restart: () => (listening ? Promise.resolve() : listen(port)),
    close: stop,
  };
}

/**
 * The key-set URL of a loopback port that nothing listens on (a server started, then closed):
 * every connection to it is refused.
 */
export async function deadJwksUri(): Promise<string> {
  const dead = await startJwksServer();
  await dead.close();
  return dead.url;
}

/** Ready-made {@link JwksHandler}s. */
export const respond = {
  /** `200` with this key set as JSON; a function is called on every request (rotation). */
  jwks(jwks: JSONWebKeySet | (() => JSONWebKeySet)): JwksHandler {
    return (request, response) => {
      respond.json(typeof jwks === "function" ? jwks() : jwks)(request, response);
    };
  },
  /** `200` with any value as `application/json`. */
  json(value: unknown): JwksHandler {
    return respond.text(JSON.stringify(value), "application/json");
  },
  /** This status with a short plain-text body. */
  status(code: number): JwksHandler {
    return (_request, response) => {
      response.writeHead(code, { "content-type": "text/plain" }).end(`status ${code}`);
    };
  },
  /** `200` with this exact body and content type. */
  text(body: string, contentType: string): JwksHandler {
    return (_request, response) => {
      response.writeHead(200, { "content-type": contentType }).end(body);
    };
  },
  /** `200` with an HTML page, as a captive portal or a misrouted proxy would send. */
  html(): JwksHandler {
    return respond.text(
      "<!doctype html><html><body>Sign in to the Wi-Fi</body></html>",
      "text/html; charset=utf-8",
    );
  },
  /**
   * `200` JSON of `bytes` bytes: with a `content-length`, or chunked (no length) in 1 KiB writes.
   * With `chunked` and `hangAfter`, the response stays open after the bytes, never finishing.
   */
  huge(bytes: number, options: { chunked?: boolean; hangAfter?: boolean } = {}): JwksHandler {
    const body = `{"keys":[],"pad":"${"x".repeat(Math.max(0, bytes - 20))}"}`;
    return (_request, response) => {
      if (!options.chunked) {
        response.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        });
        response.end(body);
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      for (let offset = 0; offset < body.length; offset += 1024) {
        response.write(body.slice(offset, offset + 1024));
      }
      if (!options.hangAfter) response.end();
    };
  },
  /** A redirect to `location`. */
  redirect(location: string, code = 302): JwksHandler {
    return (_request, response) => {
      response.writeHead(code, { location }).end();
    };
  },
  /** Never answers: the request stays open until the client gives up or the server closes. */
  hang(): JwksHandler {
    return () => undefined;
  },
  /** Routes by request path; other paths answer `404`. */
  route(routes: Record<string, JwksHandler>): JwksHandler {
    return (request, response) => {
      const handler = routes[request.url ?? ""] ?? respond.status(404);
      handler(request, response);
    };
  },
};
