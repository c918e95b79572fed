import { type ParseArgsConfig, parseArgs } from "node:util";
import { nearestKey } from "../shared/strict-keys.js";
import { UsageError } from "./cli-errors.js";

/** A command's flags and positionals, as `node:util`'s `parseArgs` returns them. */
export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses a command's arguments strictly (plus `--help`/`-h`); a mistake is a {@link UsageError}. */
export function parseCommandArgs(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): CommandArgs {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(unknownFlag(error, Object.keys(options)) ?? (error as Error).message);
  }
}

/** For an unknown flag, the line that names it and the nearest known one (`--requre`). */
function unknownFlag(error: unknown, names: readonly string[]): string | undefined {
  if ((error as { code?: unknown }).code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return undefined;
  const flag = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
  if (flag === undefined) return undefined;
  const known = [...names, "help"];
  const nearest = nearestKey(flag.replace(/^-+/, ""), known);
  const hint =
    nearest === undefined
      ? `its flags are ${known.map((name) => `--${name}`).join(", ")}`
      : `did you mean --${nearest}?`;
  return `unknown flag ${flag}; ${hint}`;
}

/** A string flag's value; `undefined` when the flag is absent. */
export function stringFlag(values: CommandArgs["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** An environment variable's value; `undefined` when it is unset or empty. */
export function envValue(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}
