/**
 * The package's behaviour, written once for every runtime: plain ESM that uses only its public
 * API (core, /fetch, /hono on a Hono app, /client), `fetch`, `Request` and `Response`. It
 * observes and reports each case by name with the outcome it saw ("ok", an error code, or another
 * error's name); the Node-side test holds the expectations. Tokens, key sets and the loopback
 * URLs come in as `fixtures`, minted by test/runtimes/mint-fixtures.ts.
 */
import { Hono } from "hono";
import {
  checkRequirements,
  createValidator,
  decodeUnverified,
  isPicketValidationError,
} from "picket-validate";
import { createPicketClient, isPicketApiError } from "picket-validate/client";
import { authenticate, withPicket } from "picket-validate/fetch";
import { picketAuth } from "picket-validate/hono";

/** Past the default 30 s cooldown for tokens with an unknown `kid`. */
const PAST_COOLDOWN_MS = 31_000;
/** Bounds every JWKS fetch of the suite, so that a runtime that hangs fails in time. */
const FETCH_TIMEOUT_MS = 3_000;

/**
 * Runs every case in order and resolves with `{ environment, results }`, never rejecting: a
 * case that throws is reported with what it threw.
 */
export async function runSuite(fixtures) {
  const results = [];
  for (const [name, run] of cases(fixtures)) results.push(await observe(name, run));
  return { environment: describeEnvironment(), results };
}

function cases(fixtures) {
  const { tokens, requirements } = fixtures;
  const offline = createValidator({ projectId: fixtures.projectId, jwks: fixtures.jwks });
  const check = (token, required) => offline.validate(token, required).then(summarize);
  return [
    ["valid token", () => check(tokens.valid)],
    [
      "contractAddress and minTokenBalance met",
      () => check(tokens.evmHolder, requirements.contract),
    ],
    [
      "minTokenBalance short by a fraction",
      () => check(tokens.evmHolder, requirements.contractShort),
    ],
    ["solana tokenIds met", () => check(tokens.solanaHolder, requirements.solanaMints)],
    ["solana tokenIds without balance", () => check(tokens.solanaEmpty, requirements.solanaMints)],
    ["collection met", () => check(tokens.collectionHolder, requirements.collection)],
    ["creatorAddress met", () => check(tokens.creatorHolder, requirements.creator)],
    ["allowedWallets lists the wallet", () => check(tokens.valid, requirements.walletListed)],
    ["allowedWallets lists others only", () => check(tokens.valid, requirements.walletUnlisted)],
    ["chain met", () => check(tokens.valid, requirements.sameChain)],
    ["chain mismatch", () => check(tokens.valid, requirements.otherChain)],
    ["expired", () => check(tokens.expired)],
    ["wrong audience", () => check(tokens.wrongAudience)],
    ["forged signature", () => check(tokens.forged)],
    ["tampered payload", () => check(tokens.tampered)],
    ["malformed token", () => check("not-a-token")],
    ["unknown kid refetch", () => unknownKidRefetch(fixtures)],
    ["jwks endpoint answers 503", () => validateAgainst(fixtures, fixtures.unavailableJwksUri)],
    ["jwks endpoint refuses connections", () => validateAgainst(fixtures, fixtures.refusedJwksUri)],
    ["validateSync", () => validateSync(fixtures)],
    ["checkRequirements", () => pureRequirements(fixtures)],
    ["decodeUnverified", () => decode(fixtures)],
    ["decodeUnverified of a malformed token", () => decodeUnverified("a.b")],
    ["fetch authenticate", () => fetchAuthenticate(fixtures, offline)],
    ["fetch withPicket", () => fetchWithPicket(fixtures, offline)],
    ["hono picketAuth", () => honoPicketAuth(fixtures, offline)],
    ["client nonce", () => clientNonce(fixtures, fixtures.picketApi.secretKey)],
    ["client with a wrong secret key", () => clientNonce(fixtures, "sk_wrong")],
  ];
}

async function observe(name, run) {
  try {
    const detail = await run();
    return { name, outcome: "ok", detail: detail ?? null };
  } catch (error) {
    return { name, ...describeError(error) };
  }
}

function describeError(error) {
  if (isPicketValidationError(error)) {
    return {
      outcome: error.code,
      status: error.status,
      failures: error.failures.map((failure) => `${failure.requirement}:${failure.reason}`),
    };
  }
  if (isPicketApiError(error)) {
    return { outcome: "PicketApiError", status: error.status, code: error.code ?? null };
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { outcome: name, message: String(error?.message ?? error) };
}

function summarize(claims) {
  return {
    chain: claims.chain,
    walletAddress: claims.walletAddress,
    tokenBalance: claims.tokenBalance ?? null,
  };
}

/** A token whose `kid` is not yet known triggers one fetch, but only once the cooldown is over. */
async function unknownKidRefetch({ projectId, rotation }) {
  let now = Date.now();
  const events = [];
  const validator = createValidator({
    projectId,
    jwksUri: rotation.jwksUri,
    clock: () => now,
    jwksCache: { timeout: FETCH_TIMEOUT_MS },
    onEvent: (event) => {
      if (event.type === "jwks_fetch_start") events.push(`fetch:${event.reason}`);
      if (event.type === "jwks_cooldown") events.push("cooldown");
    },
  });
  const before = summarize(await validator.validate(rotation.before));
  const duringCooldown = await validator.validate(rotation.after).then(
    () => "ok",
    (error) => describeError(error).outcome,
  );
  now += PAST_COOLDOWN_MS;
  const after = summarize(await validator.validate(rotation.after));
  return { before, duringCooldown, after, events };
}

function validateAgainst({ projectId, tokens }, jwksUri) {
  const validator = createValidator({
    projectId,
    jwksUri,
    jwksCache: { timeout: FETCH_TIMEOUT_MS },
  });
  return validator.validate(tokens.valid).then(summarize);
}

async function validateSync({ projectId, jwks, tokens }) {
  const validator = createValidator({ projectId, jwks, tokenCache: false });
  await validator.ready();
  return summarize(validator.validateSync(tokens.valid));
}

function pureRequirements({ tokens, requirements }) {
  const { claims } = decodeUnverified(tokens.evmHolder);
  const met = checkRequirements(claims, requirements.contract);
  const unmet = checkRequirements(claims, requirements.contractShort);
  return {
    met: met.ok,
    unmet: unmet.ok ? [] : unmet.failures.map((f) => `${f.requirement}:${f.reason}`),
  };
}

/** Decoding checks nothing: a forged token decodes as well as a real one. */
function decode({ projectId, tokens }) {
  const { header, claims } = decodeUnverified(tokens.forged);
  return { alg: header.alg, audienceMatches: claims.aud === projectId, sub: claims.sub };
}

function bearerRequest(token) {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Request("http://picket.test/vip", { headers });
}

async function fetchAuthenticate({ tokens }, validator) {
  return summarize(await authenticate(bearerRequest(tokens.valid), validator));
}

/** Anonymous 401, holder 200, visitor without the balance 403, each as JSON with its challenge. */
function fetchWithPicket({ tokens, requirements }, validator) {
  const handler = withPicket(
    (_request, picket) => Response.json({ walletAddress: picket?.walletAddress }),
    { validator, requirements: requirements.contract },
  );
  return threeCallers(tokens, handler);
}

/** The same three callers through Hono's router and the Hono middleware. */
function honoPicketAuth({ tokens, requirements }, validator) {
  const app = new Hono();
  app.get("/vip", picketAuth({ validator, requirements: requirements.contract }), (c) =>
    c.json({ walletAddress: c.var.picket.walletAddress }),
  );
  return threeCallers(tokens, (request) => app.request(request));
}

async function threeCallers(tokens, handle) {
  const call = async (token) => {
    const response = await handle(bearerRequest(token));
    return {
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      body: await response.json(),
    };
  };
  return {
    anonymous: await call(undefined),
    holder: await call(tokens.evmHolder),
    visitor: await call(tokens.valid),
  };
}

/** One call of the API client to the loopback stand-in, which checks the Basic credentials. */
async function clientNonce({ picketApi, walletAddress }, secretKey) {
  const client = createPicketClient({
    secretKey,
    baseUrl: picketApi.baseUrl,
    timeout: FETCH_TIMEOUT_MS,
  });
  const { nonce } = await client.nonce({ chain: "ethereum", walletAddress });
  return { nonce };
}

/** Which runtime this is, and whether Node's globals are there, so the driver can tell. */
function describeEnvironment() {
  const versions = globalThis.process?.versions ?? {};
  const userAgent = globalThis.navigator?.userAgent ?? null;
  let runtime = "unknown";
  if (typeof globalThis.EdgeRuntime === "string") runtime = "edge-runtime";
  else if (globalThis.Deno?.version?.deno !== undefined) runtime = "deno";
  else if (versions.bun !== undefined) runtime = "bun";
  else if (userAgent === "Cloudflare-Workers") runtime = "workerd";
  else if (versions.node !== undefined) runtime = "node";
  return {
    runtime,
    userAgent,
    buffer: typeof globalThis.Buffer,
    process: typeof globalThis.process,
  };
}
