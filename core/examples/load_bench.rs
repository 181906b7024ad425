//! Operations per second and latency from one process, many tasks sharing one `Client`, against
//! a real key server (run by hand, not a test; conformance/bench/load-bench.py drives it).
//!
//! ```sh
//! cargo build --release --example load_bench -p kmipkit
//! target/release/examples/load_bench --config kmipkit.toml --create-key bench-get   # prints its uid
//! target/release/examples/load_bench --config kmipkit.toml --op get --uid UID \
//!     --concurrency 8 --seconds 5 [--warmup 20] [--threads 2] [--server-pid PID]
//! target/release/examples/load_bench --config kmipkit.toml --op model2-open --cache off --n 2000
//! ```
//!
//! The configuration chooses the server and how it is reached (`host`/`port`: KMIP TTLV on the
//! TLS stream; `url = "https://…/kmip"` with `encoding = "ttlv"|"json"`: KMIP over HTTPS) and the
//! protocol version. `[pool]` is raised to at least `--concurrency` open and idle connections, so
//! every task keeps its own connection and nothing waits for one.
//!
//! `--concurrency C` tasks run on a tokio multi-thread runtime (`--threads`, default one worker
//! per CPU), all sharing one `Client`. Each does `--warmup` operations first (which opens the
//! connections and fills the cache), then all run the measured part together: for `--seconds S`,
//! or until `--n N` operations are done between them. Each operation's latency is timed alone.
//!
//! Operations (`--size` bytes of plaintext, default 1 KiB, for the envelope ones):
//! - `get`: `Client::get` of `--uid`; the reply must be a 32-byte symmetric key with that uid.
//! - `model1-seal`: the data store's DEK (made once at start-up by `Model1::create_dek` under KEK
//!   `bench-kek/v1`, and kept only in protected form, in a ciphertext header) is unlocked with
//!   `Model1::unlock_header` (`--cache off`: a GetAttributes to find the KEK and a KMIP Decrypt
//!   per operation; `--cache on`: from the `KeyCache`), then `Model1::seal_with_dek`.
//! - `model1-open`: `Model1::open` of a ciphertext sealed at start-up (the same unlock, then the
//!   local decryption); the plaintext must come back.
//! - `model2-seal`: `Model2::encrypt` for identifier `load` (prefix `bench:`): without a cache the
//!   current key version is looked up and its key fetched every time; with one, neither.
//! - `model2-open`: `Model2::decrypt` of a ciphertext sealed at start-up.
//!
//! Every reply is checked (a key of the right size and uid, a ciphertext under the right key, the
//! plaintext back), and any failure ends the run with an error: a refusal never counts as a fast
//! operation. Prints one JSON object: operations, seconds, operations per second, latency
//! percentiles in µs, client CPU per operation (every thread, `/proc/self/task/*/schedstat`),
//! server CPU per operation (`--server-pid`, `/proc/PID/stat`), and requests per operation (the
//! pool's served-request counters).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kmipkit::client::Client;
use kmipkit::config::{Config, HttpsEncoding, Wire};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::{own_cpu_ns, stat_cpu_us};

#[path = "support/load_ops.rs"]
mod load_ops;
use load_ops::{Op, Work, once, prepare};

/// When the measured part ends.
#[derive(Clone, Copy)]
enum Length {
    Seconds(Duration),
    Operations(usize),
}

struct Args {
    config: PathBuf,
    op: Op,
    uid: Option<String>,
    create_key: Option<String>,
    concurrency: usize,
    threads: Option<usize>,
    length: Length,
    warmup: usize,
    cache: bool,
    size: usize,
    server_pid: Option<u32>,
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "load_bench: {problem}\nusage: load_bench --config kmipkit.toml \
         (--create-key NAME | --op get|model1-seal|model1-open|model2-seal|model2-open) \
         [--uid UID] [--concurrency 1] [--threads N] (--seconds 5 | --n N) [--warmup 20] \
         [--cache on|off] [--size 1024] [--server-pid PID]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        config: PathBuf::new(),
        op: Op::Get,
        uid: None,
        create_key: None,
        concurrency: 1,
        threads: None,
        length: Length::Seconds(Duration::from_secs(5)),
        warmup: 20,
        cache: false,
        size: 1024,
        server_pid: None,
    };
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
            "--config" => args.config = value.into(),
            "--op" => {
                args.op = Op::ALL
                    .iter()
                    .find(|(name, _)| *name == value)
                    .map(|(_, op)| *op)
                    .unwrap_or_else(|| usage(&format!("--op: unknown operation `{value}`")))
            }
            "--uid" => args.uid = Some(value),
            "--create-key" => args.create_key = Some(value),
            "--concurrency" => args.concurrency = number(&value),
            "--threads" => args.threads = Some(number(&value)),
            "--n" => args.length = Length::Operations(number(&value)),
            "--seconds" => {
                let s: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .unwrap_or_else(|| usage(&format!("--seconds: `{value}`")));
                args.length = Length::Seconds(Duration::from_secs_f64(s));
            }
            "--warmup" => args.warmup = number(&value),
            "--size" => args.size = number(&value),
            "--cache" => {
                args.cache = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => usage(&format!("--cache: `{value}` is not on or off")),
                }
            }
            "--server-pid" => {
                args.server_pid = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage(&format!("--server-pid: `{value}`"))),
                )
            }
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    if args.config.as_os_str().is_empty() {
        usage("--config is required");
    }
    if args.concurrency == 0 || matches!(args.length, Length::Operations(0)) {
        usage("--concurrency and --n must be positive");
    }
    if args.op == Op::Get && args.uid.is_none() && args.create_key.is_none() {
        usage("--op get needs --uid (make one with --create-key NAME)");
    }
    args
}

/// One task's share: operations until `length` runs out, each one's latency in nanoseconds.
async fn task(
    client: Arc<Client>,
    work: Arc<Work>,
    op: Op,
    plaintext: Arc<Vec<u8>>,
    length: Length,
    left: Arc<AtomicUsize>,
) -> Result<Vec<u64>, String> {
    let started = Instant::now();
    let mut latencies = Vec::new();
    loop {
        let more = match length {
            Length::Seconds(s) => started.elapsed() < s,
            Length::Operations(_) => left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok(),
        };
        if !more {
            return Ok(latencies);
        }
        let t = Instant::now();
        once(&client, &work, op, &plaintext).await?;
        latencies.push(t.elapsed().as_nanos() as u64);
    }
}

/// Runs `concurrency` tasks to the end of `length`; all latencies, sorted.
async fn phase(
    client: &Arc<Client>,
    work: &Arc<Work>,
    args: &Args,
    plaintext: &Arc<Vec<u8>>,
    length: Length,
) -> Vec<u64> {
    let left = Arc::new(AtomicUsize::new(match length {
        Length::Operations(n) => n,
        Length::Seconds(_) => 0,
    }));
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let run = task(
                client.clone(),
                work.clone(),
                args.op,
                plaintext.clone(),
                length,
                left.clone(),
            );
            tokio::spawn(run)
        })
        .collect();
    let mut all = Vec::new();
    for handle in tasks {
        match handle.await.expect("a task panicked") {
            Ok(latencies) => all.extend(latencies),
            Err(e) => {
                eprintln!("load_bench: a reply failed its check, run discarded: {e}");
                std::process::exit(1);
            }
        }
    }
    all.sort_unstable();
    all
}

fn percentile_us(sorted: &[u64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    sorted[((last as f64) * p).round() as usize] as f64 / 1000.0
}

fn wire_name(config: &Config) -> String {
    match &config.servers[0].wire {
        Wire::Ttlv => "ttlv-socket".into(),
        Wire::Https {
            encoding: HttpsEncoding::Json,
            ..
        } => "https-json".into(),
        Wire::Https { .. } => "https-ttlv".into(),
        other => other.to_string(),
    }
}

/// Requests the pool served (on new and reused connections) and connections opened, so far.
fn requests(client: &Client) -> (u64, u64) {
    let stats = client.cluster().stats();
    let opened = stats.iter().map(|s| s.connections_opened).sum::<u64>();
    let reused = stats.iter().map(|s| s.connections_reused).sum::<u64>();
    (opened + reused, opened)
}

fn main() {
    let args = parse_args();
    let mut config = Config::load(&args.config).unwrap_or_else(|e| usage(&e.to_string()));
    // Every task keeps a connection of its own for the whole run.
    config.pool.max_connections_per_server =
        config.pool.max_connections_per_server.max(args.concurrency);
    config.pool.max_idle_per_server = config.pool.max_idle_per_server.max(args.concurrency);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads);
    }
    let runtime = runtime.enable_all().build().expect("tokio runtime");
    let client = Arc::new(
        runtime
            .block_on(Client::connect(&config))
            .unwrap_or_else(|e| panic!("connecting as {} says: {e}", args.config.display())),
    );
    if let Some(name) = &args.create_key {
        let uid = runtime
            .block_on(client.create_aes_key(name, 256))
            .expect("Create");
        println!("{}", serde_json::json!({ "uid": uid }));
        return;
    }
    let plaintext: Arc<Vec<u8>> = Arc::new((0..args.size).map(|i| i as u8).collect());
    let work = Arc::new(runtime.block_on(prepare(
        &client,
        args.op,
        args.uid.clone(),
        args.cache,
        &plaintext,
    )));
    let warmup = Length::Operations(args.warmup.max(1) * args.concurrency);
    runtime.block_on(phase(&client, &work, &args, &plaintext, warmup));

    let server = args.server_pid.map(|p| p.to_string());
    let server_before = server.as_deref().map(stat_cpu_us);
    let (requests_before, opened_before) = requests(&client);
    let cpu_before = own_cpu_ns();
    let start = Instant::now();
    let latencies = runtime.block_on(phase(&client, &work, &args, &plaintext, args.length));
    let wall = start.elapsed().as_secs_f64();
    let cpu_ns = own_cpu_ns() - cpu_before;
    let (requests_after, opened_after) = requests(&client);
    let server_us = server
        .as_deref()
        .map(stat_cpu_us)
        .zip(server_before)
        .map(|(after, before)| after - before);

    let ops = latencies.len() as f64;
    let mean = latencies.iter().sum::<u64>() as f64 / ops.max(1.0) / 1000.0;
    let json = serde_json::json!({
        "client": "kmipkit",
        "op": args.op.name(),
        "wire": wire_name(&config),
        "kmip_version": client.version().to_string(),
        "concurrency": args.concurrency,
        "cache": args.op != Op::Get && args.cache,
        "size": args.size,
        "ops": latencies.len(),
        "seconds": wall,
        "ops_per_s": ops / wall,
        "latency_us": {
            "mean": mean,
            "p50": percentile_us(&latencies, 0.50),
            "p90": percentile_us(&latencies, 0.90),
            "p99": percentile_us(&latencies, 0.99),
            "max": percentile_us(&latencies, 1.0),
        },
        "client_cpu_us_per_op": cpu_ns as f64 / 1000.0 / ops,
        "server_cpu_us_per_op": server_us.map(|us| us as f64 / ops),
        "requests_per_op": (requests_after - requests_before) as f64 / ops,
        "connections_opened_while_measured": opened_after - opened_before,
    });
    println!("{json}");
}
