import { type FileHandle, open } from "node:fs/promises";
import type { JSONWebKeySet } from "jose";
import { PICKET_JWKS_URI } from "../constants.js";
import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { checkJwksUri } from "../shared/secure-url.js";
import type { ValidatorOptions } from "../types.js";
import { CliIoError, UsageError } from "./cli-errors.js";

/** The size cap of a fetched key set, applied to key-set files as well. */
export const MAX_KEY_SET_BYTES = 1_048_576;

/** Where verify gets its keys, and how to name that place in messages. */
export interface KeySource {
  options: Pick<ValidatorOptions, "jwks" | "jwksUri">;
  /** The URL or file path, for messages. */
  label: string;
}

/**
 * The keys for `verify`: `--jwks FILE|URL`, else the `PICKET_JWKS_URI` environment variable (a
 * URL), else Picket's own key set.
 */
export async function resolveKeySource(
  flag: string | undefined,
  envUri: string | undefined,
): Promise<KeySource> {
  if (flag !== undefined) {
    if (/^https?:\/\//i.test(flag)) return fromUrl(flag, "--jwks");
    return { options: { jwks: await readKeySetFile(flag) }, label: flag };
  }
  if (envUri !== undefined) return fromUrl(envUri, "PICKET_JWKS_URI");
  return { options: {}, label: PICKET_JWKS_URI };
}

function fromUrl(value: string, source: string): KeySource {
  const jwksUri = checkedJwksUrl(value, source);
  return { options: { jwksUri }, label: jwksUri };
}

/** `value` as a key-set URL, or a {@link UsageError} naming where it came from. */
export function checkedJwksUrl(value: string, source: string): string {
  try {
    return checkJwksUri(value);
  } catch {
    throw new UsageError(
      `${source} must be an https: URL (http: only for loopback hosts), not ${value}`,
    );
  }
}

async function readKeySetFile(path: string): Promise<JSONWebKeySet> {
  const text = await readCapped(path, `cannot read --jwks ${path}`);
  let jwks: unknown;
  try {
    jwks = parseJsonSafely(text);
  } catch (error) {
    throw new CliIoError(`--jwks ${path} is not JSON`, error);
  }
  if (
    typeof jwks !== "object" ||
    jwks === null ||
    !Array.isArray((jwks as { keys?: unknown }).keys)
  ) {
    throw new CliIoError(`--jwks ${path} is not a key set`, 'no "keys" array');
  }
  return jwks as JSONWebKeySet;
}

/** Reads a file as UTF-8, refusing more than {@link MAX_KEY_SET_BYTES} (`/dev/zero` never ends). */
export async function readCapped(path: string, what: string): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(MAX_KEY_SET_BYTES + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > MAX_KEY_SET_BYTES) {
        throw new CliIoError(what, `larger than ${MAX_KEY_SET_BYTES} bytes`);
      }
    }
    return buffer.toString("utf8", 0, size).replace(/^\uFEFF/, "");
  } catch (error) {
    throw error instanceof CliIoError ? error : new CliIoError(what, error);
  } finally {
    await handle?.close();
  }
}
