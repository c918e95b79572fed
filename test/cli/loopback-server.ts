import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on 127.0.0.1 answering every request with `respond`. */
export interface LoopbackServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** Starts a {@link LoopbackServer} on a free port. */
export async function serveLoopback(
  respond: (res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer((_req, res) => {
    handle.requests += 1;
    respond(res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const handle: LoopbackServer = {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return handle;
}

/** A key-set URL on a loopback port where nothing listens. */
export async function deadUrl(): Promise<string> {
  const server = await serveLoopback((res) => res.end());
  await server.close();
  return server.url;
}

/** Answers with `body` as JSON, or with the given content type. */
export function json(body: unknown, contentType = "application/json") {
  return (res: ServerResponse): void => {
    res.writeHead(200, { "content-type": contentType });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}
