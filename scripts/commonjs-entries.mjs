// CommonJS faces of the ES module entry points, for TypeScript's CommonJS resolution modes.
// Node >= 20.19 lets CommonJS require() the ES modules, but TypeScript under `module: node16`
// types a .cts file's require() only from CommonJS-format declarations, and under
// `moduleResolution: node10` it ignores `exports` altogether. For every entry of package.json
// `exports`, this writes:
// - `<entry>.cjs`: `exports.<name> = require("./<entry>.js").<name>` for each export, the same
//   module instance, so no second copy of the package's state or classes (named assignments,
//   not `module.exports =`, so that an entry's `export default` is typed as it runs);
// - `<entry>.d.cts` and every declaration it reaches, as CommonJS-format copies, their bare
//   imports typed as the ES modules the code really imports;
// - `dist/node10/<subpath>.d.ts`, which package.json `typesVersions` maps node10 subpaths to
//   (then, for the root and package.json, the path itself).
// The entries are read from package.json, and an entry without its `require` condition fails
// the build with the lines to add, so that a new entry cannot ship without CommonJS types.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Each `exports` entry's subpath and its ES module and declaration files, without `./`. */
function moduleEntries() {
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === "object" && target !== null)
    .map(([subpath, target]) => {
      const js = target.default.replace(/^\.\//, "");
      return { subpath, target, js, dts: js.replace(/\.js$/, ".d.ts") };
    });
}

/** Fails unless the entry sends `require` to the files this script writes for it. */
function checkRequireCondition({ subpath, target, js }) {
  const wanted = { types: `./${js.replace(/\.js$/, ".d.cts")}`, default: `./${cjsOf(js)}` };
  const first = Object.keys(target)[0];
  const actual = target.require;
  if (first !== "require" || actual?.types !== wanted.types || actual?.default !== wanted.default) {
    throw new Error(
      `package.json exports["${subpath}"] must start with the CommonJS condition, before "types":\n` +
        `  "require": ${JSON.stringify(wanted)},`,
    );
  }
}

const cjsOf = (path) => path.replace(/\.js$/, ".cjs");
const ctsOf = (path) => path.replace(/\.d\.ts$/, ".d.cts");

/**
 * The declaration file as a CommonJS-format one: relative specifiers to `.cjs`, and bare ones
 * (other than node: built-ins) imported with `resolution-mode: import`, as the code imports them.
 * Returns the text and the relative declaration files it reaches.
 */
function toCommonJsDeclaration(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edits = [];
  const reached = [];
  for (const statement of source.statements) {
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const name = specifier.text;
    if (name.startsWith(".")) {
      reached.push(join(dirname(file), name.replace(/\.js$/, ".d.ts")));
      edits.push({ at: specifier.getStart(source), end: specifier.end, text: `"${cjsOf(name)}"` });
    } else if (!name.startsWith("node:")) {
      edits.push(...esmImport(statement, source, file));
    }
  }
  let result = text;
  for (const edit of edits.sort((a, b) => b.at - a.at)) {
    result = result.slice(0, edit.at) + edit.text + result.slice(edit.end);
  }
  return { text: result, reached };
}

/** `import [type] … from "pkg"` → `import type … from "pkg" with { "resolution-mode": "import" }`. */
function esmImport(statement, source, file) {
  if (!ts.isImportDeclaration(statement) || statement.attributes !== undefined) {
    throw new Error(`${file}: cannot type "${statement.moduleSpecifier.text}" for CommonJS`);
  }
  const clause = statement.importClause;
  const edits = [
    {
      at: statement.moduleSpecifier.end,
      end: statement.moduleSpecifier.end,
      text: ` with { "resolution-mode": "import" }`,
    },
  ];
  if (clause !== undefined && !clause.isTypeOnly) {
    const at = clause.getStart(source);
    edits.push({ at, end: at, text: "type " });
  }
  return edits;
}

/** Writes the CommonJS declaration copies of `entry` and of everything it reaches. */
function writeDeclarations(entry, written) {
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (written.has(file)) continue;
    written.add(file);
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`${file} is missing: run tsc before this script`);
    const { text, reached } = toCommonJsDeclaration(file, readFileSync(path, "utf8"));
    writeFileSync(join(root, ctsOf(file)), text);
    pending.push(...reached);
  }
}

/**
 * The node10 stub of a subpath: `dist/node10/express.d.ts` for `./express`. The root needs none:
 * `typesVersions` falls back to the unmapped path, the `types` field.
 */
function writeNode10Stub({ subpath, dts }) {
  if (subpath === ".") return;
  const stub = join(root, "dist", "node10", `${subpath.slice(2)}.d.ts`);
  mkdirSync(dirname(stub), { recursive: true });
  // node10 knows no module formats: the ES declarations, whose imports need no attributes.
  const target = relative(dirname(stub), join(root, dts)).replace(/\.d\.ts$/, ".js");
  writeFileSync(stub, `export * from "${target.startsWith(".") ? target : `./${target}`}";\n`);
}

/** The `.cjs` text that hands CommonJS each export of the ES module `js`. */
async function commonjsFace(js) {
  const names = Object.keys(await import(pathToFileURL(join(root, js)).href));
  const lines = names.map((name) => `exports.${name} = entry.${name};`);
  return [
    `"use strict";`,
    `Object.defineProperty(exports, "__esModule", { value: true });`,
    `const entry = require("./${js.split("/").at(-1)}");`,
    ...lines,
    "",
  ].join("\n");
}

const written = new Set();
for (const entry of moduleEntries()) {
  checkRequireCondition(entry);
  writeFileSync(join(root, cjsOf(entry.js)), await commonjsFace(entry.js));
  writeDeclarations(entry.dts, written);
  writeNode10Stub(entry);
}
