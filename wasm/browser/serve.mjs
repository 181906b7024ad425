// The test page's static server: plain node:http on 127.0.0.1 (port 0: the system picks one).
// It serves exactly three things and nothing else, so no path from a request ever reaches the
// file system unchecked:
//   /, /app.js, /online.js, /probe.html -> the same files in page/
//   /node_modules/kmipkit-wasm/... -> the files the npm package publishes (package.json "files"),
//                                     as a user's project would hold them after `npm install`
//   /fixtures/NAME                 -> the files run.mjs put in its fixtures folder
// The .wasm goes out as application/wasm, which WebAssembly.instantiateStreaming requires.
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const wasmDir = path.resolve(here, "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** The URL path -> file map of everything served; `fixtures` maps names to absolute paths. */
function routes(fixtures) {
  const map = new Map([
    ["/", path.join(here, "page", "index.html")],
    ["/app.js", path.join(here, "page", "app.js")],
    ["/online.js", path.join(here, "page", "online.js")],
    ["/probe.html", path.join(here, "page", "probe.html")],
  ]);
  const pkg = JSON.parse(readFileSync(path.join(wasmDir, "package.json"), "utf8"));
  for (const file of ["package.json", ...pkg.files]) {
    map.set(`/node_modules/kmipkit-wasm/${file}`, path.join(wasmDir, file));
  }
  for (const [name, file] of Object.entries(fixtures)) map.set(`/fixtures/${name}`, file);
  return map;
}

/**
 * Starts the server; resolves to `{ origin, close() }`.
 * @example const { origin, close } = await serve({ "capture.ttlv": "/tmp/x/capture.ttlv" });
 */
export async function serve(fixtures = {}) {
  const map = routes(fixtures);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = req.method === "GET" ? map.get(url.pathname) : undefined;
    if (file === undefined) {
      res.writeHead(req.method === "GET" ? 404 : 405, { "content-type": "text/plain" });
      res.end(`not served: ${req.method} ${url.pathname}\n`);
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`cannot read ${url.pathname}: ${err.code ?? err.message}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
