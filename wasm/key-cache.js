// The key cache of kmipkit-wasm: `new KeyCache({ maxAge, maxUses, maxBytes })`, given to
// Model1 / Model2 as `{ cache }`. A wrapper over the module's OnlineKeyCache
// (bindings/wasm/src/online/key_cache.rs): the limits, the eviction (keys zeroized) and the
// counters are the Rust core's KeyCache, on the host's monotonic clock (performance.now()).
import * as wasm from "./pkg/kmipkit_wasm.js";

// The module's cache behind each KeyCache, for the models (not reachable from outside).
const inners = new WeakMap();

/**
 * Unwrapped keys kept for reuse, shared by the models given it as `{ cache }`: a Model 1 data
 * key unlocked once opens its ciphertexts again without the key manager; a Model 2 key (and
 * which version is current) serves repeated messages of the same identifier.
 */
export class KeyCache {
  #inner;
  /** `maxAge` seconds (default 300), `maxUses` uses (default 2^32), `maxBytes` of keys (default 65536). */
  constructor(options = {}) {
    if (options === null || typeof options !== "object") {
      throw typeError("new KeyCache({ maxAge?, maxUses?, maxBytes? })");
    }
    this.#inner = new wasm.OnlineKeyCache(options.maxAge, options.maxUses, options.maxBytes);
    inners.set(this, this.#inner);
  }
  /** Removes every key (zeroized). */
  purge() {
    this.#inner.purge();
  }
  /** Removes one key by its cache identifier; whether it was cached. */
  evict(keyId) {
    return this.#inner.evict(String(keyId));
  }
  /** Keys held now. */
  get size() {
    return this.#inner.size;
  }
  /** The counters: hits, misses, fetches, fetchErrors, coalesced, evictions, oversize, entries, bytes. */
  stats() {
    return this.#inner.stats();
  }
  get [Symbol.toStringTag]() {
    return "KeyCache";
  }
}

function typeError(message) {
  const err = new TypeError(message);
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  return err;
}

/** The module's cache of `options.cache` (undefined when none); refuses anything else. */
export function cacheOf(cache) {
  if (cache === undefined || cache === null) return undefined;
  const inner = inners.get(cache);
  if (inner === undefined) throw typeError("options.cache must be a KeyCache");
  return inner;
}
