// The TOML subset reader against a file as conformance/run writes it, and the lines it refuses.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "./config.mjs";

const WRITTEN = `
[primary]
name = "primary"
host = "127.0.0.1"
port = 34101
ca = "/x/ca.crt"
client_cert = "/x/client.crt"
client_key = "/x/client.key"

[[secondary]]
name = "secondary"
host = "127.0.0.1"
port = 49285
ca = "/y/ca.crt"
client_cert = "/y/client.crt"
client_key = "/y/client.key"

[protocol]
version = "1.4"

[timeouts]
connect = "2s"
failover_delay = "50ms"
`;

test("reads the servers in order, the version and the timeouts", () => {
  const c = parseConfig(WRITTEN);
  assert.deepEqual(c.servers.map((s) => [s.name, s.port]), [["primary", 34101], ["secondary", 49285]]);
  assert.equal(c.servers[1].client_key, "/y/client.key");
  assert.equal(c.protocol.version, "1.4");
  assert.deepEqual(c.timeouts, { connect: "2s", failover_delay: "50ms" });
});

test("refuses what it does not read, naming the line", () => {
  assert.throws(() => parseConfig("[tls]\nverify = false\n", "k.toml"), /k.toml:1: unknown table \[tls\]/);
  assert.throws(() => parseConfig("[primary]\nport = 1.5\n", "k.toml"), /k.toml:2: port: only/);
  assert.throws(() => parseConfig("[primary]\nverify = true\n", "k.toml"), /unknown key verify/);
  assert.throws(() => parseConfig("port = 1\n", "k.toml"), /inside a table/);
  assert.throws(() => parseConfig("", "k.toml"), /no \[primary\] server/);
});
