//! Get throughput and client CPU per Get against a real key server (run by hand, not a test).
//!
//! ```sh
//! cargo build --release --example get_bench -p kmipkit
//! target/release/examples/get_bench --port 5696 --ca ca.crt --cert client.crt --key client.key \
//!     --uid 1 --n 400 --batch 10 [--warmup 20] [--version 1.2] [--server-pid PID] \
//!     [--transport tokio|blocking|host|replay]
//! ```
//!
//! One connection, reused: a warm-up of `--warmup` Gets opens it, then `--n` Gets of `--uid` run
//! one after the other, `--batch` per request (1: `Client::get`, more: `Client::batch` with that
//! many Gets of the same key). Only that loop is measured: its wall time, this process's CPU
//! time (user + system, every thread: the sum of `/proc/self/task/*/schedstat`, nanoseconds; and
//! `/proc/self/stat` ticks as a cross-check) and, with `--server-pid`, the server's CPU time from
//! `/proc/PID/stat`. Prints one JSON object; conformance/bench/client-bench.py drives it.
//!
//! `--transport` picks what carries the bytes under the same client:
//! - `tokio` (the default): the tokio pool on tokio's current-thread runtime, so the whole client
//!   runs on this thread, as it would inside an application's own runtime;
//! - `blocking`: the blocking pool (`std::net` + rustls), driven by `block_on`, no runtime;
//! - `host`: a `HostLink::blocking` whose host function forwards each request to a blocking pool
//!   of its own, as a C program owning its sockets would: the host seam's cost on top of the
//!   blocking transport's;
//! - `replay`: as `host`, but after the warm-up the host answers every request with the last
//!   reply it received, at once: the client logic alone (request, session, failover, reply
//!   decoding and checks), without TLS or sockets, to split the cost.
//!
//! Every reply is checked (a 32-byte symmetric key with the asked-for identifier), so a refusal
//! cannot pass for a fast Get.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kmipkit::client::{Client, Options, VersionChoice};
use kmipkit::config::TlsMaterial;
use kmipkit::message::{GetRequest, GetResponse, KeyMaterial, Object, ResponsePayload};
use kmipkit::platform::{Platform, block_on};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{
    BlockingTransport, Call, Cluster, Endpoint, HostLink, Link, PoolSettings, Retry, Sent,
    Timeouts, Transport,
};
use kmipkit::ttlv::Limits;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::{own_cpu_ns, stat_cpu_us};

struct Args {
    host: String,
    port: u16,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    uid: String,
    n: usize,
    batch: usize,
    warmup: usize,
    version: ProtocolVersion,
    server_pid: Option<u32>,
    transport: String,
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "get_bench: {problem}\nusage: get_bench --port P --ca FILE --cert FILE --key FILE --uid ID \
         [--host 127.0.0.1] [--n 400] [--batch 1] [--warmup 20] [--version 1.2] [--server-pid PID] \
         [--transport tokio|blocking|host|replay]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        host: "127.0.0.1".into(),
        port: 0,
        ca: PathBuf::new(),
        cert: PathBuf::new(),
        key: PathBuf::new(),
        uid: String::new(),
        n: 400,
        batch: 1,
        warmup: 20,
        version: ProtocolVersion::V1_2,
        server_pid: None,
        transport: "tokio".into(),
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
            "--host" => args.host = value,
            "--port" => {
                args.port = value
                    .parse()
                    .unwrap_or_else(|_| usage(&format!("--port: `{value}` is not a port")))
            }
            "--ca" => args.ca = value.into(),
            "--cert" => args.cert = value.into(),
            "--key" => args.key = value.into(),
            "--uid" => args.uid = value,
            "--transport" => match value.as_str() {
                "tokio" | "blocking" | "host" | "replay" => args.transport = value,
                _ => usage(&format!(
                    "--transport: `{value}` is not tokio, blocking, host or replay"
                )),
            },
            "--n" => args.n = number(&value),
            "--batch" => args.batch = number(&value),
            "--warmup" => args.warmup = number(&value),
            "--server-pid" => {
                args.server_pid = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage(&format!("--server-pid: `{value}`"))),
                )
            }
            "--version" => {
                let (major, minor) = value
                    .split_once('.')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                    .unwrap_or_else(|| usage(&format!("--version: `{value}` is not MAJOR.MINOR")));
                args.version = ProtocolVersion::new(major, minor);
            }
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    if args.port == 0 || args.uid.is_empty() || args.ca.as_os_str().is_empty() {
        usage("--port, --uid, --ca, --cert and --key are required");
    }
    if args.batch == 0 || args.n == 0 || !args.n.is_multiple_of(args.batch) {
        usage("--n must be a positive multiple of --batch");
    }
    args
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| usage(&format!("cannot read {}: {e}", path.display())))
}

fn check(reply: &GetResponse, uid: &str) {
    assert_eq!(
        reply.unique_identifier, uid,
        "Get answered for another object"
    );
    let Object::SymmetricKey(key) = &reply.object else {
        panic!("Get returned {:?}, not a symmetric key", reply.object_type);
    };
    match key.key_block.key_material() {
        Some(KeyMaterial::Bytes(b)) if b.0.len() == 32 => {}
        other => panic!("Get returned {other:?}, not 32 key bytes"),
    }
}

async fn run(client: &Client, args: &Args, gets: usize) {
    if args.batch == 1 {
        for _ in 0..gets {
            let reply = client
                .get(GetRequest::new(Some(args.uid.clone())))
                .await
                .expect("Get");
            check(&reply, &args.uid);
        }
        return;
    }
    for _ in 0..gets / args.batch {
        let payloads = (0..args.batch)
            .map(|_| GetRequest::new(Some(args.uid.clone())).into())
            .collect();
        let outcomes = client.batch(payloads).await.expect("batch");
        assert_eq!(outcomes.len(), args.batch, "one outcome per Get");
        for outcome in outcomes {
            match outcome.expect("Get in a batch") {
                Some(ResponsePayload::Get(reply)) => check(&reply, &args.uid),
                other => panic!("a batched Get was answered with {other:?}"),
            }
        }
    }
}

/// What the measured loop needs: the client, and how to wait for one of its futures.
struct Bench {
    client: Client,
    runtime: Option<tokio::runtime::Runtime>,
    /// The host's own sockets (`--transport host`), whose connections are counted.
    host_sockets: Option<Arc<BlockingTransport>>,
    /// Set after the warm-up with `--transport replay`: the host stops doing I/O.
    replay: Arc<AtomicBool>,
}

impl Bench {
    fn wait<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        match &self.runtime {
            Some(runtime) => runtime.block_on(future),
            None => block_on(future),
        }
    }
}

fn connect(args: &Args, endpoint: Endpoint, timeouts: Timeouts, pool: PoolSettings) -> Bench {
    let options = Options {
        version: VersionChoice::Pinned(args.version),
        ..Options::default()
    };
    let replay = Arc::new(AtomicBool::new(false));
    let blocking = || {
        BlockingTransport::new(vec![endpoint.clone()], timeouts, pool, Limits::default())
            .expect("blocking transport")
    };
    match args.transport.as_str() {
        "tokio" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            let client = runtime.block_on(async {
                let transport = Transport::new(vec![endpoint], timeouts, pool, Limits::default())
                    .expect("transport");
                Client::over(transport.cluster().clone(), Platform::native(), options).await
            });
            Bench {
                client: client.expect("client"),
                runtime: Some(runtime),
                host_sockets: None,
                replay,
            }
        }
        "blocking" => {
            let cluster = blocking().into_cluster().expect("cluster");
            let client = block_on(Client::over(cluster, Platform::native(), options));
            Bench {
                client: client.expect("client"),
                runtime: None,
                host_sockets: None,
                replay,
            }
        }
        _ => {
            let sockets = Arc::new(blocking());
            let host_sockets = Some(sockets.clone());
            let replaying = replay.clone();
            let last = Mutex::new(Vec::new());
            let link = HostLink::blocking(["pykmip"], move |server, request, left| {
                let mut last = last.lock().expect("last reply");
                if replaying.load(Ordering::Relaxed) {
                    return Ok(last.clone());
                }
                let call = Call {
                    budget: left,
                    retry: Retry::Any,
                    skip_if_failed: false,
                };
                match block_on(sockets.send(server, request, call))? {
                    Sent::Reply(reply) => {
                        *last = reply.to_vec();
                        Ok(last.clone())
                    }
                    Sent::Skipped => Err(HostLink::lost("pykmip", false, "skipped")),
                }
            })
            .expect("host link");
            let platform = Platform::native();
            let cluster =
                Cluster::new(Arc::new(link), timeouts, platform.clock.clone()).expect("cluster");
            let client = block_on(Client::over(cluster, platform, options));
            Bench {
                client: client.expect("client"),
                runtime: None,
                host_sockets,
                replay,
            }
        }
    }
}

fn main() {
    let args = parse_args();
    let material = TlsMaterial::new(read(&args.ca), read(&args.cert), read(&args.key), None);
    let endpoint = Endpoint::new("pykmip", args.host.clone(), args.port, material);
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
        ..Timeouts::default()
    };
    // One connection, reused for the whole run: nothing is idle long enough to be probed.
    let pool = PoolSettings {
        max_idle_per_server: 1,
        ..PoolSettings::default()
    };
    let bench = connect(&args, endpoint, timeouts, pool);
    let client = &bench.client;
    // Warm-up: opens the connection (TLS handshake) and touches every code path once.
    let warmup = args.warmup.div_ceil(args.batch).max(1) * args.batch;
    bench.wait(run(client, &args, warmup));
    bench
        .replay
        .store(args.transport == "replay", Ordering::Relaxed);

    let server = args.server_pid.map(|p| p.to_string());
    let server_before = server.as_deref().map(stat_cpu_us);
    let stat_before = stat_cpu_us("self");
    let cpu_before = own_cpu_ns();
    let start = Instant::now();
    bench.wait(run(client, &args, args.n));
    let wall = start.elapsed();
    let cpu_ns = own_cpu_ns() - cpu_before;
    let stat_us = stat_cpu_us("self") - stat_before;
    let server_us = server
        .as_deref()
        .map(stat_cpu_us)
        .zip(server_before)
        .map(|(after, before)| after - before);

    // A host link counts no connections (the host owns them): ask the host's sockets.
    let connections = match &bench.host_sockets {
        Some(sockets) => sockets.stats()[0].connections_opened,
        None => client.cluster().stats()[0].connections_opened,
    };
    let n = args.n as f64;
    let json = serde_json::json!({
        "client": "kmipkit",
        "transport": args.transport,
        "api": if args.batch == 1 { "Client::get" } else { "Client::batch" },
        "kmip_version": format!("{}.{}", args.version.major, args.version.minor),
        "batch": args.batch,
        "gets": args.n,
        "wall_s": wall.as_secs_f64(),
        "gets_per_s": n / wall.as_secs_f64(),
        "client_cpu_us_per_get": cpu_ns as f64 / 1000.0 / n,
        "client_cpu_us_per_get_ticks": stat_us as f64 / n,
        "server_cpu_us_per_get": server_us.map(|us| us as f64 / n),
        "connections_opened": connections,
    });
    println!("{json}");
    assert_eq!(connections, 1, "the run must reuse one connection");
}
