//! The floor under any KMIP client's CPU per request: a bare blocking TCP request/reply (no
//! TLS, no KMIP), with a Get's sizes. Run by hand or by conformance/bench/transport-bench.py,
//! not a test.
//!
//! ```sh
//! cargo build --release --example tcp_floor -p kmipkit
//! target/release/examples/tcp_floor --serve 0            # prints {"port": P}, serves until killed
//! target/release/examples/tcp_floor --port P --n 2000    # prints one JSON object
//! ```
//!
//! Each request is a TTLV-framed message of `--request-bytes` (default 120, a KMIP 1.2 Get), each
//! reply one of `--reply-bytes` (default 280, a Get of a 32-byte AES key); the reader reads the
//! 8-byte header, then the length it names, as a KMIP client does. The client's CPU time (all
//! threads, `/proc/self/task/*/schedstat`) over `--n` round trips on one kept-open connection
//! gives CPU per request.
//!
//! `--serve 0 --delay-us 3000` answers each request 3 ms after it arrived, about a PyKMIP Get's
//! latency: the client then blocks and is woken once per request, as against a real server.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

fn usage(problem: &str) -> ! {
    eprintln!(
        "tcp_floor: {problem}\nusage: tcp_floor --serve PORT [--reply-bytes 280] [--delay-us 0] | \
         tcp_floor --port P [--n 2000] [--warmup 50] [--request-bytes 120]"
    );
    std::process::exit(2)
}

/// A TTLV-framed message of `total` bytes (8-byte header + a body of `total - 8`).
fn message(total: usize) -> Vec<u8> {
    let body = total
        .checked_sub(8)
        .unwrap_or_else(|| usage("messages have at least 8 bytes"));
    let mut out = vec![0x42, 0x00, 0x7b, 0x01];
    out.extend_from_slice(&u32::try_from(body).expect("size").to_be_bytes());
    out.resize(total, 0);
    out
}

/// Reads one framed message into `buf`; false when the peer closed.
fn read_message(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut header = [0u8; 8];
    if stream.read_exact(&mut header).is_err() {
        return false;
    }
    let body = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
    buf.resize(body, 0);
    stream.read_exact(buf).is_ok()
}

/// Serves until killed; each reply leaves `delay` after its request arrived (a key server's
/// think time: the client then sleeps and wakes per Get as it does against a real server).
fn serve(port: u16, reply_bytes: usize, delay: std::time::Duration) {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
    println!(
        "{{\"port\": {}}}",
        listener.local_addr().expect("address").port()
    );
    let reply = message(reply_bytes);
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let reply = reply.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            while read_message(&mut stream, &mut buf) {
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                if stream.write_all(&reply).is_err() {
                    return;
                }
            }
        });
    }
}

/// CPU time of this process, all live threads, in nanoseconds.
fn own_cpu_ns() -> u64 {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn main() {
    let (mut serve_port, mut port) = (None, 0u16);
    let (mut n, mut warmup, mut request_bytes, mut reply_bytes) = (2000usize, 50usize, 120, 280);
    let mut delay_us = 0;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let number = |v: &str| -> usize {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("{flag}: `{v}` is not a number")))
        };
        match flag.as_str() {
            "--serve" => serve_port = Some(number(&value) as u16),
            "--port" => port = number(&value) as u16,
            "--n" => n = number(&value),
            "--warmup" => warmup = number(&value),
            "--request-bytes" => request_bytes = number(&value),
            "--reply-bytes" => reply_bytes = number(&value),
            "--delay-us" => delay_us = number(&value),
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    if let Some(p) = serve_port {
        let delay = std::time::Duration::from_micros(delay_us as u64);
        return serve(p, reply_bytes, delay);
    }
    if port == 0 || n == 0 {
        usage("--port and a positive --n are required");
    }
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let request = message(request_bytes);
    let mut buf = Vec::new();
    let mut round_trip = |stream: &mut TcpStream| {
        stream.write_all(&request).expect("write");
        assert!(read_message(stream, &mut buf), "the server closed");
        assert_eq!(buf.len() + 8, reply_bytes, "a whole reply");
    };
    for _ in 0..warmup {
        round_trip(&mut stream);
    }
    let cpu_before = own_cpu_ns();
    let start = Instant::now();
    for _ in 0..n {
        round_trip(&mut stream);
    }
    let wall = start.elapsed();
    let cpu_ns = own_cpu_ns() - cpu_before;
    println!(
        "{{\"client\": \"tcp floor\", \"gets\": {n}, \"wall_s\": {}, \"gets_per_s\": {}, \
         \"client_cpu_us_per_get\": {}}}",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        cpu_ns as f64 / 1000.0 / n as f64
    );
}
