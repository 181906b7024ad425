// Real key servers for the online tests, started with the repository's harnesses on 127.0.0.1
// (ports chosen free, one directory each under target/wasm-test/) and stopped, by the PID the
// harness recorded, when the test file ends: PyKMIP 0.11 (conformance/pykmip/kmip-test-server)
// and Cosmian KMS 5.28 (conformance/cosmian/kms-test-server, for its HTTPS endpoint).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after } from "node:test";

import { root } from "./helpers.mjs";

const harnesses = {
  pykmip: path.join(root, "conformance", "pykmip", "kmip-test-server"),
  cosmian: path.join(root, "conformance", "cosmian", "kms-test-server"),
};

function start(kind, dir) {
  const out = execFileSync(harnesses[kind], ["start", "--dir", dir, "--port", "0", "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 300_000,
  });
  return { ...JSON.parse(out.trim().split("\n").pop() ?? ""), dir, kind };
}

/** Stops the server started in `server.dir`. */
export function stop(server) {
  execFileSync(harnesses[server.kind], ["stop", "--dir", server.dir], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Starts `count` servers of `kind` ("pykmip" or "cosmian") for this test file. */
export function startServers(kind, count = 1) {
  const base = path.join(root, "target", "wasm-test");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${kind}-`));
  const servers = [];
  after(() => {
    for (const server of servers) {
      try {
        stop(server);
      } catch {
        // Already stopped by the test (failover).
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < count; i++) servers.push(start(kind, path.join(dir, `server-${i}`)));
  return servers;
}

/** nodeTlsTransport's server table for PyKMIP servers: names kms1, kms2, ... (file paths). */
export function tlsServers(servers) {
  return Object.fromEntries(
    servers.map((s, i) => [
      `kms${i + 1}`,
      { host: "127.0.0.1", port: s.port, ca: s.ca, cert: s.client_cert, key: s.client_key },
    ]),
  );
}

/**
 * Writes a `kmipkit.toml` for the CLI that reaches `server` (owner-only, as the CLI requires),
 * `head` lines (such as a `[key]` table) first.
 */
export function writeCliConfig(file, server, head = []) {
  const lines = [
    ...head,
    "[primary]",
    'host = "127.0.0.1"',
    `port = ${server.port}`,
    `ca = ${JSON.stringify(server.ca)}`,
    `client_cert = ${JSON.stringify(server.client_cert)}`,
    `client_key = ${JSON.stringify(server.client_key)}`,
    "",
  ];
  writeFileSync(file, lines.join("\n"), { mode: 0o600 });
  chmodSync(file, 0o600);
}
