import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The layering rules of src/, read from the source itself: each file's imports (static, dynamic,
// re-exports, type-only too) and its uses of the global `Buffer`.

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** What one source file depends on. */
interface SourceFacts {
  /** The file, relative to src/ (`verify/read-token.ts`). */
  file: string;
  /** Relative imports resolved to files under src/, other specifiers as written. */
  imports: string[];
  /** Whether the file names the global `Buffer`. */
  usesBuffer: boolean;
}

/** The module specifiers a source text imports, and whether it names the global `Buffer`. */
function readFacts(file: string, text: string): SourceFacts {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  let usesBuffer = false;
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      imports.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      imports.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) imports.push(literal.text);
    } else if (ts.isIdentifier(node) && node.text === "Buffer" && namesTheGlobal(node)) {
      usesBuffer = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, imports: imports.map((specifier) => resolve(file, specifier)), usesBuffer };
}

/**
 * Whether an identifier `Buffer` is the global one (`Buffer`, `globalThis.Buffer`), not a
 * member name (`x.Buffer`, `{ Buffer: 1 }`).
 */
function namesTheGlobal(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    return ts.isIdentifier(parent.expression) && parent.expression.text === "globalThis";
  }
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent)) && parent.name === node) {
    return false;
  }
  if (ts.isMethodDeclaration(parent) && parent.name === node) return false;
  return true;
}

/** A relative specifier as the src/ file it names (`../errors.js` from `shared/x.ts` → `errors.ts`). */
function resolve(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts");
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const CORE_FOLDERS = ["validator/", "verify/", "jwks/", "requirements/", "platform/", "shared/"];
const OUTER_FOLDERS = ["http/", "cli/", "client/", "testing/", "server/"];
/** The only files that may use Node's own modules and the global `Buffer`: Node-only by design. */
const NODE_ONLY = [
  "platform/node.ts",
  "cli/",
  "testing/",
  "server/",
  "http/express.ts",
  "http/fastify.ts",
];

const isCore = (file: string) =>
  !file.includes("/") || CORE_FOLDERS.some((f) => file.startsWith(f));
const inFolder = (file: string, folders: readonly string[]) =>
  folders.some((folder) => (folder.endsWith("/") ? file.startsWith(folder) : file === folder));

/** Every broken rule in these files, one line each. */
function layeringViolations(all: readonly SourceFacts[]): string[] {
  const violations: string[] = [];
  for (const { file, imports, usesBuffer } of all) {
    const nodeOnly = inFolder(file, NODE_ONLY);
    for (const target of imports) {
      if (isCore(file) && inFolder(target, OUTER_FOLDERS)) {
        violations.push(`${file} (core) imports ${target}`);
      }
      if (
        target.startsWith("validator/") &&
        !(file.startsWith("validator/") || file === "index.ts" || inFolder(file, OUTER_FOLDERS))
      ) {
        violations.push(
          `${file} imports ${target}: only index.ts and the outer folders use validator/`,
        );
      }
      if (file.startsWith("requirements/") && target.startsWith("verify/")) {
        violations.push(`${file} (requirements) imports ${target}`);
      }
      const local = !target.startsWith("node:") && target.endsWith(".ts");
      if (
        file.startsWith("shared/") &&
        (!local ||
          !(target.startsWith("shared/") || target === "errors.ts" || target === "types.ts"))
      ) {
        violations.push(`${file} (shared) imports ${target}, outside shared/, errors.ts, types.ts`);
      }
      if (target.startsWith("@noble/") && !file.startsWith("testing/")) {
        violations.push(`${file} imports ${target}, but only testing/ may (an optional peer)`);
      }
      if (!nodeOnly && target.startsWith("node:")) {
        violations.push(`${file} imports ${target}, but only Node-only files may`);
      }
    }
    if (!nodeOnly && usesBuffer) {
      violations.push(`${file} uses the global Buffer, but only Node-only files may`);
    }
  }
  return violations;
}

const facts = sourceFiles(SRC).map((path) => {
  const file = relative(SRC, path).split("\\").join("/");
  return readFacts(file, readFileSync(path, "utf8"));
});

describe("the layering of src/", () => {
  it("reads every file of src/, and every relative import names a file that exists", () => {
    expect(facts.length).toBeGreaterThan(50);
    for (const { file, imports } of facts) {
      for (const target of imports.filter((each) => each.endsWith(".ts"))) {
        expect(existsSync(join(SRC, target)), `${file} imports ${target}`).toBe(true);
      }
    }
    const readToken = facts.find((each) => each.file === "verify/read-token.ts");
    expect(readToken?.imports).toEqual(
      expect.arrayContaining(["#platform", "errors.ts", "verify/check-header.ts"]),
    );
  });

  it("holds: no rule is broken", () => {
    expect(layeringViolations(facts)).toEqual([]);
  });

  it("leaves the core free of Node built-ins, so that it loads on the Edge runtime and Workers", () => {
    const core = facts.filter((each) => isCore(each.file) && each.file !== "platform/node.ts");
    expect(core.length).toBeGreaterThan(30);
    for (const { file, imports, usesBuffer } of core) {
      expect(
        imports.filter((target) => target.startsWith("node:")),
        file,
      ).toEqual([]);
      expect(usesBuffer, file).toBe(false);
    }
  });
});

describe("the layering rules themselves", () => {
  const check = (file: string, text: string) => layeringViolations([readFacts(file, text)]);

  it.each([
    ["validator/create-validator.ts", 'import { picketAuth } from "../http/express.js";'],
    ["index.ts", 'export { parseBearer } from "./http/parse-bearer.js";'],
    ["verify/read-token.ts", 'import type { Cli } from "../cli/run-cli.js";'],
    ["jwks/fetch-jwks.ts", 'const client = await import("../client/index.js");'],
    ["validator/token-cache.ts", 'type T = import("../testing/index.js").TestIssuer;'],
    ["platform/web.ts", 'import { serveJwks } from "../testing/serve-jwks.js";'],
    ["shared/call-hook.ts", 'import { x } from "../http/route-guard.js";'],
  ])("refuses %s importing an outer folder: %s", (file, text) => {
    expect(check(file, text)).toContainEqual(expect.stringContaining("(core) imports"));
  });

  it("lets the outer folders import the core, and each other", () => {
    expect(check("http/express.ts", 'import { createValidator } from "../index.js";')).toEqual([]);
    expect(
      check(
        "testing/index.ts",
        'import { createValidator } from "../validator/create-validator.js";',
      ),
    ).toEqual([]);
    expect(check("client/authorize.ts", 'import type { Validator } from "../index.js";')).toEqual(
      [],
    );
  });

  it("keeps validator/ on top of the core: only index.ts and the outer folders import it", () => {
    const wiring = 'import { wirePipeline } from "../validator/create-validator.js";';
    for (const file of ["verify/x.ts", "jwks/x.ts", "requirements/x.ts", "platform/x.ts"]) {
      expect(check(file, wiring), file).toEqual([
        `${file} imports validator/create-validator.ts: only index.ts and the outer folders use validator/`,
      ]);
    }
    expect(
      check("resolve-options.ts", 'import type { Pipeline } from "./validator/validate-token.js";'),
    ).toHaveLength(1);
    expect(
      check("index.ts", 'export { createValidator } from "./validator/create-validator.js";'),
    ).toEqual([]);
    expect(check("http/fetch.ts", wiring)).toEqual([]);
    expect(
      check("validator/create-validator.ts", 'import { TokenCache } from "./token-cache.js";'),
    ).toEqual([]);
  });

  it("refuses requirements/ importing verify/, even a type", () => {
    expect(
      check(
        "requirements/check-requirements.ts",
        'import { holderOf } from "../verify/holder-of.js";',
      ),
    ).toEqual(["requirements/check-requirements.ts (requirements) imports verify/holder-of.ts"]);
    expect(
      check("requirements/x.ts", 'import type { A } from "../verify/algorithms.js";'),
    ).toHaveLength(1);
    expect(
      check("requirements/x.ts", 'import { holderOf } from "../shared/holder-of.js";'),
    ).toEqual([]);
  });

  it("keeps shared/ a leaf: only shared/, errors.ts and types.ts", () => {
    expect(
      check(
        "shared/a.ts",
        'import { b } from "./b.js";\nimport type { E } from "../errors.js";\nimport type { T } from "../types.js";',
      ),
    ).toEqual([]);
    expect(
      check("shared/a.ts", 'import { checkHeader } from "../verify/check-header.js";'),
    ).toHaveLength(1);
    expect(
      check("shared/a.ts", 'import { createValidator } from "../validator/create-validator.js";'),
    ).toHaveLength(2);
    expect(check("shared/a.ts", 'import { LRUCache } from "lru-cache";')).toHaveLength(1);
  });

  it("keeps @noble (optional peers for test wallets) inside testing/", () => {
    expect(
      check("testing/load-noble.ts", 'const m = await import("@noble/curves/ed25519.js");'),
    ).toEqual([]);
    expect(check("cli/x.ts", 'import { ed25519 } from "@noble/curves/ed25519.js";')).toEqual([
      "cli/x.ts imports @noble/curves/ed25519.js, but only testing/ may (an optional peer)",
    ]);
    expect(check("verify/x.ts", 'const h = await import("@noble/hashes/sha3.js");')).toHaveLength(
      1,
    );
  });

  it("refuses node: modules and the global Buffer outside the Node-only files", () => {
    expect(check("verify/x.ts", 'import { verify } from "node:crypto";')).toHaveLength(1);
    expect(
      check("client/x.ts", 'const { readFile } = await import("node:fs/promises");'),
    ).toHaveLength(1);
    expect(check("http/fetch.ts", "const bytes = Buffer.from(text);")).toEqual([
      "http/fetch.ts uses the global Buffer, but only Node-only files may",
    ]);
    expect(check("jwks/x.ts", "const n = globalThis.Buffer;")).toHaveLength(1);
    expect(check("jwks/x.ts", "const n = bytes.Buffer;")).toEqual([]);
    expect(
      check(
        "jwks/x.ts",
        '// Buffer is not used here\nconst s = "Buffer";\nconst o = { Buffer: 1 };',
      ),
    ).toEqual([]);
    for (const file of [
      "platform/node.ts",
      "cli/main.ts",
      "testing/serve-jwks.ts",
      "http/express.ts",
      "http/fastify.ts",
    ]) {
      expect(
        check(file, 'import { createServer } from "node:http";\nBuffer.from("x");'),
        file,
      ).toEqual([]);
    }
  });
});
