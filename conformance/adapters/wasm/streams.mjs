// The scenarios' `stream` and `cache` arguments through kmipkit-wasm's public API: a step with
// `stream` pipes its input through the model's createEncryptStream / createDecryptStream (Web
// Streams), one with `cache` gives the model the session's KeyCache (the package's defaults),
// whose counters `cache_stats` replies.
import { KeyCache } from "../../../wasm/index.js";

// Chunks as a file read would bring them, not aligned with the format's 64 KiB frames.
const CHUNK = 50_000;

// One KeyCache per session (a `reset` starts a new session, so a new cache).
const caches = new WeakMap();

function sessionCache(s) {
  if (!caches.has(s)) caches.set(s, new KeyCache());
  return caches.get(s);
}

/** The session's KeyCache when the step says `cache`, else undefined. */
export function cacheIf(s, a) {
  return a.has("cache") ? sessionCache(s) : undefined;
}

/** `input` through the TransformStream `stream`, in chunks; the output bytes. */
export async function through(stream, input) {
  const source = new ReadableStream({
    start(controller) {
      for (let at = 0; at < input.length; at += CHUNK) controller.enqueue(input.slice(at, at + CHUNK));
      controller.close();
    },
  });
  return new Uint8Array(await new Response(source.pipeThrough(stream)).arrayBuffer());
}

/** cache_stats: the session cache's counters. */
export async function cacheStats(s, _a, r) {
  const stats = sessionCache(s).stats();
  r.int("hits", stats.hits);
  r.int("misses", stats.misses);
  r.int("entries", stats.entries);
}
