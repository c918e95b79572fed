import { isPicketValidationError } from "../errors.js";
import type { PicketAccessToken, ValidatorOptions } from "../types.js";
import { createValidator } from "../validator/create-validator.js";
import { UsageError } from "./cli-errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { envValue, parseCommandArgs, stringFlag } from "./command-args.js";
import { escapeControl, toSafeJson } from "./escape-output.js";
import { resolveKeySource } from "./key-source.js";
import { parseRequireFlags } from "./parse-require-flag.js";
import { readToken } from "./read-token.js";
import { reportFailure } from "./report-failure.js";
import { USAGE } from "./usage.js";

/** `picket-validate verify`: validates one token and prints whose it is, or why it failed. */
export async function verifyCommand(args: readonly string[], io: CliIo): Promise<ExitStatus> {
  const { values, positionals } = parseCommandArgs(args, {
    "project-id": { type: "string" },
    jwks: { type: "string" },
    issuer: { type: "string" },
    require: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  if (values.help === true) {
    await io.stdout(USAGE);
    return EXIT.valid;
  }
  const projectId = stringFlag(values, "project-id") ?? envValue(io.env, "PICKET_PROJECT_ID");
  if (projectId === undefined) {
    throw new UsageError("verify needs --project-id (or PICKET_PROJECT_ID)");
  }
  const keySource = await resolveKeySource(
    stringFlag(values, "jwks"),
    envValue(io.env, "PICKET_JWKS_URI"),
  );
  const options: ValidatorOptions = { projectId, tokenCache: false, ...keySource.options };
  const issuer = stringFlag(values, "issuer");
  if (issuer !== undefined) options.issuer = issuer;
  const requirements = parseRequireFlags((values.require as string[] | undefined) ?? []);
  const validator = await typeErrorAsUsage(() => createValidator(options));
  const token = await readToken(positionals, io);
  const json = values.json === true;
  try {
    const claims = await typeErrorAsUsage(() => validator.validate(token, requirements));
    await io.stdout(json ? toSafeJson(claims, 2) : summary(claims));
    return EXIT.valid;
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    return reportFailure(error, io, { json, keySet: keySource.label });
  }
}

function summary(claims: PicketAccessToken): string {
  const expiry = new Date(claims.exp * 1000);
  // An `exp` far in the future is valid, but past what a Date can show.
  const expires = Number.isNaN(expiry.getTime()) ? `at ${claims.exp}` : expiry.toISOString();
  return `valid: ${escapeControl(`${claims.chain}:${claims.walletAddress}`)}, expires ${expires}\n`;
}

/** Options and requirements are refused with a `TypeError`: here, a mistake in the flags. */
async function typeErrorAsUsage<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}
