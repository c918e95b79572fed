// Bundles src/ into one ES module per public entry point, with the code they share in chunks.
// Node pays about half a millisecond for each module it loads: 41 modules were most of the
// package's import time. The entry points are read from package.json (exports, imports, bin),
// so that a new entry cannot be forgotten here. Dependencies stay external: users get their
// security fixes without a release of ours.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** Every `./dist/….js` path named by a field of package.json, as its `src/….ts` source. */
function entryPoints() {
  const paths = new Set();
  const visit = (value) => {
    if (typeof value === "string") {
      if (value.startsWith("./dist/") || value.startsWith("dist/")) {
        if (value.endsWith(".js")) paths.add(value.replace(/^(\.\/)?dist\//, "src/"));
      }
    } else if (value !== null && typeof value === "object") {
      for (const each of Object.values(value)) visit(each);
    }
  };
  visit([pkg.exports, pkg.imports, pkg.bin]);
  return [...paths].map((path) => path.replace(/\.js$/, ".ts")).sort();
}

await build({
  entryPoints: entryPoints(),
  outdir: "dist",
  outbase: "src",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  chunkNames: "chunks/[name]-[hash]",
  // The platform is chosen by the importing runtime through package.json `imports`.
  external: ["#platform", "node:*"],
  packages: "external",
  // tsconfig maps #platform to the Node source for type checking; the bundle must not follow it.
  tsconfigRaw: {},
  legalComments: "none",
  logLevel: "warning",
});
