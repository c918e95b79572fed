/**
 * A child process of the HTTP benchmark: starts one server of `http-apps.ts`, named by the first
 * argument and built from the JSON settings in the second, and reports its port to the parent.
 * It closes and exits when the parent disconnects, or dies, so that nothing outlives a run.
 */
import { APP_NAMES, type AppName, type AppSettings, startApp } from "./http-apps.js";

const [name, settings] = process.argv.slice(2);
if (!APP_NAMES.includes(name as AppName) || settings === undefined || process.send === undefined) {
  throw new TypeError(`usage: forked with one of ${APP_NAMES.join(", ")} and JSON settings`);
}
const app = await startApp(name as AppName, JSON.parse(settings) as AppSettings);
process.once("disconnect", () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.send({ port: app.port });
