import { nearestKey } from "../shared/strict-keys.js";
import { CliIoError, UsageError } from "./cli-errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { decodeCommand } from "./decode-command.js";
import { escapeControl } from "./escape-output.js";
import { jwksCommand } from "./jwks-command.js";
import { packageVersion } from "./package-version.js";
import { serveCommand } from "./serve-command.js";
import { standInCommand } from "./stand-in-command.js";
import { HELP_POINTER, USAGE } from "./usage.js";
import { verifyCommand } from "./verify-command.js";

export type { CliIo } from "./cli-io.js";

/**
 * Runs the `picket-validate` command line and resolves with its exit status: 0 valid, 1 invalid
 * (the error code on stderr), 2 usage or configuration error. It never rejects: every failure,
 * down to a failed write on standard output, ends as a status and one line on standard error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitStatus> {
  const guarded = guardStreams(io);
  try {
    return await dispatch(argv, guarded);
  } catch (error) {
    return reportError(error, guarded);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<ExitStatus> {
  const [command, ...rest] = argv;
  switch (command) {
    case "verify":
      return verifyCommand(rest, io);
    case "decode":
      return decodeCommand(rest, io);
    case "jwks":
      return jwksCommand(rest, io);
    case "serve":
      return serveCommand(rest, io);
    case "stand-in":
      return standInCommand(rest, io);
    case "--help":
    case "-h":
    case "help":
      await io.stdout(USAGE);
      return EXIT.valid;
    case "--version":
    case "-v":
      await io.stdout(`${await packageVersion()}\n`);
      return EXIT.valid;
    default:
      throw new UsageError(command === undefined ? "no command given" : unknownCommand(command));
  }
}

function unknownCommand(command: string): string {
  const nearest = nearestKey(command, ["verify", "decode", "jwks", "help"]);
  return `unknown command ${command}${nearest === undefined ? "" : `; did you mean ${nearest}?`}`;
}

/** Standard output failures become a {@link CliIoError}; standard error failures are dropped. */
function guardStreams(io: CliIo): CliIo {
  return {
    ...io,
    async stdout(text) {
      try {
        await io.stdout(text);
      } catch (error) {
        throw new CliIoError("cannot write to standard output", error);
      }
    },
    async stderr(text) {
      try {
        await io.stderr(text);
      } catch {
        // Nowhere is left to report it; the exit status still tells.
      }
    },
  };
}

async function reportError(error: unknown, io: CliIo): Promise<ExitStatus> {
  const message = error instanceof Error ? error.message : String(error);
  const line = `picket-validate: ${escapeControl(message)}\n`;
  if (error instanceof UsageError) await io.stderr(line + HELP_POINTER);
  else if (error instanceof CliIoError) await io.stderr(line);
  else await io.stderr(`picket-validate: unexpected error: ${escapeControl(message)}\n`);
  return EXIT.usage;
}
