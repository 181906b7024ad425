//! The tokio runtime the Promises run on. napi's default is a multi-thread runtime with one
//! worker per core; `KMIPKIT_NODE_WORKER_THREADS=N` (1 to 64) sets the number of workers
//! instead, read once when the addon loads. A client mostly waits on a key server, and fewer
//! workers means fewer threads to wake and park per reply (node/bench/RESULTS.md has the
//! figures). Without the variable, or with a value out of range, napi's default stands.
//!
//! ```sh
//! KMIPKIT_NODE_WORKER_THREADS=1 node app.mjs
//! ```

/// The number of workers the environment asks for, if it is a number from 1 to 64.
fn requested_workers() -> Option<usize> {
    let value = std::env::var("KMIPKIT_NODE_WORKER_THREADS").ok()?;
    value.trim().parse().ok().filter(|n| (1..=64).contains(n))
}

#[napi_derive::module_init]
fn init() {
    let Some(workers) = requested_workers() else {
        return;
    };
    // A runtime that cannot be built (no threads left) leaves napi's default in place, which
    // reports the same failure on first use rather than at load.
    if let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        napi::bindgen_prelude::create_custom_tokio_runtime(rt);
    }
}
