#!/usr/bin/env node
import { runCli } from "./run-cli.js";

async function readStdin(maxBytes: number): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error(`more than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function writer(stream: NodeJS.WriteStream): (text: string) => Promise<void> {
  // A failed write also emits "error"; it is reported through the callback, never as a crash.
  stream.on("error", () => undefined);
  return (text) =>
    new Promise((resolve, reject) => {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
}

process.exitCode = await runCli(process.argv.slice(2), {
  readStdin,
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  env: process.env,
});
