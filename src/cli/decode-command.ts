import { isPicketValidationError } from "../errors.js";
import { decodeUnverified } from "../verify/decode-unverified.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { parseCommandArgs } from "./command-args.js";
import { toSafeJson } from "./escape-output.js";
import { readToken } from "./read-token.js";
import { reportFailure } from "./report-failure.js";
import { USAGE } from "./usage.js";

/** `picket-validate decode`: prints a token's header and claims, verifying nothing. */
export async function decodeCommand(args: readonly string[], io: CliIo): Promise<ExitStatus> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help === true) {
    await io.stdout(USAGE);
    return EXIT.valid;
  }
  const token = await readToken(positionals, io);
  await io.stderr(
    "WARNING: decoded only. NOTHING WAS VERIFIED: not the signature, issuer, audience or expiry.\n",
  );
  let decoded: unknown;
  try {
    decoded = decodeUnverified(token);
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    return reportFailure(error, io, { json: false, keySet: "" });
  }
  await io.stdout(toSafeJson(decoded, 2));
  return EXIT.valid;
}
