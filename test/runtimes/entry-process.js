// Entry for runtimes that run a module from the command line (Node, Bun, Deno): one line of
// output, prefixed so that the driver finds it among anything else the runtime prints.
import { runSuite } from "./behaviour-suite.js";
import fixtures from "./fixtures.js";

const report = await runSuite(fixtures);
console.log(`PICKET_SUITE_REPORT ${JSON.stringify(report)}`);
