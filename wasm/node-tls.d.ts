// Types of kmipkit-wasm/node-tls (Node only).
import type { Transport } from "./online.js";

/** One server: PEM text or file paths for the CA, the client certificate and its key. */
export interface TlsServer {
  host: string;
  port: number;
  ca: string | Uint8Array;
  cert: string | Uint8Array;
  key: string | Uint8Array;
  /** SNI and the name checked (default: `host`; an IP is checked against IP SANs). */
  servername?: string;
}

/** KMIP over mutual TLS with node:tls: one kept-open connection per server. Verification is always on. */
export declare function nodeTlsTransport(options: {
  servers: Record<string, TlsServer>;
  /** TCP connect and TLS handshake (default 5000). */
  connectTimeoutMs?: number;
  /** The largest reply accepted (default 16 MiB). */
  maxReplyBytes?: number;
}): Transport & { close(): Promise<void> };

/** A fetch-compatible function over node:https that presents a client certificate (for fetchTransport in Node). */
export declare function nodeHttpsFetch(options: {
  ca: string | Uint8Array;
  cert: string | Uint8Array;
  key: string | Uint8Array;
}): typeof fetch & { close(): void };
