//! The kit against the real harness: scratch directories land where Cargo says test scratch
//! files go, a started server answers and is gone after `stop`, and a configuration written for
//! it names its PKI files with mode 0600.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use kmipkit_testkit::{Entry, TestServer, scratch, scratch_root, wait_listening, write_config};

#[test]
fn scratch_directories_live_in_cargos_target_tmpdir() {
    assert_eq!(scratch_root(), Path::new(env!("CARGO_TARGET_TMPDIR")));
    let dir = scratch("kit");
    assert!(dir.starts_with(env!("CARGO_TARGET_TMPDIR")));
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    std::fs::remove_dir(dir).unwrap();
}

#[test]
fn a_server_starts_is_configured_and_stops() {
    let mut server = TestServer::start(0);
    wait_listening(server.port(), Duration::from_secs(5));
    let proc = format!("/proc/{}", server.pid());
    assert!(Path::new(&proc).exists(), "the harness reported PID {proc}");
    assert!(server.pem("ca").starts_with(b"-----BEGIN CERTIFICATE-----"));
    assert!(server.dir().join("server.conf").is_file());

    let dir = scratch("kit-config");
    let config = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains(&format!("port = {}", server.port())),
        "{text}"
    );
    assert!(text.contains(server.value("client_key")), "{text}");
    let mode = std::fs::metadata(&config).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    server.stop();
    assert!(gone(&proc), "{proc} still runs after stop");
    server.stop(); // idempotent
    std::fs::remove_dir_all(dir).unwrap();
}

/// Gone, or a zombie nobody reaps (the harness's server is reparented to PID 1, which in a
/// container may not reap).
fn gone(proc: &str) -> bool {
    match std::fs::read_to_string(format!("{proc}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
    }
}
