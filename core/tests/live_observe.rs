//! With every level and format, a live scenario against PyKMIP (create, register a known key,
//! encrypt, get, rotate, and a refusal) is logged and audited; then every log and audit byte is
//! scanned for the key (raw, hex in both cases, base64 standard and url-safe), the password,
//! the plaintext and the ciphertext: zero hits. The logs must verify and show each operation.
#![cfg(feature = "net")]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kmipkit::client::{Client, VersionChoice};
use kmipkit::message::{
    Credential, CryptographicParameters, EncryptRequest, GetRequest, KeyMaterial,
};
use kmipkit::observe::verify::{VerifyOptions, verify_files};
use kmipkit::observe::{
    AuditSettings, Destination, Format, Level, LogSettings, Logger, Rotation, audit,
};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, PaddingMethod,
    ProtocolVersion, RevocationReasonCode,
};
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use support::client::{PASSWORD, active_key, hex, known_key};
use support::pykmip::{TestServer, TlsIdentity, differs};

const PLAINTEXT: &[u8] = b"attack at dawn: the payroll file";

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

/// Every form of `secret` that must never be written.
fn forms(secret: &[u8]) -> Vec<Vec<u8>> {
    const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = vec![
        secret.to_vec(),
        hex(secret).into_bytes(),
        hex(secret).to_uppercase().into_bytes(),
        format!("{secret:?}").into_bytes(),
    ];
    for alphabet in [STANDARD, URL] {
        for pad in [true, false] {
            // Base64 of the middle too: an encoder may start at any offset modulo 3.
            for skip in 0..3 {
                let encoded = base64(&secret[skip..], alphabet, pad);
                // Drop the last characters, which depend on what follows.
                out.push(encoded.as_bytes()[..encoded.len() - 4].to_vec());
            }
        }
    }
    out
}

fn scan(name: &Path, bytes: &[u8], secrets: &[(&str, Vec<Vec<u8>>)]) {
    for (what, forms) in secrets {
        for form in forms {
            let hit = bytes.windows(form.len()).position(|w| w == form.as_slice());
            assert!(
                hit.is_none(),
                "{} holds the {what} ({:?})",
                name.display(),
                String::from_utf8_lossy(form)
            );
        }
    }
}

async fn scenario(server: &TestServer, logger: Arc<Logger>, run: &str) -> Vec<u8> {
    let endpoint = Endpoint::new(
        "pykmip",
        "127.0.0.1",
        server.port(),
        server.client_material(),
    );
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    };
    let transport = Transport::new(
        vec![endpoint],
        timeouts,
        PoolSettings::default(),
        Limits::default(),
    )
    .unwrap();
    let credential = Credential::UsernameAndPassword {
        username: "observer".into(),
        password: Some(PASSWORD.to_string().into()),
    };
    let client = Client::with_transport_and_logger(
        transport,
        VersionChoice::Negotiate(ProtocolVersion::V1_4),
        Some(credential),
        Limits::default(),
        logger,
    )
    .await
    .expect("client");
    let created = client
        .create_aes_key(&format!("{run}-created"), 256)
        .await
        .expect("create");
    let known = active_key(
        &client,
        CryptographicAlgorithm::AES,
        &known_key(),
        CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
        &format!("{run}-known"),
    )
    .await;
    let mut parameters = CryptographicParameters::default();
    parameters.cryptographic_algorithm = Some(CryptographicAlgorithm::AES);
    parameters.block_cipher_mode = Some(BlockCipherMode::CBC);
    parameters.padding_method = Some(PaddingMethod::PKCS5);
    let mut request = EncryptRequest::new(Some(known.clone()), PLAINTEXT.to_vec());
    request.cryptographic_parameters = Some(parameters);
    request.iv_counter_nonce = Some(vec![7u8; 16].into());
    let ciphertext = client
        .encrypt(request)
        .await
        .expect("encrypt")
        .data
        .expect("data")
        .take();
    let got = client
        .get(GetRequest::new(Some(known.clone())))
        .await
        .expect("get");
    match got.object.key_block().and_then(|b| b.key_material()) {
        Some(KeyMaterial::Bytes(b)) => assert_eq!(b.0, known_key()),
        other => panic!("no key bytes: {other:?}"),
    }
    // Rotate: a new version becomes active, the old one is revoked and destroyed.
    let next = client
        .create_aes_key(&format!("{run}-created-v2"), 256)
        .await
        .expect("create v2");
    client.activate(&next).await.expect("activate v2");
    client.activate(&created).await.expect("activate v1");
    client
        .revoke_for(&created, RevocationReasonCode::Superseded)
        .await
        .expect("revoke v1");
    client.destroy(&created).await.expect("destroy v1");
    // A refusal is logged as a failure with its reason.
    assert!(
        client
            .get(GetRequest::new(Some("no-such-key".into())))
            .await
            .is_err()
    );
    ciphertext
}

#[test]
fn the_encoders_of_the_scan_are_right() {
    const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    assert_eq!(base64(b"Man", STANDARD, true), "TWFu");
    assert_eq!(base64(b"Ma", STANDARD, true), "TWE=");
    assert_eq!(base64(b"M", STANDARD, false), "TQ");
    assert_eq!(base64(&[0xfb, 0xff], STANDARD, true), "+/8=");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_level_or_format_ever_logs_a_secret() {
    let server = TestServer::start(0);
    let cosmian = differs("live_observe::no_level_or_format_ever_logs_a_secret");
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("observe-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut outputs: Vec<PathBuf> = Vec::new();
    let mut ciphertexts = Vec::new();
    for level in Level::ALL {
        for format in Format::ALL {
            let run = format!("{level}-{format}");
            let dir = root.join(&run);
            let path = dir.join("kmipkit.log");
            let settings = LogSettings {
                level,
                format,
                destination: Some(Destination::File {
                    path: path.clone(),
                    rotation: Rotation::Size {
                        max_bytes: 4096,
                        keep: 100,
                    },
                }),
                ..LogSettings::default()
            };
            let audit_path = dir.join("audit.csv");
            let logger = Arc::new(
                Logger::start(
                    &settings,
                    Some(&AuditSettings {
                        path: audit_path.clone(),
                    }),
                )
                .unwrap(),
            );
            ciphertexts.push(scenario(&server, logger.clone(), &run).await);
            assert!(logger.flush(Duration::from_secs(10)));
            assert_eq!(logger.dropped(), 0);
            let rows = audit::read(&audit_path).unwrap();
            let operations: Vec<&str> = rows.iter().filter_map(|r| r.get("operation")).collect();
            for op in [
                "Create", "Register", "Activate", "Encrypt", "Get", "Revoke", "Destroy",
            ] {
                assert!(
                    operations.contains(&op),
                    "{run}: no {op} in the audit trail: {operations:?}"
                );
            }
            let failure = rows
                .iter()
                .find(|r| r.get("outcome") == Some("failure"))
                .expect("a failure row");
            let missing = if cosmian {
                "ObjectNotFound"
            } else {
                "ItemNotFound"
            };
            assert_eq!(failure.get("reason"), Some(missing), "{run}");
            assert_eq!(failure.get("user"), Some("observer"));
            assert_eq!(failure.get("ip_addr"), Some("127.0.0.1"));
            let ids: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get("request_id"))
                .filter(|id| !id.is_empty())
                .collect();
            let unique: std::collections::HashSet<&&str> = ids.iter().collect();
            assert_eq!(
                unique.len(),
                ids.len(),
                "{run}: request ids repeat: {ids:?}"
            );
            assert!(
                ids.len() >= 8 && ids[0].starts_with(&format!("{}-", std::process::id())),
                "{ids:?}"
            );
            outputs.push(audit_path);
            if level == Level::None {
                assert!(!path.exists(), "{run}: level none wrote a log");
                continue;
            }
            let files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("kmipkit.log")
                })
                .collect();
            let logs: Vec<PathBuf> = files
                .iter()
                .filter(|p| !p.to_string_lossy().ends_with(".state"))
                .cloned()
                .collect();
            let report = verify_files(&logs, &VerifyOptions::default()).unwrap();
            assert!(report.is_intact(), "{run}: {report}");
            let text: String = logs
                .iter()
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect();
            assert!(text.contains(missing) && text.contains("Encrypt"), "{run}");
            assert_eq!(
                text.contains("request_bytes"),
                level == Level::Debug,
                "{run}"
            );
            assert_eq!(
                text.contains("failed_servers"),
                level >= Level::Verbose,
                "{run}"
            );
            if level == Level::Debug && format == Format::Rfc3164 {
                println!(
                    "sample debug line:\n{}",
                    text.lines().find(|l| l.contains("op=Encrypt")).unwrap()
                );
            }
            outputs.extend(files);
        }
    }
    let password = PASSWORD.as_bytes();
    let mut secrets = vec![
        ("key", forms(&known_key())),
        ("password", forms(password)),
        ("plaintext", forms(PLAINTEXT)),
    ];
    for c in &ciphertexts {
        secrets.push(("ciphertext", forms(c)));
    }
    for path in &outputs {
        scan(path, &std::fs::read(path).unwrap(), &secrets);
    }
    assert!(outputs.len() > 40, "{} files scanned", outputs.len());
    std::fs::remove_dir_all(&root).unwrap();
}

/// `Client::connect` from a kmipkit.toml with `[log]` and `[audit]`: the configuration's
/// settings are logged as one `config_change` event per start (one audit row, not one per
/// setting), then the operations, and the chain verifies with its state file across a second
/// connect (a restart).
#[test]
fn a_configured_client_logs_its_configuration_and_its_operations() {
    let server = TestServer::start(0);
    let dir = kmipkit_testkit::scratch("observe-config");
    let text = format!(
        "{}[log]\nlevel = \"verbose\"\nformat = \"rfc5424\"\npath = \"log/kmipkit.log\"\n\
         [audit]\npath = \"log/audit.csv\"\n",
        kmipkit_testkit::servers_toml(&[kmipkit_testkit::Entry::of("dc1", &server)]),
    );
    let path = kmipkit_testkit::write_private(&dir.join("kmipkit.toml"), &text);
    let config = kmipkit::config::Config::load(&path).unwrap();
    for _ in 0..2 {
        let client = kmipkit::client::BlockingClient::connect(&config).unwrap();
        let id = client.run(|c| c.create_aes_key("configured", 256)).unwrap();
        assert!(client.run(|c| c.destroy("no-such-key")).is_err());
        client.run(|c| c.destroy(&id)).unwrap();
        assert!(client.client().logger().flush(Duration::from_secs(10)));
    }
    let log = dir.join("log/kmipkit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.lines().next().unwrap().contains("event=\"log_start\""),
        "{text}"
    );
    assert!(
        text.contains("setting=\"configuration\" config_file="),
        "{text}"
    );
    assert!(text.contains("servers=\"dc1 127.0.0.1:"), "{text}");
    assert!(
        text.contains("log_level=\"verbose\" log_format=\"rfc5424\" audit_path="),
        "{text}"
    );
    assert!(
        text.contains("chain=\"continued\""),
        "the second start continues the chain: {text}"
    );
    assert!(
        text.contains("op=\"Destroy\" server=\"dc1\" ip_addr=\"127.0.0.1\""),
        "{text}"
    );
    let report = verify_files(&[log], &VerifyOptions::default()).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.state_serial, report.last_serial);
    let rows = audit::read(&dir.join("log/audit.csv")).unwrap();
    let configurations: Vec<_> = rows
        .iter()
        .filter(|r| r.get("operation") == Some("config_change"))
        .map(|r| r.get("details").unwrap_or_default())
        .collect();
    assert_eq!(
        configurations.len(),
        2,
        "one row per start: {configurations:?}"
    );
    assert!(configurations[0].contains("config_digest="));
    assert_eq!(
        configurations[0], configurations[1],
        "the same configuration"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.get("reason") == Some("ItemNotFound"))
            .count(),
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A log receiver that accepts and never reads: once its socket buffers and the queue are full,
/// key operations go on at full speed and the excess is dropped and counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_log_receiver_does_not_slow_key_operations() {
    let server = TestServer::start(0);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let settings = LogSettings {
        destination: Some(Destination::Tcp {
            address: listener.local_addr().unwrap().to_string(),
        }),
        queue: 16,
        ..LogSettings::default()
    };
    let logger = Arc::new(Logger::start(&settings, None).unwrap());
    let (_held, _) = listener.accept().unwrap();
    // Fill the receiver's socket buffers so the writer thread is stuck in a write.
    for _ in 0..20_000 {
        logger.emit(kmipkit::observe::Event::operation("Filler", 0).key(&"x".repeat(500), ""));
    }
    let client = {
        let endpoint = Endpoint::new(
            "pykmip",
            "127.0.0.1",
            server.port(),
            server.client_material(),
        );
        let transport = Transport::new(
            vec![endpoint],
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        )
        .unwrap();
        let choice = VersionChoice::Pinned(ProtocolVersion::V1_4);
        Client::with_transport_and_logger(
            transport,
            choice,
            None,
            Limits::default(),
            logger.clone(),
        )
        .await
        .unwrap()
    };
    assert!(
        logger.dropped() > 10_000,
        "the queue is bounded: {} dropped",
        logger.dropped()
    );
    let mut slowest = Duration::ZERO;
    for _ in 0..100 {
        let started = std::time::Instant::now();
        assert!(
            client
                .get(GetRequest::new(Some("missing".into())))
                .await
                .is_err()
        );
        slowest = slowest.max(started.elapsed());
    }
    // A blocked log write would take its 2 s timeout; PyKMIP answers in milliseconds.
    assert!(
        slowest < Duration::from_secs(1),
        "slowest operation took {slowest:?}"
    );
}

/// A key server that cannot be reached: the failure is logged with the server it names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_logged_as_a_failure() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("observe-down-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let audit_path = dir.join("audit.csv");
    let logger = Arc::new(
        Logger::start(
            &LogSettings::default(),
            Some(&AuditSettings {
                path: audit_path.clone(),
            }),
        )
        .unwrap(),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pki = TestServer::start(0); // for its certificates only
    let endpoint = Endpoint::new("down", "127.0.0.1", closed, pki.client_material());
    let timeouts = Timeouts {
        deadline: Duration::from_secs(2),
        ..Timeouts::default()
    };
    let transport = Transport::new(
        vec![endpoint],
        timeouts,
        PoolSettings::default(),
        Limits::default(),
    )
    .unwrap();
    let choice = VersionChoice::Pinned(ProtocolVersion::V1_4);
    let client = Client::with_transport_and_logger(
        transport,
        choice,
        None,
        Limits::default(),
        logger.clone(),
    )
    .await
    .unwrap();
    let err = client
        .get(GetRequest::new(Some("1".into())))
        .await
        .unwrap_err();
    assert!(logger.flush(Duration::from_secs(5)));
    let rows = audit::read(&audit_path).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].get("operation"), Some("Get"));
    assert_eq!(rows[0].get("server"), Some("down"));
    assert_eq!(rows[0].get("port"), Some(closed.to_string().as_str()));
    assert_eq!(rows[0].get("outcome"), Some("failure"));
    assert_eq!(rows[0].get("reason"), Some(err.kind().to_string().as_str()));
    std::fs::remove_dir_all(&dir).unwrap();
}
