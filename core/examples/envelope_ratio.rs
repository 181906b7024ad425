//! Envelope throughput as a share of raw AES-256-GCM, measured interleaved so that load from other
//! processes hits both alike: each round times raw aws-lc-rs, then every kmipkit API, on the same
//! buffers; the report gives per-API medians of the per-round ratios and the fastest round.
//!
//! Run: `cargo run --release -p kmipkit --example envelope_ratio [rounds]` (BENCHMARKS.md).

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use kmipkit::envelope::format::{
    Decryptor, Encryptor, Header, KeyRef, Params, Plaintext, open, open_into, seal, seal_into,
};

const DEK: [u8; 32] = [7; 32];
const CONTEXT: &[u8] = b"tenant=bench";
const SIZES: [(usize, &str); 4] = [
    (1 << 10, "1 KiB"),
    (64 << 10, "64 KiB"),
    (1 << 20, "1 MiB"),
    (64 << 20, "64 MiB"),
];

/// Runs `f` `iterations` times and returns the time per call.
fn time(iterations: usize, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations as u32
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(15, |r| r.parse().expect("rounds"));
    let params = Params::new(KeyRef {
        name: "bench".into(),
        version: 1,
        uid: "42".into(),
    });
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &DEK).expect("key"));
    println!(
        "{rounds} rounds; per API: median time, median of per-round ratios to raw, fastest round's ratio"
    );
    for (len, name) in SIZES {
        // About 64 MiB of data per timing (at least one call; 8,192 calls at 1 KiB).
        let iterations = ((64 << 20) / len).clamp(1, 8192);
        let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let sealed = seal(&DEK, &params, CONTEXT, &data).expect("seal");
        let mut raw_buf = data.clone();
        let mut raw_cipher = data.clone();
        let raw_tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key([1; 12]),
                Aad::empty(),
                &mut raw_cipher,
            )
            .expect("seal");
        let mut raw_out = vec![0u8; len];
        let mut sealed_out = Vec::new();
        let mut opened = Plaintext::default();
        let mut stream_out = Vec::with_capacity(sealed.len());
        let mut scratch = vec![0u8; 64 << 10];

        type Case<'a> = (&'static str, Box<dyn FnMut() + 'a>);
        let mut encrypt: Vec<Case<'_>> = vec![
            (
                "raw, in place",
                Box::new(|| {
                    let nonce = Nonce::assume_unique_for_key([1; 12]);
                    let tag = key.seal_in_place_separate_tag(nonce, Aad::empty(), &mut raw_buf);
                    black_box(tag.expect("seal").as_ref()[0]);
                }),
            ),
            (
                "seal",
                Box::new(|| {
                    black_box(seal(&DEK, &params, CONTEXT, black_box(&data)).expect("seal"));
                }),
            ),
            (
                "seal_into",
                Box::new(|| {
                    seal_into(&DEK, &params, CONTEXT, black_box(&data), &mut sealed_out)
                        .expect("seal");
                    black_box(sealed_out.len());
                }),
            ),
            (
                "Encryptor",
                Box::new(|| {
                    stream_out.clear();
                    let mut enc =
                        Encryptor::new(&mut stream_out, &DEK, &params, CONTEXT).expect("new");
                    enc.write_all(black_box(&data)).expect("write");
                    enc.finish().expect("finish");
                }),
            ),
        ];
        let mut decrypt: Vec<Case<'_>> = vec![
            (
                "raw, out of place",
                Box::new(|| {
                    let nonce = Nonce::assume_unique_for_key([1; 12]);
                    key.open_separate_gather(
                        nonce,
                        Aad::empty(),
                        &raw_cipher,
                        raw_tag.as_ref(),
                        &mut raw_out,
                    )
                    .expect("open");
                    black_box(&raw_out);
                }),
            ),
            (
                "open",
                Box::new(|| {
                    black_box(open(black_box(&sealed), &DEK, CONTEXT).expect("open"));
                }),
            ),
            (
                "open_into",
                Box::new(|| {
                    open_into(black_box(&sealed), &DEK, CONTEXT, &mut opened).expect("open");
                    black_box(opened.len());
                }),
            ),
            (
                "Decryptor",
                Box::new(|| {
                    let mut input = black_box(&sealed[..]);
                    let header = Header::read_from(&mut input).expect("header");
                    let mut dec = Decryptor::new(input, &header, &DEK, CONTEXT).expect("new");
                    while dec.read(&mut scratch).expect("read") > 0 {}
                }),
            ),
        ];
        for (direction, cases) in [("encrypt", &mut encrypt), ("decrypt", &mut decrypt)] {
            let mut times = vec![Vec::new(); cases.len()];
            let mut ratios = vec![Vec::new(); cases.len()];
            for _ in 0..rounds {
                let mut round = Vec::new();
                for (_, f) in cases.iter_mut() {
                    f(); // warm
                    round.push(time(iterations, f).as_secs_f64());
                }
                for (i, t) in round.iter().enumerate() {
                    times[i].push(*t);
                    ratios[i].push(round[0] / t);
                }
            }
            let best_raw = times[0].iter().copied().fold(f64::MAX, f64::min);
            for (i, (case, _)) in cases.iter().enumerate() {
                let best = times[i].iter().copied().fold(f64::MAX, f64::min);
                let t = median(&mut times[i]);
                println!(
                    "{direction} {name:>6} {case:<18} {:>10.2} µs {:>7.2} GiB/s  median ratio {:>4.0}%  fastest {:>4.0}%",
                    t * 1e6,
                    len as f64 / t / (1u64 << 30) as f64,
                    median(&mut ratios[i]) * 100.0,
                    best_raw / best * 100.0,
                );
            }
        }
    }
}
