// kmipkit-wasm/node-tls: the transport for Node — KMIP's TTLV over mutual TLS with node:tls, one
// kept-open connection per server (reopened when lost), one request at a time on it. It carries
// bytes and nothing else: negotiation and failover are the core's (Client.connect). Also
// nodeHttpsFetch: a fetch-compatible function over node:https that presents a client
// certificate, for fetchTransport in Node (whose global fetch cannot).
import tls from "node:tls";
import https from "node:https";
import net from "node:net";
import { readFileSync } from "node:fs";

/** The TTLV header: tag (3), type (1), length (4, big-endian). */
const HEADER = 8;
/** The default bound on one reply: the core's default message limit. */
const DEFAULT_MAX_REPLY = 16 << 20;
const DEFAULT_CONNECT_TIMEOUT = 5000;

function invalid(message) {
  const err = new TypeError(message);
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  return err;
}

/** A transport failure in the shape the client reads (`.code`, `.requestSent`, ...). */
function failure(code, message, extra = {}) {
  return Object.assign(new Error(message), { code }, extra);
}

function abortError(signal) {
  return Object.assign(new Error("The operation was aborted", { cause: signal?.reason }), {
    name: "AbortError",
    code: "ABORT_ERR",
  });
}

/** PEM text as given, or read from a file path; Buffers and Uint8Arrays as they are. */
function pem(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== "string" || value === "") throw invalid(`${what} must be PEM text or a file path`);
  if (value.includes("-----BEGIN")) return value;
  try {
    return readFileSync(value);
  } catch (err) {
    throw invalid(`${what}: cannot read ${value}: ${err.message}`);
  }
}

/** TLS options of one server: verification always on (there is no option to turn it off). */
function tlsOptions(name, config) {
  if (config === null || typeof config !== "object") throw invalid(`servers.${name} must be an object`);
  const { host, port } = config;
  if (typeof host !== "string" || host === "") throw invalid(`servers.${name}.host must be a host name or address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`servers.${name}.port must be 1 to 65535`);
  const options = {
    host,
    port,
    ca: pem(config.ca, `servers.${name}.ca`),
    cert: pem(config.cert, `servers.${name}.cert`),
    key: pem(config.key, `servers.${name}.key`),
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  };
  // SNI takes a host name only; an IP address is still checked against the certificate's IP SANs.
  if (!net.isIP(host)) options.servername = config.servername ?? host;
  return options;
}

/** What a TLS or socket error means to the failover: see bindings/wasm/src/online/host.rs. */
function mapError(err, address, requestSent) {
  const code = String(err?.code ?? "");
  const message = `${err?.message ?? err} (${code || "no code"})`;
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|ACCESS_DENIED)/.test(code)) {
    return failure("KMIPKIT_CERTIFICATE", `the server refused the client certificate: ${message}`, { rejectedBy: "server" });
  }
  if (/CERT|SELF_SIGNED|VERIFY|ALTNAME/.test(code)) {
    return failure("KMIPKIT_CERTIFICATE", `the server certificate was refused: ${message}`, { rejectedBy: "client" });
  }
  if (/^ERR_SSL_|^ERR_TLS_/.test(code)) return failure("KMIPKIT_TLS", message);
  if (!requestSent && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/.test(code)) {
    return failure("KMIPKIT_CONNECT", message, { address });
  }
  return failure("KMIPKIT_CONNECTION_LOST", message, { requestSent });
}

/**
 * A transport over node:tls. `servers`: `{ name: { host, port, ca, cert, key, servername? } }`
 * with PEM text or file paths. Options: `connectTimeoutMs` (5000; TCP connect and handshake),
 * `maxReplyBytes` (16 MiB).
 */
export function nodeTlsTransport(options) {
  if (options === null || typeof options !== "object") throw invalid("nodeTlsTransport needs an options object");
  const { servers, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT, maxReplyBytes = DEFAULT_MAX_REPLY } = options;
  if (servers === null || typeof servers !== "object" || Object.keys(servers).length === 0) {
    throw invalid("options.servers must name at least one server: { name: { host, port, ca, cert, key } }");
  }
  if (!Number.isInteger(maxReplyBytes) || maxReplyBytes < HEADER) throw invalid("maxReplyBytes must be an integer of at least 8");
  const states = new Map();
  const identity = [];
  for (const [name, config] of Object.entries(servers)) {
    const tlsOpts = tlsOptions(name, config);
    states.set(name, { name, tls: tlsOpts, socket: null, queue: Promise.resolve() });
    identity.push(name, tlsOpts.host, String(tlsOpts.port), String(tlsOpts.ca), String(tlsOpts.cert));
  }
  let closed = false;

  const peers = Object.fromEntries([...states].map(([name, s]) => [name, { host: s.tls.host, port: s.tls.port }]));
  return {
    /** Where each server is, for the client's messages and events. */
    peers,
    /** Public set-up only (addresses, CA and client certificates): key caches bind to it. */
    identity: identity.join("\n"),
    send(server, request, { signal, timeoutMs } = {}) {
      const state = states.get(server);
      if (state === undefined) return Promise.reject(invalid(`the transport has no server named ${server}`));
      if (closed) return Promise.reject(new Error("this transport is closed"));
      const deadline = Date.now() + (Number.isFinite(timeoutMs) ? timeoutMs : 60000);
      // One exchange at a time per connection: KMIP over TLS answers in order, one by one.
      const result = state.queue.then(() => exchange(state, request, signal, deadline, connectTimeoutMs, maxReplyBytes));
      state.queue = result.catch(() => {});
      return result;
    },
    /** Closes every connection. */
    async close() {
      closed = true;
      for (const state of states.values()) {
        state.socket?.destroy();
        state.socket = null;
      }
    },
  };
}

async function exchange(state, request, signal, deadline, connectTimeoutMs, maxReplyBytes) {
  if (signal?.aborted) throw abortError(signal);
  let socket = state.socket;
  if (socket === null || socket.destroyed || !socket.writable) {
    state.socket = null;
    socket = await connect(state, signal, Math.min(connectTimeoutMs, deadline - Date.now()));
    state.socket = socket;
  }
  return roundTrip(state, socket, request, signal, deadline, maxReplyBytes);
}

function connect(state, signal, timeoutMs) {
  const address = `${state.tls.host}:${state.tls.port}`;
  return new Promise((resolve, reject) => {
    if (timeoutMs <= 0) {
      reject(failure("KMIPKIT_TIMEOUT", `no time left to connect to ${address}`));
      return;
    }
    const socket = tls.connect(state.tls);
    const done = (err) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("secureConnect", onConnect);
      socket.off("error", onError);
      if (err === undefined) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(err);
    };
    const onConnect = () => {
      // Idle errors and closes just retire the connection; the next request opens another.
      socket.on("error", () => {});
      socket.on("close", () => {
        if (state.socket === socket) state.socket = null;
      });
      socket.unref();
      done();
    };
    const onError = (err) => done(mapError(err, address, false));
    const onAbort = () => done(abortError(signal));
    const timer = setTimeout(
      () => done(failure("KMIPKIT_CONNECT", `no TLS connection to ${address} within ${timeoutMs} ms`, { address })),
      timeoutMs,
    );
    socket.once("secureConnect", onConnect);
    socket.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Writes `request` and reads exactly one TTLV message: its 8-byte header, then its length. */
function roundTrip(state, socket, request, signal, deadline, maxReplyBytes) {
  const address = `${state.tls.host}:${state.tls.port}`;
  return new Promise((resolve, reject) => {
    const chunks = [];
    let got = 0;
    let need = null;
    const finish = (err, reply) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("error", onError);
      socket.unref();
      // The reply may hold key material: wipe the pieces once copied (or dropped).
      for (const chunk of chunks) chunk.fill(0);
      if (err === undefined) {
        resolve(reply);
        return;
      }
      socket.destroy();
      if (state.socket === socket) state.socket = null;
      reject(err);
    };
    const onData = (chunk) => {
      chunks.push(chunk);
      got += chunk.length;
      if (need === null && got >= HEADER) {
        const header = Buffer.concat(chunks, got).subarray(0, HEADER);
        need = HEADER + header.readUInt32BE(4);
        if (header[0] !== 0x42 || header[3] !== 0x01) {
          finish(new Error(`${address} sent bytes that are not a KMIP TTLV message (is this its KMIP port?)`));
          return;
        }
        if (need > maxReplyBytes) {
          finish(Object.assign(new Error(`the reply from ${address} would be ${need} bytes, over the ${maxReplyBytes}-byte bound (maxReplyBytes)`), { code: "KMIPKIT_LIMIT_EXCEEDED" }));
          return;
        }
      }
      if (need !== null && got > need) {
        finish(new Error(`${address} sent ${got - need} bytes after the reply: the connection is out of step`));
      } else if (need !== null && got === need) {
        finish(undefined, new Uint8Array(Buffer.concat(chunks, got)));
      }
    };
    const onClose = () =>
      finish(failure("KMIPKIT_CONNECTION_LOST", `${address} closed the connection after ${got} bytes of the reply`, { requestSent: true }));
    const onError = (err) => finish(mapError(err, address, true));
    const onAbort = () => finish(abortError(signal));
    const left = deadline - Date.now();
    const timer = setTimeout(
      () => finish(failure("KMIPKIT_TIMEOUT", `no whole reply from ${address} within the time left`)),
      Math.max(left, 0),
    );
    socket.ref();
    socket.on("data", onData);
    socket.on("close", onClose);
    socket.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.write(request);
  });
}

/**
 * A fetch-compatible function over node:https that presents a client certificate, for
 * `fetchTransport({ servers, fetch: nodeHttpsFetch({ ca, cert, key }) })` in Node: Node's global
 * fetch has no option for one (its undici Agent is not exposed). PEM text or file paths;
 * verification always on. Supports what fetchTransport uses: method, headers, a Uint8Array
 * body, signal; the Response's status, headers and body.
 */
export function nodeHttpsFetch({ ca, cert, key }) {
  const agent = new https.Agent({
    ca: pem(ca, "ca"),
    cert: pem(cert, "cert"),
    key: pem(key, "key"),
    keepAlive: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  });
  const fetchOverHttps = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const request = https.request(url, { method: init.method ?? "GET", headers: init.headers, agent, signal: init.signal }, (response) => {
        const parts = [];
        response.on("data", (part) => parts.push(part));
        response.on("error", reject);
        response.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          const body = Buffer.concat(parts);
          for (const part of parts) part.fill(0);
          const status = response.statusCode ?? 0;
          resolve(new Response([101, 204, 205, 304].includes(status) ? null : body, { status, headers }));
        });
      });
      request.on("error", reject);
      request.end(init.body === undefined ? undefined : Buffer.from(init.body));
    });
  // fetchTransport's close() calls this: the kept-alive connections end with the client.
  fetchOverHttps.close = () => agent.destroy();
  return fetchOverHttps;
}
