//! `kmipkit.toml` against hostile sizes: the server count cap, linear duplicate detection, values
//! cut in error messages, and configured files that are not regular files (a FIFO).

use std::path::Path;

use kmipkit::Error;
use kmipkit::config::{Config, MAX_SERVER_NAME, MAX_SERVERS};

/// `[primary]` then `secondaries` `[[secondary]]` tables named s1, s2, ...
fn servers(secondaries: usize) -> String {
    let mut text = String::from(
        "[primary]\nhost = \"kms0\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\n",
    );
    for i in 1..=secondaries {
        text.push_str(&format!(
            "\n[[secondary]]\nname = \"s{i}\"\nhost = \"kms{i}\"\nca = \"ca.pem\"\npkcs12 = \"p.p12\"\n"
        ));
    }
    text
}

/// The line of the header of secondary `i` in [`servers`]: 5 lines of `[primary]`, then 6 per
/// secondary (a blank line first).
fn header_line(i: usize) -> usize {
    5 + 6 * (i - 1) + 2
}

fn refusal(text: &str) -> (Option<usize>, String) {
    match Config::from_toml(text, Path::new("/cfg")).unwrap_err() {
        Error::Config { line, reason, .. } => (line, reason),
        other => panic!("not a configuration error: {other:?}"),
    }
}

#[test]
fn the_server_count_is_capped() {
    let at_limit = Config::from_toml(&servers(MAX_SERVERS - 1), Path::new("/cfg")).unwrap();
    assert_eq!(at_limit.servers.len(), MAX_SERVERS);

    let (line, reason) = refusal(&servers(MAX_SERVERS));
    // The table that is one too many.
    assert_eq!(line, Some(header_line(MAX_SERVERS)), "{reason}");
    assert!(
        reason.contains(&format!("{} key servers", MAX_SERVERS + 1))
            && reason.contains(&format!("at most {MAX_SERVERS}")),
        "{reason}"
    );

    // A hundred thousand tables are refused on their count, not parsed one by one; a file this
    // size (about 7 MB) is loaded only through `from_toml`, `load` refuses it on its size.
    let (_, reason) = refusal(&servers(100_000));
    assert!(reason.contains("100001 key servers"), "{reason}");

    // Written as an inline array the tables escape the count on the text, not the cap.
    let mut inline = String::from("secondary = [\n");
    for i in 1..=MAX_SERVERS {
        inline.push_str(&format!(
            "  {{ name = \"s{i}\", host = \"h\", ca = \"ca.pem\", pkcs12 = \"p.p12\" }},\n"
        ));
    }
    inline.push_str("]\n[primary]\nhost = \"kms0\"\nca = \"ca.pem\"\npkcs12 = \"p.p12\"\n");
    let (_, reason) = refusal(&inline);
    assert!(
        reason.contains(&format!("at most {MAX_SERVERS}")),
        "{reason}"
    );
}

#[test]
fn duplicate_names_are_found_among_many_servers() {
    let mut text = servers(MAX_SERVERS - 2);
    text.push_str(
        "\n[[secondary]]\nname = \"s7\"\nhost = \"h\"\nca = \"ca.pem\"\npkcs12 = \"p.p12\"\n",
    );
    let (line, reason) = refusal(&text);
    let first = header_line(7);
    assert!(
        reason.contains(&format!(
            "`s7` is already used by the server at line {first}"
        )),
        "{reason}"
    );
    // The duplicate's `name` line.
    assert_eq!(line, Some(text.lines().count() - 3), "{reason}");
}

#[test]
fn errors_cut_long_values() {
    let huge = "a".repeat(3 << 20);
    let cases = [
        // A host name longer than DNS allows.
        format!("[primary]\nhost = \"{huge}\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n"),
        // A server name, repeated in every message about its server.
        format!("[primary]\nname = \"{huge}\"\nhost = \"h\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n"),
        // Any value checked by the parser.
        format!(
            "[primary]\nhost = \"h\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n[timeouts]\nconnect = \"{huge}\"\n"
        ),
        format!("[primary]\nhost = \"h:{huge}\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n"),
        // An unknown key.
        format!("[primary]\n{huge} = 1\n"),
    ];
    for text in &cases {
        let err = Config::from_toml(text, Path::new("/cfg"))
            .unwrap_err()
            .to_string();
        assert!(
            err.len() < 600,
            "{} bytes: {}",
            err.len(),
            &err[..600.min(err.len())]
        );
        assert!(err.contains("aaaa…"), "{err}");
        assert!(err.contains("bytes)"), "{err}");
    }
    let long_name = "n".repeat(MAX_SERVER_NAME + 1);
    let (_, reason) = refusal(&format!(
        "[primary]\nname = \"{long_name}\"\nhost = \"h\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n"
    ));
    assert!(
        reason.contains(&format!("at most {MAX_SERVER_NAME}")),
        "{reason}"
    );
    let exact = "n".repeat(MAX_SERVER_NAME);
    Config::from_toml(
        &format!("[primary]\nname = \"{exact}\"\nhost = \"h\"\nca = \"ca.pem\"\npkcs12 = \"p\"\n"),
        Path::new("/cfg"),
    )
    .unwrap();
}

#[cfg(unix)]
mod fifo {
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::sync::mpsc;
    use std::time::Duration;

    use kmipkit::config::Config;

    /// Far longer than any refusal takes; only a hang reaches it.
    const BOUND: Duration = Duration::from_secs(60);

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kmipkit-fifo-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("run mkfifo");
        assert!(status.success());
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    /// Runs `f` on a thread; its result, or a panic naming the hang if it does not end in time.
    fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(BOUND)
            .unwrap_or_else(|_| panic!("{what} blocked (a FIFO without a writer)"))
    }

    #[test]
    fn a_configuration_file_that_is_a_fifo_is_refused() {
        let dir = scratch("config");
        let path = dir.join("kmipkit.toml");
        mkfifo(&path);
        let err = bounded("Config::load", move || Config::load(&path).unwrap_err());
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_key_file_that_becomes_a_fifo_after_loading_is_refused() {
        let dir = scratch("key");
        let write = |name: &str, mode: u32| {
            let path = dir.join(name);
            std::fs::write(&path, "x").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        write("ca.pem", 0o644);
        write("c.pem", 0o644);
        write("k.pem", 0o600);
        write("kmipkit.toml", 0o600);
        std::fs::write(
            dir.join("kmipkit.toml"),
            "[primary]\nhost = \"h\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\n",
        )
        .unwrap();
        let config = Config::load(dir.join("kmipkit.toml")).unwrap();
        // Swapped for a FIFO between the load and the read, as a race could.
        std::fs::remove_file(dir.join("k.pem")).unwrap();
        mkfifo(&dir.join("k.pem"));
        let server = config.servers[0].clone();
        let err = bounded("reading client_key", move || {
            server.tls_material().unwrap_err()
        });
        assert!(
            err.to_string().contains("client_key")
                && err.to_string().contains("not a regular file"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
