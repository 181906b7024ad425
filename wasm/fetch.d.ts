// Types of kmipkit-wasm/fetch (browsers, workers, Node).
import type { Transport } from "./online.js";

/** KMIP over HTTPS: each request one POST of TTLV (application/octet-stream). */
export declare function fetchTransport(options: {
  /** Server names to their KMIP endpoint URL (`https://host:port/kmip`). */
  servers: Record<string, string>;
  /** Default: the global fetch. In Node, nodeHttpsFetch presents a client certificate. */
  fetch?: typeof fetch;
  /** Added to every POST (an Authorization a proxy requires, say). */
  headers?: Record<string, string>;
  /** fetch's credentials mode (browsers: "include" sends the browser's client certificate and cookies cross-origin). */
  credentials?: RequestCredentials;
  /** The largest reply accepted (default 16 MiB). */
  maxReplyBytes?: number;
}): Transport & { close(): Promise<void> };
