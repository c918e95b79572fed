import { CliIoError, UsageError } from "./cli-errors.js";
import type { CliIo } from "./cli-io.js";

/** More than any token the validator would accept; bounds what a stray pipe can make us hold. */
const MAX_STDIN_BYTES = 1_048_576;

// A value pasted from an Authorization header: `Bearer <token>`, any case, any spacing.
const BEARER_PREFIX = /^(?:authorization:\s*)?bearer(?:\s+|$)/i;

/** The token from the one positional argument, or from standard input when it is `-` or absent. */
export async function readToken(positionals: readonly string[], io: CliIo): Promise<string> {
  if (positionals.length > 1) throw new UsageError("give one token");
  const given = positionals[0];
  const fromArgument = given !== undefined && given !== "-";
  const text = fromArgument ? given : await readStdin(io);
  const token = withoutBearer(text ?? "");
  if (token === "") {
    throw new UsageError(
      fromArgument ? "the token is empty" : "no token: pass it as an argument or on standard input",
    );
  }
  return token;
}

/** Trims a pasted token and drops a leading `Bearer ` scheme. */
function withoutBearer(text: string): string {
  return text.trim().replace(BEARER_PREFIX, "").trim();
}

async function readStdin(io: CliIo): Promise<string | undefined> {
  try {
    return await io.readStdin(MAX_STDIN_BYTES);
  } catch (error) {
    throw new CliIoError("cannot read standard input", error);
  }
}
