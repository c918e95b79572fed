import {
  createValidationServer,
  type ValidationServer,
} from "../server/create-validation-server.js";
import type { ServerLogEntry } from "../server/server-context.js";
import { CliIoError, UsageError } from "./cli-errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { envValue, parseCommandArgs, stringFlag } from "./command-args.js";
import { resolveKeySource } from "./key-source.js";
import { readServeConfig, type ServeConfig } from "./serve-config.js";
import { USAGE } from "./usage.js";

const DEFAULT_PORT = 8787;
const DEFAULT_HOST = "127.0.0.1";

/**
 * `picket-validate serve`: the validation service, until `stop` settles (SIGTERM or SIGINT by
 * default); then in-flight requests finish and the status is 0. Keys are loaded before it
 * listens: a service without keys never starts (status 2, one line).
 */
export async function serveCommand(
  args: readonly string[],
  io: CliIo,
  stop: () => Promise<unknown> = untilSignalled,
): Promise<ExitStatus> {
  const { values } = parseCommandArgs(args, {
    "project-id": { type: "string" },
    jwks: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    config: { type: "string" },
  });
  if (values.help === true) {
    await io.stdout(USAGE);
    return EXIT.valid;
  }
  const projectId = stringFlag(values, "project-id") ?? envValue(io.env, "PICKET_PROJECT_ID");
  if (projectId === undefined)
    throw new UsageError("serve needs --project-id (or PICKET_PROJECT_ID)");
  const port = parsePort(stringFlag(values, "port") ?? envValue(io.env, "PORT"));
  const host = stringFlag(values, "host") ?? envValue(io.env, "HOST") ?? DEFAULT_HOST;
  const keySource = await resolveKeySource(
    stringFlag(values, "jwks"),
    envValue(io.env, "PICKET_JWKS_URI"),
  );
  const configPath = stringFlag(values, "config");
  const config: ServeConfig = configPath === undefined ? {} : await readServeConfig(configPath);
  const log = (entry: ServerLogEntry) =>
    void io.stderr(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  const service = createService(() =>
    createValidationServer({ validator: { projectId, ...keySource.options }, ...config, log }),
  );
  try {
    await service.ready();
  } catch (error) {
    throw new CliIoError(`cannot load keys from ${keySource.label}`, error);
  }
  const url = await listen(service, port, host);
  log({ event: "listening", url });
  await stop();
  log({ event: "stopping" });
  await service.close();
  return EXIT.valid;
}

/** The service; a `TypeError` from its options (a project ID, a cookie name) is one line, status 2. */
function createService(create: () => ValidationServer): ValidationServer {
  try {
    return create();
  } catch (error) {
    if (error instanceof TypeError) throw new CliIoError("cannot start the service", error);
    throw error;
  }
}

async function listen(service: ValidationServer, port: number, host: string): Promise<string> {
  try {
    return await Promise.race([
      service.listen(port, host),
      new Promise<never>((_resolve, reject) => service.server.once("error", reject)),
    ]);
  } catch (error) {
    throw new CliIoError(`cannot listen on ${host}:${port}`, error);
  }
}

/** `--port`, else `PORT`, else 8787: an integer from 0 (any free port) to 65535. */
function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) {
    throw new UsageError(`--port (or PORT) must be a port number from 0 to 65535, not ${value}`);
  }
  return port;
}

/** Settles on the first SIGTERM or SIGINT, then leaves the signals to Node again. */
function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const settle = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", settle);
      process.off("SIGINT", settle);
      resolve(signal);
    };
    process.once("SIGTERM", settle);
    process.once("SIGINT", settle);
  });
}
