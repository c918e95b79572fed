import { checkPolicies } from "../server/policies.js";
import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { Requirements } from "../types.js";
import { CliIoError } from "./cli-errors.js";
import { readCapped } from "./key-source.js";

/** What `serve --config FILE` may set. */
export interface ServeConfig {
  /** The cookie `/forward-auth` reads the token from when there is no `Authorization` header. */
  cookie?: string;
  /** Named requirements for `/forward-auth/<name>`. */
  policies?: Record<string, Requirements>;
}

const KNOWN_KEYS = ["cookie", "policies"];

/**
 * Reads and checks `serve --config FILE`: JSON, no unknown key, each policy normalized by the
 * library's own rules. Any mistake is one line naming the file (exit 2), at start-up.
 */
export async function readServeConfig(path: string): Promise<ServeConfig> {
  const what = `--config ${path}`;
  const text = await readCapped(path, `cannot read ${what}`);
  let config: unknown;
  try {
    config = parseJsonSafely(text);
  } catch (error) {
    throw new CliIoError(`${what} is not JSON`, error);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new CliIoError(what, "must be a JSON object: { cookie?, policies? }");
  }
  try {
    refuseUnknownKeys(config, KNOWN_KEYS, "the service's config");
    checkPolicies((config as ServeConfig).policies, undefined);
  } catch (error) {
    throw new CliIoError(what, error);
  }
  return config as ServeConfig;
}
