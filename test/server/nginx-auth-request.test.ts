/**
 * The service behind a real nginx, as `auth_request` uses it: nginx (Debian's nginx-light) runs
 * as a child process with a generated configuration in a temporary prefix, on a free loopback
 * port, in front of a static file and of an upstream that echoes the headers it receives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";
import { CONTRACT, type StartedService, startService } from "./start-service.js";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));
const STATIC_TEXT = "members only\n";

/**
 * nginx's configuration: `auth_request` to the service (nginx passes a 401's `WWW-Authenticate`
 * on by itself). One process, running as this user: no worker switching to `nobody`, who could
 * not read the temporary directory.
 */
function nginxConfig(dir: string, port: number, service: string, upstream: string): string {
  const authLocation = (name: string, path: string) => `
    location = ${name} {
      internal;
      proxy_pass ${service}${path};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
    }`;
  const guarded = (auth: string) => `
      auth_request ${auth};
      auth_request_set $picket_wallet $upstream_http_x_picket_wallet;`;
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    ${authLocation("/_picket", "/forward-auth")}
    ${authLocation("/_picket_holders", "/forward-auth/holders")}
    location /static/ {
      ${guarded("/_picket")}
      alias ${dir}/static/;
    }
    location /gold/ {
      ${guarded("/_picket_holders")}
      alias ${dir}/static/;
    }
    location /app/ {
      ${guarded("/_picket")}
      proxy_set_header X-Picket-Wallet $picket_wallet;
      proxy_pass ${upstream};
    }
  }
}
`;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Waits (a bounded number of tries) until nginx answers; fails with its error log otherwise. */
async function untilAnswering(
  origin: string,
  nginx: ChildProcess,
  errorLog: string,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (nginx.exitCode !== null) break;
    try {
      await fetch(`${origin}/`);
      return;
    } catch {
      await delay(50);
    }
  }
  throw new Error(`nginx did not start: ${await readFile(errorLog, "utf8").catch(() => "")}`);
}

const skip = NGINX === undefined && process.env.CI !== "true";
if (skip)
  console.warn("skipped: nginx auth_request tests need nginx (apt-get install nginx-light)");

describe.skipIf(skip)("nginx auth_request", () => {
  let dir: string;
  let service: StartedService;
  let upstream: Server;
  let nginx: ChildProcess;
  let origin: string;

  beforeAll(async () => {
    if (NGINX === undefined)
      throw new Error("nginx is required in CI (apt-get install nginx-light)");
    dir = await mkdtemp(join(tmpdir(), "picket-nginx-"));
    await mkdir(join(dir, "static"));
    await mkdir(join(dir, "tmp"));
    await writeFile(join(dir, "static", "index.txt"), STATIC_TEXT);
    service = await startService();
    upstream = createServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(request.headers));
    });
    const upstreamOrigin = await listenOnLoopback(upstream);
    const port = await freePort();
    const config = join(dir, "nginx.conf");
    await writeFile(config, nginxConfig(dir, port, service.origin, upstreamOrigin));
    const errorLog = join(dir, "error.log");
    nginx = spawn(NGINX, ["-p", dir, "-c", config, "-e", errorLog], { stdio: "ignore" });
    origin = `http://127.0.0.1:${port}`;
    await untilAnswering(origin, nginx, errorLog);
  }, 20_000);

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      nginx.kill("SIGTERM");
      await once(nginx, "exit");
    }
    await Promise.all([
      service?.close(),
      upstream === undefined ? undefined : closeServer(upstream),
    ]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("answers 401 with the Bearer challenge when the request has no token", async () => {
    const answer = await get(`${origin}/static/index.txt`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    expect(answer.text).not.toContain(STATIC_TEXT);
  });

  it("serves the file for a valid token", async () => {
    const answer = await get(`${origin}/static/index.txt`, bearer(service.issuer.sign()));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(STATIC_TEXT);
  });

  it("passes the holder's wallet to the upstream", async () => {
    const answer = await get(`${origin}/app/page`, bearer(service.issuer.sign()));
    expect(answer.status).toBe(200);
    expect(answer.body["x-picket-wallet"]).toBe(service.issuer.walletAddress);
  });

  it("answers 403 when the policy is not met, 200 when it is", async () => {
    const unmet = await get(`${origin}/gold/index.txt`, bearer(service.issuer.sign()));
    expect(unmet.status).toBe(403);
    expect(unmet.text).not.toContain(STATIC_TEXT);
    const holder = service.issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });
    expect((await get(`${origin}/gold/index.txt`, bearer(holder))).status).toBe(200);
  });

  it("answers 401 invalid_token for an expired token", async () => {
    const expired = service.issuer.sign({}, { expiresIn: -30 });
    const answer = await get(`${origin}/static/index.txt`, bearer(expired));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });
});
