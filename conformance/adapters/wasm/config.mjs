// The scenario's client configuration, a kmipkit.toml written by conformance/run, read into the
// options of nodeTlsTransport and Client.connect. Only the subset the suite writes is read:
// [primary], [[secondary]], [protocol] and [timeouts] with string and integer values; anything
// else is refused by name, so a new key in the suite fails loudly instead of being ignored.
import { readFileSync } from "node:fs";

const KEYS = {
  primary: ["name", "host", "port", "ca", "client_cert", "client_key"],
  secondary: ["name", "host", "port", "ca", "client_cert", "client_key"],
  protocol: ["version"],
  timeouts: ["connect", "request", "deadline", "failover_delay"],
};

/** "2s", "50ms", "1m" as milliseconds. */
function millis(text, where) {
  const m = /^(\d+)(ms|s|m)$/.exec(String(text));
  if (!m) throw new Error(`${where}: a duration like "2s" or "50ms" expected, got ${JSON.stringify(text)}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2]];
}

/** Parses the TOML subset into { servers: [{name, host, port, ca, client_cert, client_key}], protocol, timeouts }. */
export function parseConfig(text, path = "kmipkit.toml") {
  const out = { servers: [], protocol: {}, timeouts: {} };
  let table = null;
  let section = null;
  text.split("\n").forEach((raw, i) => {
    const where = `${path}:${i + 1}`;
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const head = /^(\[\[?)([a-z_]+)(\]\]?)$/.exec(line);
    if (head) {
      section = head[2];
      if (!(section in KEYS)) throw new Error(`${where}: unknown table [${section}]`);
      if (section === "primary" || section === "secondary") {
        table = {};
        out.servers.push(table);
      } else {
        table = out[section];
      }
      return;
    }
    const kv = /^([a-z_]+)\s*=\s*(.+)$/.exec(line);
    if (!kv || table === null) throw new Error(`${where}: not a "key = value" line inside a table`);
    const [, key, value] = kv;
    if (!KEYS[section].includes(key)) throw new Error(`${where}: unknown key ${key} in [${section}]`);
    if (/^"([^"\\]*)"$/.test(value)) table[key] = value.slice(1, -1);
    else if (/^\d+$/.test(value)) table[key] = Number(value);
    else throw new Error(`${where}: ${key}: only "strings" and integers are read`);
  });
  if (out.servers.length === 0) throw new Error(`${path}: no [primary] server`);
  return out;
}

/** The configuration file as { transportOptions, connectOptions } (connectOptions lacks transport). */
export function loadConfig(path) {
  const config = parseConfig(readFileSync(path, "utf8"), path);
  const servers = {};
  for (const s of config.servers) {
    servers[s.name] = { host: s.host, port: s.port, ca: s.ca, cert: s.client_cert, key: s.client_key };
  }
  const t = config.timeouts;
  const timeouts = {};
  if (t.deadline) timeouts.deadlineMs = millis(t.deadline, `${path}: deadline`);
  if (t.request) timeouts.requestMs = millis(t.request, `${path}: request`);
  if (t.failover_delay) timeouts.failoverDelayMs = millis(t.failover_delay, `${path}: failover_delay`);
  const transportOptions = { servers };
  if (t.connect) transportOptions.connectTimeoutMs = millis(t.connect, `${path}: connect`);
  const connectOptions = { servers: config.servers.map((s) => s.name), timeouts };
  if (config.protocol.version) connectOptions.version = config.protocol.version;
  return { transportOptions, connectOptions };
}
