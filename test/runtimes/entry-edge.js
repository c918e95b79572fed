// Entry for Vercel's edge-runtime VM, bundled as a script: the driver calls
// `picketSuite.run()` inside the VM and receives the report as a JSON string.
import { runSuite } from "./behaviour-suite.js";
import fixtures from "./fixtures.js";

export async function run() {
  return JSON.stringify(await runSuite(fixtures));
}
