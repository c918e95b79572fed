import { readFile } from "node:fs/promises";
import { CliIoError } from "./cli-errors.js";

// Two levels up from both src/cli/ and dist/cli/: the package root.
const PACKAGE_JSON = new URL("../../package.json", import.meta.url);

/** The `version` of the installed package, read from its package.json. */
export async function packageVersion(): Promise<string> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(PACKAGE_JSON, "utf8"));
  } catch (error) {
    throw new CliIoError("cannot read the package version", error);
  }
  const version = (manifest as { version?: unknown } | null)?.version;
  if (typeof version !== "string") {
    throw new CliIoError("cannot read the package version", "package.json has no version");
  }
  return version;
}
