//! `kmipkit config check` reads the TLS material and credential as a connection does, and
//! configuration files that are FIFOs, too many servers or megabyte values are refused (exit 3)
//! instead of hanging, crawling or flooding the terminal. A real PyKMIP server provides the PKI.

mod support;

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Entry, Run, TestServer, kmipkit, scratch, write_config};

/// Writes `content` to `dir/name` with `mode`.
fn file(dir: &Path, name: &str, content: &[u8], mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// `config check` and a command that connects both refuse `config` with exit 3, naming `file`
/// and every one of `words`.
#[track_caller]
fn refused_everywhere(config: &Path, dir: &Path, file: &Path, words: &[&str]) {
    let file = file.display().to_string();
    for args in [&["config", "check"][..], &["key", "locate"][..]] {
        let run = kmipkit(config, dir, args, b"").expect(3);
        assert!(
            run.stderr.contains(&file),
            "{args:?}: {file} not named in: {}",
            run.stderr
        );
        for w in words {
            assert!(
                run.stderr.contains(w),
                "{args:?}: {w:?} missing from: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn config_check_reads_the_tls_material_and_credential_as_a_connection_does() {
    let server = TestServer::start(0);
    let dir = scratch("config-check");
    let good = write_config(&dir, "good.toml", &[Entry::of("kms1", &server)], "");
    kmipkit(&good, &dir, &["config", "check"], b"").expect(0);

    let with = |name: &str, change: &dyn Fn(&mut Entry)| {
        let mut entry = Entry::of("kms1", &server);
        change(&mut entry);
        write_config(&dir, name, &[entry], "")
    };

    let garbage = file(&dir, "garbage.pem", b"this is not a certificate\n", 0o644);
    let cfg = with("garbage-ca.toml", &|e| e.ca = garbage.clone());
    refused_everywhere(
        &cfg,
        &dir,
        &garbage,
        &["CA certificate (ca)", "no PEM `CERTIFICATE`"],
    );

    let empty = file(&dir, "empty.pem", b"", 0o644);
    let cfg = with("empty-ca.toml", &|e| e.ca = empty.clone());
    refused_everywhere(&cfg, &dir, &empty, &["CA certificate (ca) is empty"]);

    // The wrong type of file: a private key where the CA certificate belongs.
    let key_text = std::fs::read(server.path("client_key")).unwrap();
    let key_as_ca = file(&dir, "key-as-ca.pem", &key_text, 0o644);
    let cfg = with("key-as-ca.toml", &|e| e.ca = key_as_ca.clone());
    refused_everywhere(&cfg, &dir, &key_as_ca, &["(ca)", "no PEM `CERTIFICATE`"]);

    let garbage_key = file(
        &dir,
        "garbage.key",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n",
        0o600,
    );
    let cfg = with("garbage-key.toml", &|e| e.key = garbage_key.clone());
    refused_everywhere(
        &cfg,
        &dir,
        &garbage_key,
        &["client key (client_key)", "no usable PEM private key"],
    );

    // A real key, of another certificate.
    let other_key = server.path("wrong_ca_client_key");
    let cfg = with("mismatched-key.toml", &|e| e.key = other_key.clone());
    refused_everywhere(
        &cfg,
        &dir,
        &other_key,
        &[
            "does not belong to the client certificate",
            server.value("client_cert"),
        ],
    );

    // An unset password variable: the configuration file is the file at fault.
    let unset = "KMIPKIT_TEST_SURELY_UNSET_PASSWORD_VARIABLE";
    let cfg = write_config(
        &dir,
        "unset-env.toml",
        &[Entry::of("kms1", &server)],
        &format!("[defaults]\nusername = \"u\"\npassword_env = \"{unset}\"\n"),
    );
    refused_everywhere(&cfg, &dir, &cfg, &[unset, "is not set"]);

    // --json says the same in its error document.
    let cfg = with("garbage-ca-json.toml", &|e| e.ca = garbage.clone());
    let err = kmipkit(&cfg, &dir, &["config", "check", "--json"], b"")
        .expect(3)
        .error_json();
    assert_eq!(err["error"]["exit_code"], 3, "{err}");
    drop(server);
}

/// Runs `kmipkit` with a bound far beyond any refusal; a run still going then is killed and the
/// test fails on its outcome (it hung), not on its timing.
fn bounded(config: &Path, dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(args)
        .env("KMIPKIT_CONFIG", config)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kmipkit");
    let give_up = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > give_up {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("kmipkit {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn mkfifo(path: &Path) -> PathBuf {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.to_path_buf()
}

#[test]
fn fifos_too_many_servers_and_huge_values_are_refused() {
    let dir = scratch("config-hostile");
    let ca = file(&dir, "ca.pem", b"-", 0o644);
    let cert = file(&dir, "c.pem", b"-", 0o644);
    let key = file(&dir, "k.pem", b"-", 0o600);
    let entry = |name| Entry {
        name,
        port: 5696,
        ca: ca.clone(),
        cert: cert.clone(),
        key: key.clone(),
    };

    // The configuration file itself is a FIFO nobody writes to.
    let fifo = mkfifo(&dir.join("fifo.toml"));
    let run = bounded(&fifo, &dir, &["config", "check"]).expect(3);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);

    // A key file that is a FIFO.
    let fifo_key = mkfifo(&dir.join("fifo.key"));
    let mut with_fifo = entry("kms1");
    with_fifo.key = fifo_key;
    let cfg = write_config(&dir, "fifo-key.toml", &[with_fifo], "");
    for args in [&["config", "check"][..], &["key", "locate"][..]] {
        let run = bounded(&cfg, &dir, args).expect(3);
        assert!(
            run.stderr.contains("client_key") && run.stderr.contains("not a regular file"),
            "{}",
            run.stderr
        );
    }

    // A log to verify that is a FIFO.
    let log_fifo = mkfifo(&dir.join("log.fifo")).display().to_string();
    let run = bounded(&cfg, &dir, &["log", "verify", &log_fifo]).expect(7);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);

    // An audit trail to read that is a FIFO.
    let audit_fifo = mkfifo(&dir.join("audit.fifo")).display().to_string();
    let audit_cfg = write_config(
        &dir,
        "audit-fifo.toml",
        &[entry("kms1")],
        &format!("[audit]\npath = {audit_fifo:?}\n"),
    );
    let run = bounded(&audit_cfg, &dir, &["audit"]).expect(7);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);

    // One server more than the limit.
    let names: Vec<String> = (0..=64).map(|i| format!("kms{i}")).collect();
    let entries: Vec<Entry> = names.iter().map(|n| entry(n)).collect();
    let cfg = write_config(&dir, "too-many.toml", &entries, "");
    let run = bounded(&cfg, &dir, &["config", "check"]).expect(3);
    assert!(
        run.stderr.contains("65 key servers") && run.stderr.contains("at most 64"),
        "{}",
        run.stderr
    );

    // A 3 MB host name is cut in the message.
    let huge = "h".repeat(3_000_000);
    let cfg = dir.join("huge.toml");
    file(
        &dir,
        "huge.toml",
        format!("[primary]\nhost = \"{huge}\"\nca = {ca:?}\nclient_cert = {cert:?}\nclient_key = {key:?}\n")
            .as_bytes(),
        0o600,
    );
    let run = bounded(&cfg, &dir, &["config", "check"]).expect(3);
    assert!(
        run.stderr.len() < 1000,
        "{} bytes of error",
        run.stderr.len()
    );
    assert!(
        run.stderr.contains("hhhh… (3000002 bytes)") && run.stderr.contains("at most 253"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_server_down_ends_by_the_deadline() {
    let server = TestServer::start(0);
    let dir = scratch("config-deadline");
    // A port nothing listens on.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let names: Vec<String> = (0..64).map(|i| format!("kms{i}")).collect();
    let entries: Vec<Entry> = names
        .iter()
        .map(|n| {
            let mut e = Entry::of(n, &server);
            e.port = closed;
            e
        })
        .collect();
    // write_config sets a 3 s deadline.
    let cfg = write_config(&dir, "all-down.toml", &entries, "");
    kmipkit(&cfg, &dir, &["config", "check"], b"").expect(0);
    let run = bounded(&cfg, &dir, &["key", "locate", "--json"]).expect(4);
    let err = run.error_json();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no key server answered within 3000 ms"),
        "{err}"
    );

    // The files the logger opens (to append, or to read the chain state) may be FIFOs too.
    let log = dir.join("log.jsonl").display().to_string();
    let fifo = |name: &str| mkfifo(&dir.join(name)).display().to_string();
    for (name, extra) in [
        (
            "log-fifo",
            format!(
                "[log]\ndestination = \"file\"\npath = {:?}\n",
                fifo("log.fifo")
            ),
        ),
        (
            "state-fifo",
            format!(
                "[log]\ndestination = \"file\"\npath = {log:?}\nstate_file = {:?}\n",
                fifo("state.fifo")
            ),
        ),
        (
            "audit-fifo",
            format!("[audit]\npath = {:?}\n", fifo("audit.fifo")),
        ),
    ] {
        let cfg = write_config(&dir, &format!("{name}.toml"), &entries[..1], &extra);
        let run = bounded(&cfg, &dir, &["key", "locate"]).expect(7);
        assert!(
            run.stderr.contains("not a regular file"),
            "{name}: {}",
            run.stderr
        );
    }
    drop(server);
}
