import { UsageError } from "./cli-errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { parseCommandArgs, stringFlag } from "./command-args.js";
import { USAGE } from "./usage.js";

/**
 * `picket-validate stand-in`: runs the Picket stand-in of `picket-validate/testing` in the
 * foreground on 127.0.0.1, prints how to reach it, and stops on SIGINT or SIGTERM (exit 0).
 */
export async function standInCommand(args: readonly string[], io: CliIo): Promise<ExitStatus> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: "string" },
    "project-id": { type: "string" },
    "secret-key": { type: "string" },
  });
  if (values.help === true) {
    await io.stdout(USAGE);
    return EXIT.valid;
  }
  if (positionals.length > 0) throw new UsageError(`stand-in takes no argument: ${positionals[0]}`);
  const port = portOf(stringFlag(values, "port"));
  const projectId = stringFlag(values, "project-id");
  const secretKey = stringFlag(values, "secret-key");
  // Loaded only here: the stand-in needs the optional noble packages, the other commands do not.
  const { startPicketStandIn } = await import("../testing/serve-picket.js");
  const stand = await startPicketStandIn(
    {
      ...(projectId === undefined ? {} : { projectId }),
      ...(secretKey === undefined ? {} : { secretKey }),
    },
    port,
  ).catch((error: unknown) => {
    throw new UsageError(`cannot start the stand-in: ${(error as Error).message}`);
  });
  const origin = new URL(stand.baseUrl).origin;
  await io.stdout(
    [
      "Picket stand-in running (Ctrl-C stops)",
      `base URL:    ${stand.baseUrl}`,
      `JWKS URL:    ${stand.jwksUri}`,
      `project ID:  ${stand.projectId}`,
      `secret key:  ${stand.secretKey}`,
      `balances:    POST ${origin}/__stand-in/balances {"chain","wallet","contractAddress"|"collection"|"creatorAddress"|"tokenId","amount"}`,
      "",
    ].join("\n"),
  );
  await stopSignal();
  await stand.close();
  return EXIT.valid;
}

function portOf(flag: string | undefined): number {
  if (flag === undefined) return 0;
  const port = /^\d{1,5}$/.test(flag) ? Number(flag) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(`--port must be a port number from 0 to 65535, not ${flag}`);
  }
  return port;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
