//! The Rust side of `c-header/bench/get_bench.c`: Gets one after the other on one
//! `BlockingClient` (what `kmipkit_client_get` drives), each reply checked, timing the loop and
//! this process's CPU time.
//!
//! ```sh
//! get_core_bench CONFIG UID N WARMUP
//! ```
//!
//! Prints "rust N WALL_S CPU_US_PER_GET STAT_US_PER_GET GETS_PER_S": CPU from
//! `/proc/self/task/*/schedstat` (nanoseconds, every thread, as the C program reads it) and
//! `/proc/self/stat` utime + stime as a cross-check (10 ms ticks, so only for long runs).
//! `c-header/bench/get.sh` runs both interleaved against one Cosmian KMS (BENCHMARKS.md).

use std::time::Instant;

use kmipkit::client::BlockingClient;
use kmipkit::config::Config;
use kmipkit::message::{GetRequest, Object};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::{own_cpu_ns, stat_cpu_us};

fn get_once(client: &BlockingClient, uid: &str) {
    let reply = client
        .run(|c| c.get(GetRequest::new(Some(uid.to_string()))))
        .expect("Get");
    assert_eq!(
        reply.unique_identifier, uid,
        "Get answered for another object"
    );
    let Object::SymmetricKey(key) = &reply.object else {
        panic!("Get returned {:?}, not a symmetric key", reply.object_type);
    };
    // The key's bytes, found as the C API finds them.
    let bytes = key.key_block.key_bytes().map_or(0, <[u8]>::len);
    assert_eq!(bytes, 32, "Get returned no 32-byte key");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [config, uid, n, warmup] = args.as_slice() else {
        eprintln!("usage: get_core_bench CONFIG UID N WARMUP");
        std::process::exit(2);
    };
    let (Ok(n), Ok(warmup)) = (n.parse::<u32>(), warmup.parse::<u32>()) else {
        eprintln!("get_core_bench: N and WARMUP must be non-negative integers");
        std::process::exit(2);
    };
    let config = Config::load(config).expect("configuration");
    let client = BlockingClient::connect(&config).expect("connect");
    for _ in 0..warmup {
        get_once(&client, uid);
    }
    let (cpu0, stat0, start) = (own_cpu_ns(), stat_cpu_us("self"), Instant::now());
    for _ in 0..n {
        get_once(&client, uid);
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu_us = (own_cpu_ns() - cpu0) as f64 / 1e3 / f64::from(n);
    let stat_us = (stat_cpu_us("self") - stat0) as f64 / f64::from(n);
    println!(
        "rust {n} {wall:.4} {cpu_us:.2} {stat_us:.2} {:.1}",
        f64::from(n) / wall
    );
}
