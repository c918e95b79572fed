// Measures a fresh process: load the package, read a saved key set, validate one token.
// Prints the milliseconds since the process started (performance.now() counts from then).
import { readFileSync } from "node:fs";
import { createValidator } from "../dist/index.js";

const [jwksFile, projectId, token] = process.argv.slice(2);
const validator = createValidator({ projectId, jwks: JSON.parse(readFileSync(jwksFile, "utf8")) });
await validator.validate(token);
process.stdout.write(`${performance.now().toFixed(2)}\n`);
