// The WebCrypto path's checks (../test/webcrypto-checks.mjs, the frozen vectors) and envelope
// throughput in headless Chromium (Debian's chromium, playwright-core from
// wasm/browser/): the package beside WebCrypto in the same page. The page is served on
// 127.0.0.1 by wasm/browser/serve.mjs (the package's published files; this folder's page and
// bench module as its fixtures). Fails if any check failed.
// Usage: node wasm/bench/browser.mjs [--min-ms 1500] [--checks-only]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { chromium } from "../browser/node_modules/playwright-core/index.mjs";
import { serve } from "../browser/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    "min-ms": { type: "string", default: "1500" },
    "checks-only": { type: "boolean", default: false },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const vectorsDir = path.resolve(here, "..", "..", "conformance", "vectors", "envelope");
const load = (dir) => readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(dir, f), "utf8")) }));
const tmp = mkdtempSync(path.join(os.tmpdir(), "kmipkit-wasm-bench-"));
writeFileSync(path.join(tmp, "vectors.json"),
  JSON.stringify({ positive: load(vectorsDir), negative: load(path.join(vectorsDir, "negative")) }));
const server = await serve({
  "page.html": path.join(here, "page.html"),
  "bench.mjs": path.join(here, "bench.mjs"),
  "webcrypto-checks.mjs": path.join(here, "..", "test", "webcrypto-checks.mjs"),
  "vectors.json": path.join(tmp, "vectors.json"),
});
let browser;
try {
  browser = await chromium.launch({ executablePath: values.chromium, headless: true });
  const page = await browser.newPage();
  const checksOnly = values["checks-only"] ? "&checksOnly=1" : "";
  await page.goto(`${server.origin}/fixtures/page.html?minMs=${Number(values["min-ms"])}${checksOnly}`);
  await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(`the page failed: ${result.error}`);
  for (const c of result.checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name} ${c.detail}`);
  const failed = result.checks.filter((c) => !c.ok).length;
  console.log(`chromium webcrypto checks: ${result.checks.length - failed} passed, ${failed} failed`);
  if (result.text) console.log(`\n${result.text}`);
  if (failed > 0) process.exitCode = 1;
} finally {
  await browser?.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
