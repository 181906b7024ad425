//! The Rust core's side of `c-header/bench/envelope_bench.c`: the same seal and open, through
//! `kmipkit::envelope::format::{seal, open}` (what `kmipkit_seal_with_key` and
//! `kmipkit_open_with_key` call), each result dropped inside the timing (`open`'s `Plaintext` is
//! wiped as it drops), with the same key, header and sizes.
//!
//! ```sh
//! envelope_core_bench SIZE ITERATIONS     # prints "seal SIZE NS_PER_CALL" and "open SIZE NS_PER_CALL"
//! ```
//!
//! `c-header/bench/run.sh` runs it and the C program interleaved and divides (BENCHMARKS.md).

use std::hint::black_box;
use std::time::Instant;

use kmipkit::envelope::format::{KeyRef, Params, open, seal};

const DEK: [u8; 32] = [7; 32];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [len, iterations] = args.as_slice() else {
        eprintln!("usage: envelope_core_bench SIZE ITERATIONS");
        std::process::exit(2);
    };
    let (Ok(len), Ok(iterations)) = (len.parse::<usize>(), iterations.parse::<u32>()) else {
        eprintln!("envelope_core_bench: SIZE and ITERATIONS must be positive integers");
        std::process::exit(2);
    };
    // The C program's header: key name "bench", version 1, uid "42"; empty context.
    let params = Params::new(KeyRef {
        name: "bench".into(),
        version: 1,
        uid: "42".into(),
    });
    let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let sealed = seal(&DEK, &params, b"", &data).expect("seal");
    let seal_once = || {
        drop(black_box(
            seal(&DEK, &params, b"", black_box(&data)).expect("seal"),
        ))
    };
    let open_once = || {
        let plaintext = open(black_box(&sealed), &DEK, b"").expect("open");
        assert!(
            plaintext.len() == len
                && plaintext[0] == data[0]
                && plaintext[len - 1] == data[len - 1]
        );
        drop(black_box(plaintext));
    };

    seal_once(); // warm, as the C program does
    let start = Instant::now();
    for _ in 0..iterations {
        seal_once();
    }
    let seal_ns = start.elapsed().as_nanos() as f64 / f64::from(iterations);

    open_once();
    let start = Instant::now();
    for _ in 0..iterations {
        open_once();
    }
    let open_ns = start.elapsed().as_nanos() as f64 / f64::from(iterations);
    println!("seal {len} {seal_ns:.1}\nopen {len} {open_ns:.1}");
}
