import { readFile, writeFile } from "node:fs/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { PICKET_JWKS_URI } from "../constants.js";
import { createValidator } from "../create-validator.js";
import { isPicketValidationError, type PicketValidationError } from "../errors.js";
import { fetchJwks } from "../jwks/fetch-jwks.js";
import { importKeySet } from "../jwks/import-key-set.js";
import { checkJwksUri } from "../resolve-options.js";
import type { ValidatorOptions } from "../types.js";
import { SUPPORTED_ALGORITHMS } from "../verify/algorithms.js";
import { decodeUnverified } from "../verify/decode-unverified.js";
import { parseRequireFlags } from "./parse-require-flag.js";
import { USAGE } from "./usage.js";

/** Where the CLI reads and writes; the process's streams in production, buffers in tests. */
export interface CliIo {
  /** Reads all of standard input; `undefined` when it is a terminal. */
  readStdin(): Promise<string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit statuses: valid, invalid, usage or configuration error. */
const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

class UsageError extends Error {}

/**
 * Runs the `picket-validate` command line and resolves with its exit status: 0 valid, 1 invalid
 * (the error code on stderr), 2 usage or configuration error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "verify":
        return await verify(rest, io);
      case "decode":
        return await decode(rest, io);
      case "jwks":
        return await saveJwks(rest, io);
      case "--help":
      case "-h":
      case "help":
        io.stdout(USAGE);
        return EXIT.valid;
      default:
        throw new UsageError(
          command === undefined ? "no command given" : `unknown command ${command}`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr(`picket-validate: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw error;
  }
}

interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

function parse(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): ParsedArgs {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readToken(positionals: readonly string[], io: CliIo): Promise<string> {
  if (positionals.length > 1) throw new UsageError("give one token");
  const given = positionals[0];
  if (given !== undefined && given !== "-") return given.trim();
  const piped = (await io.readStdin())?.trim();
  if (!piped) throw new UsageError("no token: pass it as an argument or on standard input");
  return piped;
}

async function verify(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    "project-id": { type: "string" },
    jwks: { type: "string" },
    issuer: { type: "string" },
    require: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.valid;
  }
  const projectId = values["project-id"];
  if (typeof projectId !== "string") throw new UsageError("verify needs --project-id");
  const options: ValidatorOptions = { projectId, tokenCache: false };
  if (typeof values.issuer === "string") options.issuer = values.issuer;
  if (typeof values.jwks === "string") Object.assign(options, await keySource(values.jwks));
  const requirements = parseRequireFlags((values.require as string[] | undefined) ?? []);
  const validator = createValidator(options);
  const token = await readToken(positionals, io);
  const json = values.json === true;
  try {
    const claims = await validator.validate(token, requirements);
    if (json) io.stdout(`${JSON.stringify(claims, null, 2)}\n`);
    else {
      io.stdout(
        `valid: ${claims.chain}:${claims.walletAddress}, expires ${new Date(claims.exp * 1000).toISOString()}\n`,
      );
    }
    return EXIT.valid;
  } catch (error) {
    return reportFailure(error, json, io);
  }
}

async function keySource(jwks: string): Promise<Pick<ValidatorOptions, "jwks" | "jwksUri">> {
  if (/^https?:\/\//i.test(jwks)) return { jwksUri: checkJwksUri(jwks) };
  let text: string;
  try {
    text = await readFile(jwks, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --jwks ${jwks}: ${(error as Error).message}`);
  }
  try {
    return { jwks: JSON.parse(text) };
  } catch {
    throw new UsageError(`--jwks ${jwks} is not JSON`);
  }
}

function reportFailure(error: unknown, json: boolean, io: CliIo): number {
  if (!isPicketValidationError(error)) throw error;
  const failure = error as PicketValidationError;
  io.stderr(`${failure.code}: ${failure.message}\n`);
  if (json) io.stdout(`${JSON.stringify({ error: failure.code, message: failure.message })}\n`);
  return failure.status === 503 ? EXIT.usage : EXIT.invalid;
}

async function decode(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.valid;
  }
  const token = await readToken(positionals, io);
  io.stderr(
    "WARNING: decoded only. NOTHING WAS VERIFIED: not the signature, issuer, audience or expiry.\n",
  );
  try {
    io.stdout(`${JSON.stringify(decodeUnverified(token), null, 2)}\n`);
    return EXIT.valid;
  } catch (error) {
    return reportFailure(error, false, io);
  }
}

async function saveJwks(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { uri: { type: "string" }, out: { type: "string" } });
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.valid;
  }
  const uri = checkJwksUri(typeof values.uri === "string" ? values.uri : PICKET_JWKS_URI);
  try {
    const jwks = await fetchJwks(uri, {
      fetch: globalThis.fetch,
      timeout: 10_000,
      maxBytes: 1_048_576,
    });
    const { keys, ignored } = await importKeySet(jwks, [...SUPPORTED_ALGORITHMS.values()], 100);
    if (keys.length === 0) throw new TypeError(`${uri} has no usable verification key`);
    const text = `${JSON.stringify(jwks, null, 2)}\n`;
    if (typeof values.out === "string") {
      await writeFile(values.out, text);
      io.stderr(
        `saved ${keys.length} usable keys (${ignored} ignored) from ${uri} to ${values.out}\n`,
      );
    } else {
      io.stdout(text);
    }
    return EXIT.valid;
  } catch (error) {
    return reportFailure(error, false, io);
  }
}
