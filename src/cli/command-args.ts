import { type ParseArgsConfig, parseArgs } from "node:util";
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
    throw new UsageError((error as Error).message);
  }
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
