import { writeFile } from "node:fs/promises";
import { PICKET_JWKS_URI } from "../constants.js";
import { isPicketValidationError, PicketValidationError } from "../errors.js";
import { fetchJwks } from "../jwks/fetch-jwks.js";
import { importKeySet } from "../jwks/import-key-set.js";
import { SUPPORTED_ALGORITHMS } from "../platform/algorithms.js";
import { CliIoError } from "./cli-errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { envValue, parseCommandArgs, stringFlag } from "./command-args.js";
import { escapeControl, toSafeJson } from "./escape-output.js";
import { checkedJwksUrl, MAX_KEY_SET_BYTES } from "./key-source.js";
import { reportFailure } from "./report-failure.js";
import { USAGE } from "./usage.js";

const FETCH_TIMEOUT_MS = 10_000;
const MAX_KEYS = 100;

/**
 * `picket-validate jwks`: fetches a key set (`--uri`, else `PICKET_JWKS_URI`, else Picket's),
 * checks that it holds a usable key, and prints it or saves it to `--out`.
 */
export async function jwksCommand(args: readonly string[], io: CliIo): Promise<ExitStatus> {
  const { values } = parseCommandArgs(args, { uri: { type: "string" }, out: { type: "string" } });
  if (values.help === true) {
    await io.stdout(USAGE);
    return EXIT.valid;
  }
  const flag = stringFlag(values, "uri");
  const uri = checkedJwksUrl(
    flag ?? envValue(io.env, "PICKET_JWKS_URI") ?? PICKET_JWKS_URI,
    flag === undefined ? "PICKET_JWKS_URI" : "--uri",
  );
  let fetched: FetchedKeySet;
  try {
    fetched = await fetchUsableKeySet(uri);
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    return reportFailure(error, io, { json: false, keySet: uri });
  }
  const text = toSafeJson(fetched.jwks, 2);
  const out = stringFlag(values, "out");
  if (out === undefined) {
    await io.stdout(text);
    return EXIT.valid;
  }
  try {
    await writeFile(out, text);
  } catch (error) {
    throw new CliIoError(`cannot write --out ${out}`, error);
  }
  const { usable, ignored } = fetched;
  const keys = `${usable} usable ${usable === 1 ? "key" : "keys"} (${ignored} ignored)`;
  await io.stderr(`${escapeControl(`saved ${keys} from ${uri} to ${out}`)}\n`);
  return EXIT.valid;
}

interface FetchedKeySet {
  jwks: unknown;
  usable: number;
  ignored: number;
}

/** Fetches the key set and imports it as verify would; `ERR_JWKS_INVALID` without a usable key. */
async function fetchUsableKeySet(uri: string): Promise<FetchedKeySet> {
  const jwks = await fetchJwks(uri, {
    fetch: globalThis.fetch,
    timeout: FETCH_TIMEOUT_MS,
    maxBytes: MAX_KEY_SET_BYTES,
  });
  const { keys, ignored } = await importKeySet(jwks, [...SUPPORTED_ALGORITHMS.values()], MAX_KEYS);
  if (keys.length === 0) {
    throw new PicketValidationError(
      "ERR_JWKS_INVALID",
      `The key set has no usable verification key (${ignored} ignored)`,
    );
  }
  return { jwks, usable: keys.length, ignored };
}
