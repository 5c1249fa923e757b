// Starting dynoscope-server for the JavaScript SDK tests: the binary DYNOSCOPE_SERVER_BIN
// names (default target/debug/dynoscope-server) on a free port, with extra arguments;
// resolves once it listens, with its URL and a stop() that ends it with SIGTERM.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SERVER_BIN = process.env.DYNOSCOPE_SERVER_BIN ?? `${REPO}target/debug/dynoscope-server`;

/** Starts a server on a free port with `args`; resolves to { url, stop }. */
export function startServer(...args) {
  const child = spawn(SERVER_BIN, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    child.on("error", reject);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) {
        const stop = () =>
          new Promise((done) => {
            child.on("exit", (code) => done(code));
            child.kill("SIGTERM");
          });
        resolve({ url: match[1], stop });
      }
    });
  });
}
