/**
 * Side-by-side benchmark: picket-validate against jose, fast-jwt, aws-jwt-verify and
 * jsonwebtoken, every figure also given as a ratio to raw `node:crypto.verify` measured in the
 * same run. Prints a markdown table. Run with `npm run bench`, which builds first: the
 * benchmark measures the compiled package, as users run it.
 */
import { execFileSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JwtVerifier } from "aws-jwt-verify";
import { createVerifier } from "fast-jwt";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import { createValidator, PICKET_ISSUER, type Requirements } from "../dist/index.js";
import { createTestIssuer } from "../dist/testing/index.js";
import {
  type Contender,
  cpuClock,
  measure,
  median,
  percentile,
  type Rounds,
  wallClock,
} from "./measure.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);
const POOL = Number(process.env.BENCH_POOL ?? 40_000);
/** `BENCH_CLOCK=cpu` times the sequential scenarios in CPU time, for a machine shared with other work. */
const CPU = process.env.BENCH_CLOCK === "cpu";
const SEQUENTIAL_CLOCK = CPU ? cpuClock : wallClock;
const PROJECT = "6f1d0a2c-4b8e-4c47-9d1e-2f5a7b9c3e10";
const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const REQUIREMENTS: Requirements = { contractAddress: CONTRACT, minTokenBalance: "1" };

const issuer = createTestIssuer({ projectId: PROJECT, kid: "picket-1" });
const others = [createTestIssuer({ kid: "other-1" }), createTestIssuer({ kid: "other-2" })];
const pem = createPublicKey({ key: issuer.jwks.keys[0] as never, format: "jwk" })
  .export({ format: "pem", type: "spki" })
  .toString();
const keyObject = createPublicKey(pem);
const jwks = issuer.jwks;
const threeKeys: JSONWebKeySet = {
  keys: [...others.flatMap((o) => o.jwks.keys), ...issuer.jwks.keys].map(
    ({ kid: _, ...key }) => key,
  ),
};

function mint(index: number, header?: Record<string, unknown>): string {
  return issuer.sign(
    {
      email: "holder@example.com",
      displayAddress: "vitalik.eth",
      contractAddress: CONTRACT,
      tokenBalance: "2.5",
      tokenBalances: { contractAddress: { [CONTRACT]: "2.5" } },
      tid: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    },
    { expiresIn: 12 * 3600, ...(header === undefined ? {} : { header }) },
  );
}

process.stderr.write(`minting ${POOL} tokens…\n`);
const pool = Array.from({ length: POOL }, (_, i) => mint(i));
const noKidPool = Array.from({ length: POOL / 2 }, (_, i) => mint(i, { kid: undefined }));
/**
 * A token source of its own: every contender with a token cache walks the pool on its own, so
 * that a "new token" is new to it (the pool is far larger than the cache).
 */
const cursor = (tokens: readonly string[]) => {
  let index = 0;
  return (): string => tokens[index++ % tokens.length] as string;
};
const next = cursor(pool);
const repeated = pool[0] as string;

// The floor: raw verification of one pre-decoded token.
const [h, p, s] = repeated.split(".") as [string, string, string];
const data = Buffer.from(`${h}.${p}`);
const signature = Buffer.from(s, "base64url");
const floorKey = { key: keyObject, dsaEncoding: "ieee-p1363" as const };
const floor: Contender = {
  name: "node:crypto.verify (floor)",
  run(n) {
    for (let i = 0; i < n; i += 1)
      if (!verify("sha256", data, floorKey, signature)) throw new Error();
  },
};

/** A new token cut into what `crypto.verify` needs, its payload parsed: no check but the signature. */
function minimalParts(token: string): { signed: Buffer; signature: Buffer } {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  const payload: unknown = JSON.parse(
    Buffer.from(token.slice(first + 1, second), "base64url").toString(),
  );
  if (typeof payload !== "object") throw new Error();
  return {
    signed: Buffer.from(token.slice(0, second), "latin1"),
    signature: Buffer.from(token.slice(second + 1), "base64url"),
  };
}

/**
 * The second floor: the least any JWT library must do per new token (split it, decode payload
 * and signature from base64url, parse the payload's JSON, verify), with no claim checked.
 */
const MINIMAL = "minimal JWT work (split, decode, JSON.parse, crypto.verify)";
function minimalWork(tokens: () => string): Contender {
  return {
    name: MINIMAL,
    run(n) {
      for (let i = 0; i < n; i += 1) {
        const parts = minimalParts(tokens());
        if (!verify("sha256", parts.signed, floorKey, parts.signature)) throw new Error();
      }
    },
  };
}

/** Events are counted, as a metrics hook would, so that emitting them is measured. */
let eventsSeen = 0;
const countEvent = (): void => {
  eventsSeen += 1;
};

/** A fresh validator of ours, keys loaded, so that no two contenders share a token cache. */
async function ours(options: { threeKeys?: boolean; tokenCache?: false; events?: true } = {}) {
  const validator = createValidator({
    projectId: PROJECT,
    jwks: options.threeKeys === true ? threeKeys : jwks,
    ...(options.tokenCache === false ? { tokenCache: false as const } : {}),
    ...(options.events === true ? { onEvent: countEvent } : {}),
  });
  await validator.ready();
  return validator;
}
const [seqAsync, seqSync, seqNoCache, parallel, repeatAsync, repeatSync, noKid, concurrent] =
  await Promise.all([
    ours(),
    ours(),
    ours({ tokenCache: false }),
    ours(),
    ours(),
    ours(),
    ours({ threeKeys: true }),
    ours(),
  ]);
const [seqAsyncEvents, seqSyncEvents, kidSeq, gated] = await Promise.all([
  ours({ events: true }),
  ours({ events: true }),
  ours(),
  ours({ tokenCache: false }),
]);

// Token gating on 10,000 mint IDs, against tokens of about 8 KB holding 100 mint balances.
const MINTS = Array.from({ length: 10_000 }, (_, i) => `Mint${String(i).padStart(40, "0")}`);
// Frozen, as the adapters hold a route's requirements: the memo then needs no comparison.
const GATE_10K: Requirements = Object.freeze({
  chain: "solana",
  tokenIds: Object.freeze([...MINTS]),
  minTokenBalance: 1,
});
const heldMints = (i: number) =>
  Object.fromEntries(
    MINTS.slice((i * 97) % 9_900, ((i * 97) % 9_900) + 100).map((m) => [m, "0.01"]),
  );
const gatedPool = Array.from({ length: 2_000 }, (_, i) =>
  issuer.sign(
    { chain: "solana", tokenBalances: { tokenIds: heldMints(i) } },
    { expiresIn: 12 * 3600 },
  ),
);
process.stderr.write(`gated tokens: ${(gatedPool[0] as string).length} bytes\n`);
const fastJwt = createVerifier({
  key: pem,
  algorithms: ["ES256"],
  allowedIss: PICKET_ISSUER,
  allowedAud: PROJECT,
});
const fastJwtCached = createVerifier({
  key: pem,
  algorithms: ["ES256"],
  allowedIss: PICKET_ISSUER,
  allowedAud: PROJECT,
  cache: true,
});
const aws = JwtVerifier.create({
  issuer: PICKET_ISSUER,
  audience: PROJECT,
  jwksUri: "https://picketapi.com/jwks.json",
});
aws.cacheJwks(jwks as never);
const joseSet = createLocalJWKSet(jwks);
const joseThreeKeys = createLocalJWKSet(threeKeys);
const joseOptions = { issuer: PICKET_ISSUER, audience: PROJECT, algorithms: ["ES256"] };

/** jose's documented way to verify against several candidate keys: iterate the error. */
async function joseTryEachKey(token: string) {
  try {
    return await jwtVerify(token, joseThreeKeys, joseOptions);
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw error;
    for await (const key of error as AsyncIterable<CryptoKey>) {
      try {
        return await jwtVerify(token, key, joseOptions);
      } catch {
        // Not this key: try the next one.
      }
    }
    throw error;
  }
}

async function sequential(run: (token: string) => unknown, tokens: () => string) {
  return async (n: number) => {
    for (let i = 0; i < n; i += 1) await run(tokens());
  };
}
function sync(run: (token: string) => unknown, tokens: () => string) {
  return (n: number) => {
    for (let i = 0; i < n; i += 1) run(tokens());
  };
}
function inFlight(run: (token: string) => Promise<unknown>, width: number, tokens = next) {
  return async (n: number) => {
    for (let done = 0; done < n; done += width) {
      await Promise.all(Array.from({ length: Math.min(width, n - done) }, () => run(tokens())));
    }
  };
}
const floorAsync = (n: number) =>
  inFlight(
    () =>
      new Promise<void>((resolve, reject) =>
        verify("sha256", data, floorKey, signature, (e, ok) => (e || !ok ? reject(e) : resolve())),
      ),
    64,
  )(n);
/** The minimal work, its `crypto.verify` on the thread pool, 64 in flight. */
const MINIMAL_POOL = "minimal JWT work, crypto.verify callback, 64 in flight";
const minimalOnPool = inFlight(
  (token) =>
    new Promise<void>((resolve, reject) => {
      const parts = minimalParts(token);
      verify("sha256", parts.signed, floorKey, parts.signature, (e, ok) =>
        e || !ok ? reject(e) : resolve(),
      );
    }),
  64,
  cursor(pool),
);

/** A scenario's rows; each is also divided, round by round, by the `reference` row. */
interface Scenario {
  title: string;
  reference: string;
  contenders: Contender[];
  /** Wall time for calls in flight, which are about using idle cores. */
  clock?: () => number;
}

const scenarios: Scenario[] = [
  {
    title: "Sequential, new token each time (ours with requirements)",
    reference: MINIMAL,
    contenders: [
      floor,
      minimalWork(cursor(pool)),
      {
        name: "picket-validate validate()",
        run: await sequential((t) => seqAsync.validate(t, REQUIREMENTS), cursor(pool)),
      },
      {
        name: "picket-validate validateSync()",
        run: sync((t) => seqSync.validateSync(t, REQUIREMENTS), cursor(pool)),
      },
      {
        name: "picket-validate validateSync(), tokenCache: false",
        run: sync((t) => seqNoCache.validateSync(t, REQUIREMENTS), cursor(pool)),
      },
      {
        name: "picket-validate validate(), onEvent set",
        run: await sequential((t) => seqAsyncEvents.validate(t, REQUIREMENTS), cursor(pool)),
      },
      {
        name: "picket-validate validateSync(), onEvent set",
        run: sync((t) => seqSyncEvents.validateSync(t, REQUIREMENTS), cursor(pool)),
      },
      { name: "fast-jwt", run: sync(fastJwt, next) },
      { name: "aws-jwt-verify verifySync", run: sync((t) => aws.verifySync(t), next) },
      {
        name: "jsonwebtoken (KeyObject)",
        run: sync(
          (t) =>
            jsonwebtoken.verify(t, keyObject, {
              algorithms: ["ES256"],
              issuer: PICKET_ISSUER,
              audience: PROJECT,
            }),
          next,
        ),
      },
      {
        name: "jose jwtVerify (local JWKS)",
        run: await sequential((t) => jwtVerify(t, joseSet, joseOptions), next),
      },
    ],
  },
  {
    title: "64 in flight (new tokens, wall time)",
    reference: MINIMAL_POOL,
    clock: wallClock,
    contenders: [
      floor,
      { name: "node:crypto.verify callback, 64 in flight", run: floorAsync },
      { name: MINIMAL_POOL, run: minimalOnPool },
      {
        name: "picket-validate validate()",
        run: inFlight((t) => parallel.validate(t, REQUIREMENTS), 64, cursor(pool)),
      },
      {
        name: "jose jwtVerify (local JWKS)",
        run: inFlight((t) => jwtVerify(t, joseSet, joseOptions), 64),
      },
    ],
  },
  {
    title: "Same token repeated",
    reference: "fast-jwt (cache: true)",
    contenders: [
      floor,
      {
        name: "picket-validate validate()",
        run: await sequential(
          (t) => repeatAsync.validate(t, REQUIREMENTS),
          () => repeated,
        ),
      },
      {
        name: "picket-validate validateSync()",
        run: sync(
          (t) => repeatSync.validateSync(t, REQUIREMENTS),
          () => repeated,
        ),
      },
      { name: "fast-jwt (cache: true)", run: sync(fastJwtCached, () => repeated) },
    ],
  },
  {
    title: "Token without kid, 3 keys in the set (signing key last)",
    reference: MINIMAL,
    contenders: [
      floor,
      minimalWork(cursor(noKidPool)),
      {
        name: "picket-validate validate(), token with kid (for comparison)",
        run: await sequential((t) => kidSeq.validate(t, REQUIREMENTS), cursor(pool)),
      },
      {
        name: "picket-validate validate()",
        run: await sequential((t) => noKid.validate(t, REQUIREMENTS), cursor(noKidPool)),
      },
      {
        name: "jose jwtVerify (local JWKS)",
        run: await sequential(joseTryEachKey, cursor(noKidPool)),
      },
    ],
  },
];

scenarios.push({
  title: `Solana gate on 10,000 mint IDs, ${(gatedPool[0] as string).length}-byte tokens holding 100 (tokenCache: false)`,
  reference: MINIMAL,
  contenders: [
    floor,
    minimalWork(cursor(gatedPool)),
    {
      name: "picket-validate validateSync() with the 10,000-ID gate",
      run: sync((t) => gated.validateSync(t, GATE_10K), cursor(gatedPool)),
    },
  ],
});

/** `rounds` divided by `by`, round by round (rows are interleaved: round i of each ran together). */
function ratios(rounds: readonly number[], by: readonly number[]): number[] {
  return rounds.map((ops, i) => ops / (by[i] ?? Number.NaN));
}

/** A ratio's median and its spread over the rounds. */
function spread(values: readonly number[]): string {
  const f = (n: number) => n.toFixed(2);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

function table(scenario: Scenario, results: Rounds): string {
  const floorRounds = results.get(floor.name) ?? [];
  const reference = results.get(scenario.reference) ?? [];
  const lines = [
    `### ${scenario.title}`,
    "",
    `| implementation | ops/s (median) | min – max | × ${scenario.reference} | × floor |`,
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const [name, rounds] of results) {
    lines.push(
      `| ${name} | ${fmt(median(rounds))} | ${fmt(Math.min(...rounds))} – ${fmt(Math.max(...rounds))} | ${spread(ratios(rounds, reference))} | ${spread(ratios(rounds, floorRounds))} |`,
    );
  }
  return lines.join("\n");
}
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

async function latency(
  name: string,
  run: (t: string) => Promise<unknown>,
  tokens: () => string,
): Promise<string> {
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        run(tokens()).then(() => latencies.push(performance.now() - start)),
      ),
    );
    if (round === 0) continue;
    p50s.push(percentile(latencies, 50));
    p99s.push(percentile(latencies, 99));
  }
  return `| ${name} | ${median(p50s).toFixed(1)} ms | ${median(p99s).toFixed(1)} ms |`;
}

/** Milliseconds from process start until the script printed, in a fresh Node process. */
function freshProcess(script: string, args: readonly string[]): number {
  return Number(execFileSync(process.execPath, [script, ...args]).toString());
}

function coldStart(): string {
  const dir = mkdtempSync(join(tmpdir(), "picket-bench-"));
  const file = join(dir, "jwks.json");
  writeFileSync(file, JSON.stringify(jwks));
  const empty = join(dir, "empty.mjs");
  writeFileSync(empty, 'process.stdout.write(performance.now().toFixed(2) + "\\n");\n');
  const script = new URL("cold-start.mjs", import.meta.url).pathname;
  const ours: number[] = [];
  const baseline: number[] = [];
  // Interleaved, so that the machine's noise hits both alike.
  for (let i = 0; i < 11; i += 1) {
    baseline.push(freshProcess(empty, []));
    ours.push(freshProcess(script, [file, PROJECT, repeated]));
  }
  const extra = ours.map((ms, i) => ms - (baseline[i] as number));
  return `Cold start (fresh process: import the package, load a JWKS object, validate one token): **${median(extra).toFixed(1)} ms** over a fresh process running an empty ES module (median of 11 interleaved pairs, spread ${Math.min(...extra).toFixed(1)} – ${Math.max(...extra).toFixed(1)} ms; ours ${median(ours).toFixed(1)} ms, empty module ${median(baseline).toFixed(1)} ms after process start).`;
}

const out: string[] = [
  `## picket-validate benchmark`,
  "",
  `Node ${process.version}, ${CPU ? "CPU" : "wall"} time, ${ROUNDS} rounds of ${ROUND_MS} ms per contender after a warm-up round, contenders interleaved; each ratio is taken round by round against a row of the same round, given as the median (min–max over rounds): against the scenario's reference row, and against raw \`crypto.verify\` (ES256, pre-decoded input, the floor).`,
  "",
];
for (const scenario of scenarios) {
  process.stderr.write(`${scenario.title}…\n`);
  out.push(
    table(
      scenario,
      await measure(scenario.contenders, {
        rounds: ROUNDS,
        roundMs: ROUND_MS,
        clock: scenario.clock ?? SEQUENTIAL_CLOCK,
      }),
    ),
    "",
  );
}
process.stderr.write("1,000 concurrent validations…\n");
out.push(
  "### 1,000 concurrent validations (time until each resolves)",
  "",
  "| implementation | p50 | p99 |",
  "| --- | ---: | ---: |",
  await latency(
    "picket-validate validate()",
    (t) => concurrent.validate(t, REQUIREMENTS),
    cursor(pool),
  ),
  await latency("jose jwtVerify (local JWKS)", (t) => jwtVerify(t, joseSet, joseOptions), next),
  "",
);
process.stderr.write("cold start…\n");
out.push(coldStart(), "");
out.push(
  `(${eventsSeen.toLocaleString("en-US")} validation events counted by the onEvent contenders.)`,
  "",
);
console.log(out.join("\n"));
