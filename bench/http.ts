/**
 * HTTP-level benchmark: requests per second of `GET /me` through real Fastify 5 and Express 5
 * servers on 127.0.0.1, guarded by picket-validate's adapters, by @fastify/jwt + get-jwks and
 * express-oauth2-jwt-bearer, or not at all, and `GET /forward-auth/holders` of the validation
 * service (`picket-validate serve`) beside them, loaded with autocannon. Each server runs in a child
 * process of its own; contenders are interleaved round by round. Prints markdown tables. Run
 * with `npm run bench:http`, which builds first: the servers use the compiled package.
 */
import { loadavg } from "node:os";
import { createTestIssuer } from "../dist/testing/index.js";
import type { AppName, AppSettings } from "./http-apps.js";
import { type LoadResult, load } from "./http-load.js";
import { type ServerProcess, spawnServer } from "./http-spawn.js";
import { median } from "./measure.js";

const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const WARM_UP_SECONDS = 1;
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
// Far larger than picket-validate's token cache (10,000), so that a new token is never cached.
const POOL = Number(process.env.BENCH_HTTP_POOL ?? 100_000);
const PROJECT = "6f1d0a2c-4b8e-4c47-9d1e-2f5a7b9c3e10";
const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";

/** One route under one kind of load. */
interface Contender {
  table: string;
  name: string;
  app: AppName;
  newTokens: boolean;
  token: () => string;
}

/** Every run of one contender, and what failed in any of them (warm-up included). */
interface Tally {
  runs: LoadResult[];
  failures: LoadResult["failures"];
}

// get-jwks finds a key by `kid` only, so every contender gets tokens that name one.
const issuer = createTestIssuer({ projectId: PROJECT, kid: "picket-1" });
const claims = { tokenBalances: { contractAddress: { [CONTRACT]: "2.5" } } };
const mint = () => issuer.sign(claims, { expiresIn: 12 * 3600 });
const repeated = mint();
const expectBody = JSON.stringify({ walletAddress: issuer.walletAddress });
/** The validation service answers a proxy with headers only. */
const SERVICE_PATH = "/forward-auth/holders";
const routeOf = (app: AppName) =>
  app === "service-forward-auth"
    ? { path: SERVICE_PATH, body: "" }
    : { path: "/me", body: expectBody };

const cursor = (tokens: readonly string[]) => {
  let index = 0;
  return (): string => tokens[index++ % tokens.length] as string;
};

function contenders(pool: readonly string[]): Contender[] {
  const routes: { framework: string; routes: [string, AppName][] }[] = [
    {
      framework: "Fastify 5",
      routes: [
        ["no auth", "fastify-none"],
        ["picket-validate `fastify.picketAuth(requirements)`", "fastify-picket"],
        ["@fastify/jwt + get-jwks (README recipe: PEM per request)", "fastify-jwt"],
        ["@fastify/jwt + get-jwks, PEM kept per key", "fastify-jwt-kept"],
        ["@fastify/jwt + get-jwks, PEM kept, `verify.cache: true`", "fastify-jwt-cached"],
        [
          "validation service `GET /forward-auth/holders` (node:http, same requirement)",
          "service-forward-auth",
        ],
      ],
    },
    {
      framework: "Express 5",
      routes: [
        ["no auth", "express-none"],
        ["picket-validate `picketAuth({ requirements })`", "express-picket"],
        ["express-oauth2-jwt-bearer", "express-oauth2"],
      ],
    },
  ];
  return routes.flatMap(({ framework, routes: named }) =>
    [false, true].flatMap((newTokens) =>
      named
        // A token cache only costs when every token is new: shown for the repeated token only.
        .filter(([, app]) => !(newTokens && app === "fastify-jwt-cached"))
        .map(([name, app]) => ({
          table: `${framework}, ${newTokens ? "a new token every request" : "the same token every request"}`,
          name,
          app,
          newTokens,
          token: newTokens ? cursor(pool) : () => repeated,
        })),
    ),
  );
}

/**
 * Refuses to measure a server that answers wrongly: a valid token passes; no token and a forged
 * one are refused with 401; on picket-validate's routes, a balance under the minimum with 403.
 */
async function check(app: AppName, server: ServerProcess): Promise<void> {
  const status = async (token: string | undefined, expected: number, what: string) => {
    const headers: Record<string, string> =
      token === undefined ? {} : { authorization: `Bearer ${token}` };
    const route = routeOf(app);
    const response = await fetch(`${server.url}${route.path}`, { headers });
    const body = await response.text();
    if (response.status !== expected || (expected === 200 && body !== route.body)) {
      throw new Error(`${app} answered ${what} with ${response.status} ${body}`);
    }
  };
  await status(repeated, 200, "a valid token");
  if (app.endsWith("-none")) return;
  const forger = createTestIssuer({ projectId: PROJECT, kid: "picket-1" });
  await status(undefined, 401, "no token");
  await status(forger.sign(claims), 401, "a forged token");
  if (app.endsWith("-picket") || app === "service-forward-auth") {
    const poor = { tokenBalances: { contractAddress: { [CONTRACT]: "0.5" } } };
    await status(issuer.sign(poor), 403, "a balance under the minimum");
  }
}

async function run(
  all: readonly Contender[],
  servers: ReadonlyMap<AppName, ServerProcess>,
): Promise<Map<Contender, Tally>> {
  const tallies = new Map<Contender, Tally>(
    all.map((c) => [c, { runs: [], failures: { non2xx: 0, errors: 0, mismatches: 0 } }]),
  );
  for (let round = -1; round < ROUNDS; round += 1) {
    process.stderr.write(round < 0 ? "warm-up round…\n" : `round ${round + 1} of ${ROUNDS}…\n`);
    // Each round starts one contender later, so that none always follows the same neighbour.
    for (let i = 0; i < all.length; i += 1) {
      const contender = all[(i + Math.max(round, 0)) % all.length] as Contender;
      const result = await load({
        url: (servers.get(contender.app) as ServerProcess).url,
        token: contender.token,
        newTokens: contender.newTokens,
        expectBody: routeOf(contender.app).body,
        path: routeOf(contender.app).path,
        seconds: round < 0 ? WARM_UP_SECONDS : SECONDS,
        connections: CONNECTIONS,
      });
      const tally = tallies.get(contender) as Tally;
      for (const key of ["non2xx", "errors", "mismatches"] as const) {
        tally.failures[key] += result.failures[key];
      }
      if (round >= 0) tally.runs.push(result);
    }
  }
  return tallies;
}

function tables(tallies: ReadonlyMap<Contender, Tally>): string[] {
  const byTable = new Map<string, [Contender, Tally][]>();
  for (const entry of tallies) {
    byTable.set(entry[0].table, [...(byTable.get(entry[0].table) ?? []), entry]);
  }
  const out: string[] = [];
  for (const [title, rows] of byTable) {
    const base = rows.find(([c]) => c.app.endsWith("-none"))?.[1];
    const baseRps = base === undefined ? Number.NaN : median(base.runs.map((r) => r.rps));
    out.push(
      `### ${title}`,
      "",
      "| route | req/s (median) | min – max | × no auth | p99 latency | failed requests |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const [contender, tally] of rows) {
      const rps = tally.runs.map((r) => r.rps);
      const med = median(rps);
      const { non2xx, errors, mismatches } = tally.failures;
      const failed =
        non2xx + errors + mismatches === 0
          ? "0"
          : `**${non2xx} non-2xx, ${errors} errors, ${mismatches} wrong bodies**`;
      const latency = `${median(tally.runs.map((r) => r.p99Ms))} ms`;
      out.push(
        `| ${contender.name} | ${fmt(med)} | ${fmt(Math.min(...rps))} – ${fmt(Math.max(...rps))} | ${(med / baseRps).toFixed(2)} | ${latency} | ${failed} |`,
      );
    }
    out.push("");
  }
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const load1 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

process.stderr.write(`minting ${POOL.toLocaleString("en-US")} tokens…\n`);
const pool = Array.from({ length: POOL }, mint);
const all = contenders(pool);
const keySet = await issuer.serve();
const settings: AppSettings = {
  jwksUri: keySet.jwksUri,
  projectId: PROJECT,
  contract: CONTRACT,
  wallet: issuer.walletAddress,
};
const servers = new Map<AppName, ServerProcess>();
const loadBefore = load1();
let tallies: Map<Contender, Tally>;
try {
  process.stderr.write("starting servers…\n");
  // One at a time: started together on a busy machine, they can miss their start timeout.
  for (const app of new Set(all.map((c) => c.app)))
    servers.set(app, await spawnServer(app, settings));
  for (const [app, server] of servers) await check(app, server);
  tallies = await run(all, servers);
} finally {
  await Promise.all([...servers.values()].map((server) => server.stop()));
  await keySet.close();
}
const failedAny = [...tallies.values()].some((t) => Object.values(t.failures).some((n) => n > 0));
console.log(
  [
    "## picket-validate HTTP benchmark",
    "",
    `Node ${process.version}; \`GET /me\` answering the verified wallet as JSON, on 127.0.0.1; autocannon with ${CONNECTIONS} connections, pipelining 1, ${ROUNDS} rounds of ${SECONDS} s per contender after a ${WARM_UP_SECONDS} s warm-up, contenders interleaved; every server in its own process, autocannon in this one. Load average (1, 5, 15 min): ${loadBefore} before, ${load1()} after.`,
    "",
    `The validation service's row is \`GET ${SERVICE_PATH}\` of \`picket-validate serve\` (its own process, node:http, answering 200 with headers and no body), as nginx \`auth_request\` or Traefik \`ForwardAuth\` ask it; × no auth compares it with the framework's unguarded route. picket-validate checks the signature, \`iss\`, \`aud\`, \`exp\` and the requirement \`{ contractAddress, minTokenBalance: 1 }\` against the token's balance; the others check the signature, \`iss\`, \`aud\` and \`exp\`. Keys come from a loopback JWKS server; tokens name their key (\`kid\`), which get-jwks needs. New tokens: each route walks its own pool of ${POOL.toLocaleString("en-US")} distinct valid tokens. × no auth: to the unguarded route of the same framework under the same load.`,
    "",
    '@fastify/jwt\'s README recipe returns `getJwks.getPublicKey()` from `secret`, which converts the key to PEM with jwk-to-pem (pure JS, about 6 ms here) on every request; "PEM kept" keeps one PEM per key object get-jwks hands back.',
    "",
    ...tables(tallies),
    failedAny
      ? "**Some requests failed: the figures of the routes marked above do not measure the route.**"
      : "Every request of every run was answered 200 with the expected body.",
  ].join("\n"),
);
if (failedAny) process.exitCode = 1;
