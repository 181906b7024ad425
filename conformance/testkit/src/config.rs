//! `kmipkit.toml` files for tests, naming a [`TestServer`]'s PKI files.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::TestServer;

/// Short timeouts for tests: a server that is down is given up on within seconds.
pub const FAST_TIMEOUTS: &str = "\n[timeouts]\nconnect = \"2s\"\nrequest = \"10s\"\ndeadline = \"3s\"\nfailover_delay = \"50ms\"\n";

/// One key server of a configuration: its name, port and PEM files.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The server's `name`.
    pub name: &'a str,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The CA certificate the client trusts.
    pub ca: PathBuf,
    /// The client certificate.
    pub cert: PathBuf,
    /// The client's private key.
    pub key: PathBuf,
}

impl<'a> Entry<'a> {
    /// `server` with its good client identity.
    ///
    /// ```no_run
    /// # let server = kmipkit_testkit::TestServer::start(0);
    /// let mut entry = kmipkit_testkit::Entry::of("kms1", &server);
    /// entry.cert = server.path("expired_client_cert"); // the variants are plain fields
    /// ```
    pub fn of(name: &'a str, server: &TestServer) -> Self {
        Self {
            name,
            port: server.port(),
            ca: server.path("ca"),
            cert: server.path("client_cert"),
            key: server.path("client_key"),
        }
    }
}

/// The `[primary]` section for the first entry and a `[[secondary]]` for each other one.
///
/// ```
/// use kmipkit_testkit::{Entry, servers_toml};
/// let entry = Entry { name: "a", port: 5696, ca: "ca.pem".into(), cert: "c.pem".into(), key: "k.pem".into() };
/// let text = servers_toml(&[entry.clone(), Entry { name: "b", ..entry }]);
/// assert!(text.starts_with("\n[primary]\nname = \"a\"\nhost = \"127.0.0.1\"\nport = 5696\n"));
/// assert!(text.contains("\n[[secondary]]\nname = \"b\"\n"));
/// ```
pub fn servers_toml(entries: &[Entry]) -> String {
    let mut text = String::new();
    for (i, e) in entries.iter().enumerate() {
        text.push_str(if i == 0 {
            "\n[primary]\n"
        } else {
            "\n[[secondary]]\n"
        });
        text.push_str(&format!(
            "name = {:?}\nhost = \"127.0.0.1\"\nport = {}\nca = {:?}\nclient_cert = {:?}\nclient_key = {:?}\n",
            e.name, e.port, e.ca, e.cert, e.key
        ));
    }
    text
}

/// Writes `dir/file`: `top` (keys that precede every table), the servers of `entries` (the
/// first is the primary) and [`FAST_TIMEOUTS`]. Mode 0600. Returns the path.
///
/// ```no_run
/// # use kmipkit_testkit::*;
/// # let server = TestServer::start(0);
/// let config = write_config(&scratch("doc"), "kmipkit.toml", &[Entry::of("kms1", &server)], "");
/// ```
pub fn write_config(dir: &Path, file: &str, entries: &[Entry], top: &str) -> PathBuf {
    let text = format!("{top}{}{FAST_TIMEOUTS}", servers_toml(entries));
    write_private(&dir.join(file), &text)
}

/// Writes `text` to `path` with mode 0600 (the configuration loader refuses files others can
/// read); replaces an existing file's content. Returns the path.
///
/// ```
/// use std::os::unix::fs::PermissionsExt;
/// let path = kmipkit_testkit::scratch("doc").join("secret.txt");
/// kmipkit_testkit::write_private(&path, "s3cret\n");
/// assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
/// ```
pub fn write_private(path: &Path, text: &str) -> PathBuf {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path.to_path_buf()
}
