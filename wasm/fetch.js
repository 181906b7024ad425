// kmipkit-wasm/fetch: the transport for browsers, workers and Node — KMIP over HTTPS (OASIS KMIP
// Profiles v2.1 §5.3): each request one POST of TTLV (application/octet-stream), the reply the
// response body. The statuses mean what the core's own HTTPS transport says they mean
// (core/src/transport/http.rs): 401/403 an identity refused, 404 a wrong path, 502–504 a server
// behind a proxy that is down; the body of any other status is never read.

const DEFAULT_MAX_REPLY = 16 << 20;
const CONTENT_TYPE = "application/octet-stream";

function invalid(message) {
  const err = new TypeError(message);
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  return err;
}

function failure(code, message, extra = {}) {
  return Object.assign(new Error(message), { code }, extra);
}

/** Network errors that prove nothing was sent (Node's fetch gives them as `cause.code`). */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT)$/;

function networkFailure(err, url) {
  const code = String(err?.cause?.code ?? err?.code ?? "");
  const message = `POST ${url} failed: ${err?.cause?.message ?? err?.message ?? err}${code ? ` (${code})` : ""}`;
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)/.test(code)) {
    return failure("KMIPKIT_CERTIFICATE", message, { rejectedBy: "server" });
  }
  if (/CERT|SELF_SIGNED|VERIFY|ALTNAME/.test(code)) {
    return failure("KMIPKIT_CERTIFICATE", message, { rejectedBy: "client" });
  }
  if (NOT_SENT.test(code)) return failure("KMIPKIT_CONNECT", message, { address: String(url) });
  // A browser says only "Failed to fetch": the request may have left, so a create is looked up
  // on the next server before it is sent again.
  return failure("KMIPKIT_CONNECTION_LOST", message, { requestSent: true });
}

function statusFailure(status, url) {
  const text = `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return failure("KMIPKIT_AUTHENTICATION", `its HTTPS endpoint answered ${text} to POST ${url}: it did not accept the client's identity (client certificate, or the credential the endpoint requires)`);
  }
  if (status >= 502 && status <= 504) {
    return failure("KMIPKIT_CONNECTION_LOST", `its HTTPS endpoint answered ${text}: the key server behind it is unavailable`, { requestSent: true });
  }
  if (status === 404) return new Error(`there is no KMIP endpoint at ${url} (${text}); check the URL's path (the KMIP profile's is /kmip)`);
  return new Error(`POST ${url} answered ${text} instead of a KMIP reply; the server's log says why`);
}

/** The body, read up to `max` bytes (a longer one is refused before it is all read). */
async function body(response, max, url) {
  const refuse = (n) =>
    Object.assign(new Error(`the reply from ${url} is ${n} bytes or more, over the ${max}-byte bound (maxReplyBytes)`), { code: "KMIPKIT_LIMIT_EXCEEDED" });
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) throw refuse(declared);
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    parts.push(value);
    if (size > max) {
      await reader.cancel();
      for (const p of parts) p.fill(0);
      throw refuse(size);
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    // The reply may hold key material: wipe the pieces once copied.
    p.fill(0);
  }
  return out;
}

/**
 * A transport over `fetch`. `servers`: `{ name: 'https://host:port/kmip' }`. Options: `fetch`
 * (default the global one; in Node, `nodeHttpsFetch` from kmipkit-wasm/node-tls presents a client
 * certificate), `headers` (added to each POST, e.g. an Authorization a proxy wants),
 * `maxReplyBytes` (16 MiB), `credentials` (fetch's, default "same-origin").
 */
export function fetchTransport(options) {
  if (options === null || typeof options !== "object") throw invalid("fetchTransport needs an options object");
  const { servers, headers = {}, maxReplyBytes = DEFAULT_MAX_REPLY, credentials } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== "function") throw invalid("no fetch function: pass options.fetch");
  if (servers === null || typeof servers !== "object" || Object.keys(servers).length === 0) {
    throw invalid("options.servers must name at least one server: { name: 'https://host:port/kmip' }");
  }
  const urls = new Map();
  for (const [name, url] of Object.entries(servers)) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(`servers.${name} must be an https:// URL`);
    }
    if (parsed.protocol !== "https:") throw invalid(`servers.${name} must be an https:// URL (TLS always)`);
    urls.set(name, parsed.href);
  }
  const peers = Object.fromEntries(
    [...urls].map(([name, href]) => {
      const url = new URL(href);
      return [name, { host: url.hostname, port: Number(url.port || 443) }];
    }),
  );
  return {
    /** Where each server is, for the client's messages and events. */
    peers,
    /** Public set-up only (the URLs): key caches bind to it. */
    identity: [...urls].flat().join("\n"),
    /** Closes the fetch function's connections, if it can (nodeHttpsFetch can; the global fetch pools its own). */
    async close() {
      await fetchFn.close?.();
    },
    async send(server, request, { signal, timeoutMs } = {}) {
      const url = urls.get(server);
      if (url === undefined) throw invalid(`the transport has no server named ${server}`);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, Number.isFinite(timeoutMs) ? timeoutMs : 60000);
      const onAbort = () => controller.abort(signal.reason);
      if (signal?.aborted) onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        let response;
        try {
          response = await fetchFn(url, {
            method: "POST",
            headers: { ...headers, "Content-Type": CONTENT_TYPE, "Cache-Control": "no-cache" },
            body: request,
            signal: controller.signal,
            credentials,
          });
        } catch (err) {
          if (timedOut) throw failure("KMIPKIT_TIMEOUT", `no reply from ${url} within ${timeoutMs} ms`);
          if (signal?.aborted) throw err;
          throw networkFailure(err, url);
        }
        if (response.status !== 200) {
          await response.body?.cancel();
          throw statusFailure(response.status, url);
        }
        const type = (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
        if (type !== CONTENT_TYPE) {
          await response.body?.cancel();
          throw new Error(`${url} answered with Content-Type ${type || "(none)"}, not ${CONTENT_TYPE}: is that its KMIP endpoint?`);
        }
        try {
          return await body(response, maxReplyBytes, url);
        } catch (err) {
          if (timedOut) throw failure("KMIPKIT_TIMEOUT", `no whole reply from ${url} within ${timeoutMs} ms`);
          if (err?.code === "KMIPKIT_LIMIT_EXCEEDED" || signal?.aborted) throw err;
          throw networkFailure(err, url);
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}
