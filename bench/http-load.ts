/** One load run with autocannon's programmatic API: requests per second and every failure. */
import { createRequire } from "node:module";

interface AutocannonRequest {
  method: string;
  path: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
  headers?: Record<string, string>;
}

interface AutocannonResult {
  duration: number;
  "2xx": number;
  non2xx: number;
  errors: number;
  latency: { p99: number };
}

/** The part of autocannon's API the benchmark uses (the package ships no types). */
type Autocannon = (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** How to load a server. */
export interface LoadOptions {
  /** `http://127.0.0.1:<port>` of the server. */
  url: string;
  /** The token of each request: called once per request. */
  token: () => string;
  /** Whether every request needs its own token, or one token serves every request. */
  newTokens: boolean;
  /** The body every answer must have; any other counts as a mismatch. */
  expectBody: string;
  /**
   * The path requested.
   * @default "/me"
   */
  path?: string;
  seconds: number;
  connections: number;
}

/** What one run measured. */
export interface LoadResult {
  /** Answers with status 2xx per second. */
  rps: number;
  p99Ms: number;
  /** Answers that were not 2xx, connection errors (timeouts included), bodies that differed. */
  failures: { non2xx: number; errors: number; mismatches: number };
}

/** Loads `GET /me` (or `path`) on one server for `seconds`, one request at a time on each connection. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let mismatches = 0;
  const request: AutocannonRequest = {
    method: "GET",
    path: options.path ?? "/me",
    // autocannon's own `expectBody` cannot be combined with `requests`.
    onResponse: (status, body) => {
      if (status < 300 && body !== options.expectBody) mismatches += 1;
    },
  };
  if (options.newTokens) {
    // Rebuilt by autocannon before every request, with the next token of the pool.
    request.setupRequest = (built) => ({
      ...built,
      headers: { ...built.headers, authorization: `Bearer ${options.token()}` },
    });
  } else {
    request.headers = { authorization: `Bearer ${options.token()}` };
  }
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    requests: [request],
  });
  return {
    rps: result["2xx"] / result.duration,
    p99Ms: result.latency.p99,
    failures: {
      non2xx: result.non2xx,
      errors: result.errors,
      mismatches,
    },
  };
}
