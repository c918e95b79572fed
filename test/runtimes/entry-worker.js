// Entry for Cloudflare's workerd, bundled as a module worker: every request runs the suite and
// answers the report as JSON.
import { runSuite } from "./behaviour-suite.js";
import fixtures from "./fixtures.js";

export default {
  async fetch() {
    return Response.json(await runSuite(fixtures));
  },
};
