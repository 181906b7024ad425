// Envelope throughput in headless Chromium (Debian's chromium, playwright-core from
// wasm/browser/): the package beside WebCrypto in the same page. The page is served on
// 127.0.0.1 by wasm/browser/serve.mjs (the package's published files; this folder's page and
// bench module as its fixtures). Usage: node wasm/bench/browser.mjs [--min-ms 1500]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "../browser/node_modules/playwright-core/index.mjs";
import { serve } from "../browser/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    "min-ms": { type: "string", default: "1500" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const server = await serve({ "page.html": path.join(here, "page.html"), "bench.mjs": path.join(here, "bench.mjs") });
let browser;
try {
  browser = await chromium.launch({ executablePath: values.chromium, headless: true });
  const page = await browser.newPage();
  await page.goto(`${server.origin}/fixtures/page.html?minMs=${Number(values["min-ms"])}`);
  await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(`the page failed: ${result.error}`);
  console.log(result.text);
} finally {
  await browser?.close();
  await server.close();
}
