// The browser test (wasm/test-browser.sh runs it): Debian's Chromium, headless, driven by
// playwright-core, loads a page served on 127.0.0.1 that uses kmipkit-wasm, and this script
// reports the page's result table, saves a screenshot of it and fails if any row failed.
//
// It starts and stops, by PID (through their own start/stop): the page's static server (in this
// process), a Cosmian KMS (conformance/cosmian/kms-test-server, with the page's origin in
// its CORS allow-list) and the browser. Before the browser, it makes the inputs: a file the CLI
// encrypted against that Cosmian's KMIP socket, a KMIP capture, and an NSS database (a HOME of
// its own for the browser) trusting the test CA and holding the client certificate.
//
// Usage: node run.mjs --cli target/debug/kmipkit --out target/wasm-browser
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

import { writeCliConfig } from "../test/servers.mjs";
import { serve } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const { values: opts } = parseArgs({
  options: {
    cli: { type: "string", default: path.join(root, "target", "debug", "kmipkit") },
    out: { type: "string", default: path.join(root, "target", "wasm-browser") },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
/** Where Debian's Chromium reads managed policies; test-browser.sh installs ours there. */
export const POLICY_FILE = "/etc/chromium/policies/managed/kmipkit-wasm-browser-test.json";

const out = path.resolve(opts.out);
const work = path.join(out, "run");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true, mode: 0o700 });
const fixtures = path.join(work, "fixtures");
mkdirSync(fixtures);
const fx = (name) => path.join(fixtures, name);
const log = (text) => process.stderr.write(`[wasm-browser] ${text}\n`);
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...options });

/** A KMIP capture and what the package gives for it in Node, for the page to compare with. */
async function captureFixture() {
  const { TextCodec, dumpTtlv } = await import("../index.js");
  const hexText = readFileSync(path.join(root, "conformance/vectors/pykmip-0.11/03-create-aes256.req.hex"), "utf8");
  const ttlv = Uint8Array.from(Buffer.from(hexText.trim(), "hex"));
  const codec = new TextCodec();
  writeFileSync(fx("capture.ttlv"), ttlv);
  const expected = { json: codec.ttlvToJson(ttlv), xml: codec.ttlvToXml(ttlv), dump: dumpTtlv(ttlv) };
  writeFileSync(fx("capture.expected.json"), JSON.stringify(expected));
}

/** The CLI's Model 1 file (a data key it created and protected on the server) and its inputs. */
function cliFixture(server) {
  const config = path.join(work, "kmipkit.toml");
  const kek = "browser-cli-kek";
  writeCliConfig(config, server, ["[key]", `name = "${kek}"`]);
  const cli = (...args) => run(opts.cli, ["-c", config, ...args], { cwd: work });
  cli("dek", "create", "-o", path.join(work, "dek.bin"), "--create-kek", "--local");
  // The plain data key, for the page only (a real page would get it from its own service).
  cli("dek", "unlock", path.join(work, "dek.bin"), "--reveal", fx("cli-data-key.bin"));
  const plain = Buffer.alloc(3 * 65536 + 999);
  for (let i = 0; i < plain.length; i++) plain[i] = (i * 31 + (i >> 8)) & 0xff;
  writeFileSync(fx("cli-plain.bin"), plain);
  cli("encrypt", "--dek", path.join(work, "dek.bin"), "-C", "tenant=acme", "-C", "table=orders",
    fx("cli-plain.bin"), "-o", fx("by-cli.kmke"));
  return { kek, context: { tenant: "acme", table: "orders" } };
}

/** An NSS database in a HOME of the browser's own: the test CA trusted, the client's identity. */
function nssHome(server) {
  const home = path.join(work, "home");
  const db = `sql:${path.join(home, ".pki", "nssdb")}`;
  mkdirSync(path.join(home, ".pki", "nssdb"), { recursive: true, mode: 0o700 });
  run("certutil", ["-N", "-d", db, "--empty-password"]);
  run("certutil", ["-A", "-d", db, "-n", "kmipkit-test-ca", "-t", "C,,", "-i", server.ca]);
  const p12 = path.join(work, "client.p12");
  const pass = "pass:kmipkit-test"; // protects the file for its few seconds on disk only
  run("openssl", ["pkcs12", "-export", "-in", server.client_cert, "-inkey", server.client_key,
    "-name", "kmipkit-client", "-out", p12, "-passout", pass]);
  run("pk12util", ["-i", p12, "-d", db, "-W", pass.slice(5)]);
  rmSync(p12);
  return home;
}

async function main() {
  if (!existsSync(POLICY_FILE)) {
    throw new Error(`${POLICY_FILE} is missing (the client-certificate policy): run wasm/test-browser.sh`);
  }
  const served = await serve(Object.fromEntries(
    ["config.json", "capture.ttlv", "capture.expected.json", "by-cli.kmke", "cli-data-key.bin", "cli-plain.bin"]
      .map((name) => [name, fx(name)]),
  ));
  // A second origin, not in Cosmian's allow-list: the page checks that it is refused.
  const other = await serve({});
  const harness = path.join(root, "conformance", "cosmian", "kms-test-server");
  const serverDir = path.join(work, "cosmian");
  let browser;
  try {
    log(`page on ${served.origin}; starting Cosmian KMS with that origin in its CORS allow-list`);
    const server = JSON.parse(run(harness, ["start", "--dir", serverDir, "--port", "0", "--json",
      "--cors-origin", served.origin]));
    log(`Cosmian KMS PID ${server.pid}: KMIP socket ${server.port}, HTTPS ${server.https_url}`);
    await captureFixture();
    const cli = cliFixture(server);
    writeFileSync(fx("config.json"), JSON.stringify({ kmipUrl: server.https_url, otherOrigin: other.origin, cli }));
    const home = nssHome(server);

    browser = await chromium.launch({
      executablePath: opts.chromium,
      headless: true,
      env: { ...process.env, HOME: home },
      timeout: 60_000,
    });
    log(`Chromium ${browser.version()} (headless)`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    page.on("console", (m) => m.type() === "error" && log(`page console: ${m.text()}`));
    page.on("pageerror", (err) => log(`page error: ${err.message}`));
    await page.goto(served.origin);
    // The page's module waits for the package (top-level await), so it may start after "load".
    await page.waitForFunction(() => window.kmipkitDone !== undefined, undefined, { timeout: 60_000 });
    const summary = await page.evaluate(() => window.kmipkitDone);
    mkdirSync(out, { recursive: true });
    const png = path.join(out, "result.png");
    await page.locator("body").screenshot({ path: png });
    writeFileSync(path.join(out, "result.json"), JSON.stringify(summary, null, 2));
    for (const row of summary.rows) {
      console.log(`${row.result.toUpperCase().padEnd(4)} ${row.name} (${row.ms} ms)\n     ${row.detail}`);
    }
    if (summary.fatal) console.log(`FATAL ${summary.fatal}`);
    console.log(`screenshot: ${png}`);
    return summary;
  } finally {
    if (browser) await browser.close();
    await served.close();
    await other.close();
    run(harness, ["stop", "--dir", serverDir], { stdio: ["ignore", "inherit", "inherit"] });
  }
}

const summary = await main().catch((err) => {
  console.error(err?.stack ?? String(err));
  return { passed: 0, failed: 1, skipped: 0 };
});
// The work folder holds test keys (the CLI's data key, the client's key in the NSS database):
// kept only when something failed, to look at (Cosmian's log is in run/cosmian/logs/).
if (summary.failed === 0) rmSync(work, { recursive: true, force: true });
console.log(`wasm-browser: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exitCode = summary.failed === 0 && summary.passed > 0 ? 0 : 1;
