/**
 * Every ```ts sample of the README, type-checked as written: each is written to a module in the
 * ignored .scratch/ folder and compiled in one `tsc` program, `picket-validate` and its subpaths
 * resolved to src/ through `paths` derived from package.json `exports`. The names a sample takes
 * from the text around it (`validator`, `app`, `token`…) are declared in a prelude; a sample's own
 * declarations shadow them, and its imports must resolve.
 */
import { execFile as execFileCallback } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFile = promisify(execFileCallback);
const ROOT = join(import.meta.dirname, "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's ```ts blocks, with the line each starts on. */
const SAMPLES = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
  line: README.slice(0, match.index).split("\n").length + 1,
  code: match[1] ?? "",
}));

/** `picket-validate…` → its source file, read from package.json `exports`. */
function sourcePaths(): Record<string, string[]> {
  const { exports } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, string | { default: string }>;
  };
  const paths: Record<string, string[]> = {
    "#platform": [join(ROOT, "src", "platform", "node.ts")],
  };
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target === "string") continue;
    const source = target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
    paths[`picket-validate${subpath.slice(1)}`] = [join(ROOT, source)];
  }
  return paths;
}

/** The names samples take from their surroundings, typed as the README means them. */
const PRELUDE = `type Validator = import("picket-validate").Validator;
declare const validator: Validator;
declare const served: Validator;
declare const issuer: import("picket-validate/testing").TestIssuer;
declare const picketClient: import("picket-validate/client").PicketClient;
declare const onError: NonNullable<import("picket-validate/express").PicketAuthOptions["onError"]>;
declare const requirements: import("picket-validate").Requirements;
declare const claims: import("picket-validate").PicketAccessToken;
declare const request: Request;
declare const accessToken: string;
declare const solanaAccessToken: string;
declare const token: string;
declare const projectId: string;
declare const contractAddress: string;
declare const app: import("express").Express;
/** Other apps, handlers and loggers: the samples' own calls are what is checked. */
declare const honoApp: any;
declare const fastify: any;
declare const me: any;
declare const vip: any;
declare const handler: any;
declare const log: any;
declare const logger: any;
declare module "cookie-parser" {
  export default function cookieParser(): any;
}
`;

/** @fastify/cookie's request property, which the cookie sample says it uses. */
const FASTIFY_COOKIE = `import "fastify";
declare module "fastify" {
  interface FastifyRequest {
    cookies: Record<string, string | undefined>;
  }
}
`;

describe("the README's TypeScript samples", () => {
  let dir = "";
  let output = "";

  beforeAll(async () => {
    await mkdir(join(ROOT, ".scratch"), { recursive: true });
    dir = await mkdtemp(join(ROOT, ".scratch", "readme-samples-"));
    await writeFile(join(dir, "prelude.d.ts"), PRELUDE);
    await writeFile(join(dir, "fastify-cookie.d.ts"), FASTIFY_COOKIE);
    for (const [index, { code }] of SAMPLES.entries()) {
      // Each sample is a module of its own: its names do not meet another sample's.
      await writeFile(join(dir, `sample-${index}.ts`), `${code}\nexport {};\n`);
    }
    const base = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          ...base.compilerOptions,
          // As an app bundled for Next.js or run by tsx would: `next/server`, no extensions.
          module: "ESNext",
          moduleResolution: "Bundler",
          // Style rules a sample's fragments need not follow; the type rules all stay on.
          noUnusedLocals: false,
          noUnusedParameters: false,
          noImplicitReturns: false,
          paths: sourcePaths(),
        },
        include: ["*.ts"],
      }),
    );
    const run = execFile(process.execPath, [TSC, "-p", dir], {
      cwd: dir,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    output = (await run.catch((error: { stdout?: string }) => error)).stdout ?? "";
  }, 150_000);

  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("finds the samples", () => {
    expect(SAMPLES.length).toBeGreaterThan(10);
  });

  it.each(SAMPLES.map((sample, index) => ({ ...sample, index })))(
    "type-checks the sample at README.md line $line",
    ({ index, line }) => {
      const errors = output
        .split("\n")
        .filter((text) => text.startsWith(`sample-${index}.ts(`))
        .map((text) =>
          text.replace(/^sample-\d+\.ts\((\d+)/, (_, at) => `README.md(${line + Number(at) - 1}`),
        );
      expect(errors).toEqual([]);
    },
  );

  it("compiles with no error outside the samples", () => {
    const others = output
      .split("\n")
      .filter((text) => /error TS/.test(text) && !/^sample-\d+\.ts\(/.test(text));
    expect(others).toEqual([]);
  });
});
