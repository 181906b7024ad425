//! Envelope encryption throughput: `kmipkit::envelope::format` beside raw AES-256-GCM from aws-lc-rs.
//!
//! Run with `cargo bench -p kmipkit --bench envelope`; BENCHMARKS.md at the repository root holds
//! the figures. Groups, each with `Throughput::Bytes` set to the plaintext size (1 KiB, 64 KiB,
//! 1 MiB, 64 MiB) so that the rows compare in MB/s:
//!
//! - `encrypt/<size>`: `raw-aes-256-gcm` (one `LessSafeKey::seal_in_place_separate_tag` over a
//!   buffer allocated once, the key set up once), `seal` (whole message in memory: fresh salt,
//!   HKDF, key setup, a new output buffer, 64 KiB frames), `seal_into` (the same into an output
//!   buffer reused across iterations, as the raw row's buffer is) and, from 64 KiB up, `stream`
//!   (the `Encryptor` writing into a reused `Vec`);
//! - `decrypt/<size>`: `raw-aes-256-gcm` (`open_in_place` over a fresh copy of the ciphertext, the
//!   copy made outside the timing), `open` (whole message, new output buffer, wiped on drop),
//!   `open_into` (the same into a reused `Plaintext`, wiped before each message) and `stream` (the
//!   `Decryptor` read through a 64 KiB buffer, as a file copy would);
//! - `parts`: what a message costs besides AES-GCM: `seal` of an empty message (salt, HKDF, AES key
//!   setup, header, one empty frame) and each of those alone; at 64 KiB and 64 MiB a copy into a
//!   new allocation (what `seal` and `open` do with their output), a copy into a reused buffer (what
//!   the streaming API does per frame), and a `zeroize` of a slice and of a `Vec` (the latter is
//!   what dropping a `Zeroizing<Vec<u8>>` does).
//!
//! Measurement time is short (2 s, 10 samples at 64 MiB) so the whole run takes a few minutes.

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Duration;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kmipkit::envelope::format::{
    Decryptor, Encryptor, Header, KeyRef, Params, Plaintext, open, open_into, seal, seal_into,
};
use zeroize::Zeroize;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
const SIZES: [(usize, &str); 4] = [
    (KIB, "1KiB"),
    (64 * KIB, "64KiB"),
    (MIB, "1MiB"),
    (64 * MIB, "64MiB"),
];
const DEK: [u8; 32] = [7; 32];
const CONTEXT: &[u8] = b"tenant=bench";

fn params() -> Params {
    Params::new(KeyRef {
        name: "bench".into(),
        version: 1,
        uid: "42".into(),
    })
}

fn raw_key() -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &DEK).expect("AES-256 key"))
}

/// An HKDF output length, as the format's aws-lc backend asks for it.
struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// Deterministic, incompressible-looking plaintext.
fn plaintext(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    len: usize,
) {
    group.throughput(Throughput::Bytes(len as u64));
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(if len >= 64 * MIB { 10 } else { 20 });
}

fn batch(len: usize) -> BatchSize {
    if len >= MIB {
        BatchSize::PerIteration
    } else {
        BatchSize::SmallInput
    }
}

fn encrypt(c: &mut Criterion) {
    let params = params();
    let key = raw_key();
    for (len, name) in SIZES {
        let data = plaintext(len);
        let mut group = c.benchmark_group(format!("encrypt/{name}"));
        configure(&mut group, len);
        let mut buf = data.clone();
        group.bench_function("raw-aes-256-gcm", |b| {
            b.iter(|| {
                let nonce = Nonce::assume_unique_for_key([1; 12]);
                let tag = key
                    .seal_in_place_separate_tag(nonce, Aad::empty(), &mut buf)
                    .expect("seal");
                black_box(&tag);
            });
        });
        group.bench_function("seal", |b| {
            b.iter(|| black_box(seal(&DEK, &params, CONTEXT, black_box(&data)).expect("seal")));
        });
        let mut sealed = Vec::new();
        group.bench_function("seal_into", |b| {
            b.iter(|| {
                seal_into(&DEK, &params, CONTEXT, black_box(&data), &mut sealed).expect("seal");
                black_box(sealed.len());
            });
        });
        if len >= 64 * KIB {
            let mut out = Vec::with_capacity(len + len / 1024 + 4096);
            group.bench_function("stream", |b| {
                b.iter(|| {
                    out.clear();
                    let mut enc = Encryptor::new(&mut out, &DEK, &params, CONTEXT).expect("new");
                    enc.write_all(black_box(&data)).expect("write");
                    enc.finish().expect("finish");
                    black_box(out.len());
                });
            });
        }
        group.finish();
    }
}

fn decrypt(c: &mut Criterion) {
    let params = params();
    let key = raw_key();
    for (len, name) in SIZES {
        let data = plaintext(len);
        let mut group = c.benchmark_group(format!("decrypt/{name}"));
        configure(&mut group, len);
        let mut raw = data.clone();
        let tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key([1; 12]),
                Aad::empty(),
                &mut raw,
            )
            .expect("seal");
        raw.extend_from_slice(tag.as_ref());
        group.bench_function("raw-aes-256-gcm", |b| {
            b.iter_batched_ref(
                || raw.clone(),
                |buf| {
                    let nonce = Nonce::assume_unique_for_key([1; 12]);
                    let plain = key.open_in_place(nonce, Aad::empty(), buf).expect("open");
                    black_box(plain.len());
                },
                batch(len),
            );
        });
        let sealed = seal(&DEK, &params, CONTEXT, &data).expect("seal");
        assert_eq!(&open(&sealed, &DEK, CONTEXT).expect("open")[..], &data[..]);
        group.bench_function("open", |b| {
            b.iter(|| black_box(open(black_box(&sealed), &DEK, CONTEXT).expect("open")));
        });
        let mut opened = Plaintext::default();
        group.bench_function("open_into", |b| {
            b.iter(|| {
                open_into(black_box(&sealed), &DEK, CONTEXT, &mut opened).expect("open");
                black_box(opened.len());
            });
        });
        if len >= 64 * KIB {
            let mut scratch = vec![0u8; 64 * KIB];
            group.bench_function("stream", |b| {
                b.iter(|| {
                    let mut input = black_box(&sealed[..]);
                    let header = Header::read_from(&mut input).expect("header");
                    let mut dec = Decryptor::new(input, &header, &DEK, CONTEXT).expect("new");
                    let mut total = 0;
                    loop {
                        let n = dec.read(&mut scratch).expect("read");
                        if n == 0 {
                            break;
                        }
                        total += n;
                    }
                    assert_eq!(total, len);
                    black_box(&scratch);
                });
            });
        }
        group.finish();
    }
}

fn parts(c: &mut Criterion) {
    let params = params();
    let mut group = c.benchmark_group("parts");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(20);
    group.bench_function("seal-empty-message", |b| {
        b.iter(|| black_box(seal(&DEK, &params, CONTEXT, b"").expect("seal")));
    });
    group.bench_function("os-random-32B", |b| {
        b.iter(|| {
            let mut salt = [0u8; 32];
            aws_lc_rs::rand::fill(&mut salt).expect("random");
            black_box(salt)
        });
    });
    group.bench_function("hkdf-sha256-71B", |b| {
        let salt = [3u8; 32];
        let info: [&[u8]; 2] = [b"kmipkit/envelope/v1", &[0u8; 64]];
        b.iter(|| {
            let prk = Salt::new(HKDF_SHA256, black_box(&salt)).extract(black_box(&DEK));
            let mut out = [0u8; 71];
            prk.expand(&info, Len(71))
                .and_then(|okm| okm.fill(&mut out))
                .expect("hkdf");
            black_box(out)
        });
    });
    group.bench_function("aes-256-gcm-key-setup", |b| {
        b.iter(|| {
            black_box(LessSafeKey::new(
                UnboundKey::new(&AES_256_GCM, black_box(&DEK)).expect("key"),
            ))
        });
    });
    for (len, name) in [(64 * KIB, "64KiB"), (64 * MIB, "64MiB")] {
        let data = plaintext(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.sample_size(if len >= 64 * MIB { 10 } else { 20 });
        group.bench_function(format!("alloc-memcpy-{name}"), |b| {
            b.iter(|| black_box(black_box(&data).to_vec()));
        });
        let mut reused = vec![0u8; len];
        group.bench_function(format!("memcpy-reused-{name}"), |b| {
            b.iter(|| {
                reused.copy_from_slice(black_box(&data));
                black_box(&reused);
            });
        });
        let mut secret = data.clone();
        group.bench_function(format!("zeroize-slice-{name}"), |b| {
            b.iter(|| {
                secret.as_mut_slice().zeroize();
                black_box(&secret);
            });
        });
        // `Vec<u8>::zeroize`, which dropping a `Zeroizing<Vec<u8>>` runs: element by element.
        group.bench_function(format!("zeroize-vec-{name}"), |b| {
            b.iter_batched_ref(
                || data.clone(),
                |secret| {
                    secret.zeroize();
                    black_box(&secret);
                },
                batch(len),
            );
        });
    }
    group.finish();
}

criterion_group!(benches, encrypt, decrypt, parts);
criterion_main!(benches);
