import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The layering rules of src/, read from the source itself: each file's imports (static, dynamic,
// re-exports, type-only too, each marked as such) and its uses of the global `Buffer`.

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** What one source file depends on. */
interface SourceFacts {
  /** The file, relative to src/ (`verify/read-token.ts`). */
  file: string;
  /** Relative imports resolved to files under src/, other specifiers as written. */
  imports: string[];
  /** The imports that bring values (not types only) into the file, resolved as `imports`. */
  valueImports: string[];
  /** Whether the file names the global `Buffer`. */
  usesBuffer: boolean;
}

/** The module specifiers a source text imports, and whether it names the global `Buffer`. */
function readFacts(file: string, text: string): SourceFacts {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const valueImports: string[] = [];
  let usesBuffer = false;
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      imports.push(node.moduleSpecifier.text);
      if (bringsValues(node)) valueImports.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      imports.push(node.arguments[0].text);
      valueImports.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) imports.push(literal.text);
    } else if (ts.isIdentifier(node) && node.text === "Buffer" && namesTheGlobal(node)) {
      usesBuffer = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return {
    file,
    imports: imports.flatMap((specifier) => resolve(file, specifier)),
    valueImports: valueImports.flatMap((specifier) => resolve(file, specifier)),
    usesBuffer,
  };
}

/** Whether an import or export declaration brings a value, not only types, into the file. */
function bringsValues(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return false;
    const clause = node.exportClause;
    return !(
      clause !== undefined &&
      ts.isNamedExports(clause) &&
      clause.elements.length > 0 &&
      clause.elements.every((element) => element.isTypeOnly)
    );
  }
  const clause = node.importClause;
  if (clause === undefined) return true;
  if (clause.isTypeOnly) return false;
  if (clause.name !== undefined) return true;
  const bindings = clause.namedBindings;
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.length === 0 || bindings.elements.some((each) => !each.isTypeOnly);
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

/**
 * A relative specifier as the src/ file it names (`../errors.js` from `shared/x.ts` →
 * `errors.ts`); `#platform` as both files it may name; other specifiers as written.
 */
function resolve(file: string, specifier: string): string[] {
  if (specifier === "#platform") return ["platform/node.ts", "platform/web.ts"];
  if (!specifier.startsWith(".")) return [specifier];
  return [posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts")];
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
      if (file.startsWith("platform/") && target.startsWith("verify/")) {
        violations.push(`${file} (platform) imports ${target}: platform/ sits below verify/`);
      }
      if (file.startsWith("cli/") && target === "validator/resolve-options.ts") {
        violations.push(`${file} (cli) imports ${target}: the CLI goes through createValidator`);
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

/** The longest chain of value imports allowed between src/ files, counted in files. */
const MAX_IMPORT_DEPTH = 9;

/**
 * The import cycles that hold a value import, each as its files: a cycle of type-only imports
 * (types.ts and errors.ts naming each other's types) is erased at build time and harmless.
 */
function valueCycles(all: readonly SourceFacts[]): string[][] {
  const edges = new Map(all.map((each) => [each.file, new Set(each.imports)]));
  const values = new Map(all.map((each) => [each.file, new Set(each.valueImports)]));
  const components = stronglyConnected([...edges.keys()], (file) => [...(edges.get(file) ?? [])]);
  return components.filter((component) => {
    const inside = new Set(component);
    const looped =
      component.length > 1 || edges.get(component[0] as string)?.has(component[0] as string);
    return (
      looped &&
      component.some((file) => [...(values.get(file) ?? [])].some((target) => inside.has(target)))
    );
  });
}

/** Tarjan's strongly connected components of a graph, each as its nodes. */
function stronglyConnected(nodes: readonly string[], next: (node: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const known = new Set(nodes);
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const target of next(node).filter((each) => known.has(each))) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return components;
}

/** The longest chain of value imports between these files (which must hold no value cycle). */
function longestValueChain(all: readonly SourceFacts[]): string[] {
  const values = new Map(all.map((each) => [each.file, each.valueImports]));
  const longest = new Map<string, string[]>();
  const chainFrom = (file: string): string[] => {
    const known = longest.get(file);
    if (known !== undefined) return known;
    let best: string[] = [];
    for (const target of values.get(file) ?? []) {
      if (!values.has(target)) continue;
      const chain = chainFrom(target);
      if (chain.length > best.length) best = chain;
    }
    const chain = [file, ...best];
    longest.set(file, chain);
    return chain;
  };
  return all
    .map((each) => chainFrom(each.file))
    .reduce((a, b) => (b.length > a.length ? b : a), []);
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
      expect.arrayContaining(["platform/node.ts", "errors.ts", "verify/check-header.ts"]),
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

describe("the import graph of src/", () => {
  it("has no import cycle but type-only ones", () => {
    expect(valueCycles(facts)).toEqual([]);
  });

  it(`is at most ${MAX_IMPORT_DEPTH} files deep, counting value imports`, () => {
    const chain = longestValueChain(facts);
    expect(chain.length, chain.join(" → ")).toBeLessThanOrEqual(MAX_IMPORT_DEPTH);
  });
});

describe("the import graph rules themselves", () => {
  const facts = (files: Record<string, string>) =>
    Object.entries(files).map(([file, text]) => readFacts(file, text));

  it("tells type-only imports from value imports", () => {
    const [read] = facts({
      "a.ts": [
        'import type { A } from "./t1.js";',
        'import { type B } from "./t2.js";',
        'import { type C, d } from "./v1.js";',
        'import "./v2.js";',
        'export type { E } from "./t3.js";',
        'export { f } from "./v3.js";',
        'const g = await import("./v4.js");',
        'type H = import("./t4.js").H;',
      ].join("\n"),
    });
    expect(read?.valueImports).toEqual(["v1.ts", "v2.ts", "v3.ts", "v4.ts"]);
    expect(read?.imports).toHaveLength(8);
  });

  it("lets a cycle of type-only imports be, and finds one that holds a value import", () => {
    const typeOnly = facts({
      "errors.ts": 'import type { T } from "./types.js";',
      "types.ts": 'import type { E } from "./errors.js";',
    });
    expect(valueCycles(typeOnly)).toEqual([]);
    const mixed = facts({
      "a.ts": 'import { b } from "./b.js";',
      "b.ts": 'import type { C } from "./c.js";',
      "c.ts": 'import type { A } from "./a.js";',
    });
    expect(valueCycles(mixed).map((cycle) => [...cycle].sort())).toEqual([
      ["a.ts", "b.ts", "c.ts"],
    ]);
  });

  it("measures depth in files along value imports only", () => {
    const chain = facts({
      "a.ts": 'import { b } from "./b.js";\nimport type { D } from "./d.js";',
      "b.ts": 'import { c } from "./c.js";',
      "c.ts": "export const c = 1;",
      "d.ts": 'import { e } from "./e.js";',
      "e.ts": 'import { f } from "./f.js";',
      "f.ts": 'import { g } from "./g.js";',
      "g.ts": "export const g = 1;",
    });
    expect(longestValueChain(chain)).toEqual(["d.ts", "e.ts", "f.ts", "g.ts"]);
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

  it("refuses platform/ importing verify/, and the CLI importing the options resolver", () => {
    expect(check("platform/node.ts", 'import type { A } from "../verify/read-token.js";')).toEqual([
      "platform/node.ts (platform) imports verify/read-token.ts: platform/ sits below verify/",
    ]);
    expect(check("platform/node.ts", 'import type { A } from "./algorithms.js";')).toEqual([]);
    expect(
      check("cli/key-source.ts", 'import { checkJwksUri } from "../validator/resolve-options.js";'),
    ).toEqual([
      "cli/key-source.ts (cli) imports validator/resolve-options.ts: the CLI goes through createValidator",
    ]);
    expect(
      check("cli/key-source.ts", 'import { checkJwksUri } from "../shared/secure-url.js";'),
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
