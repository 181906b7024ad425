//! `kmipkit.toml`: the happy path, every refusal, and secrets kept out of `Debug` and errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kmipkit::config::{Config, ConfigBuilder, EXAMPLE_TOML, ServerBuilder, ServerConfig};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{HttpsEncoding, Wire};
use kmipkit::{Error, ErrorKind};

const PASSWORD: &str = "s3cret-Passw0rd!";
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----\nTUlJQ1hBSUJBQUtCZ1FDcXVpdGVzZWNyZXRrZXlieXRlcw==\n-----END PRIVATE KEY-----\n";
const KEY_MARKER: &str = "TUlJQ1hBSUJBQUtCZ1FD";

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "kmipkit-config-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Writes `rel` with `mode`, creating parent directories; returns its path.
    fn write(&self, rel: &str, content: &str, mode: u32) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        set_mode(&path, mode);
        path
    }

    /// The PKI and secret files every test configuration names, with correct modes.
    fn with_files(tag: &str) -> Self {
        let dir = Self::new(tag);
        dir.write(
            "certs/ca.pem",
            "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
            0o644,
        );
        dir.write(
            "certs/client.pem",
            "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n",
            0o644,
        );
        dir.write("certs/client.key", KEY_PEM, 0o600);
        dir.write("certs/client.p12", "P12-BYTES", 0o600);
        dir.write("secrets/kmip.password", &format!("{PASSWORD}\n"), 0o600);
        dir.write("secrets/p12.password", "p12-pass\r\n", 0o600);
        dir
    }

    fn config(&self, text: &str) -> PathBuf {
        self.write("kmipkit.toml", text, 0o600)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

const PRIMARY: &str = r#"
[primary]
host = "kms1.example.com"
ca = "certs/ca.pem"
client_cert = "certs/client.pem"
client_key = "certs/client.key"
"#;

/// The `Error::Config` fields of a parse of `text`.
fn parse_error(text: &str) -> (Option<usize>, String) {
    match Config::from_toml(text, Path::new("/cfg")).unwrap_err() {
        Error::Config { file, line, reason } => {
            assert_eq!(file, None);
            (line, reason)
        }
        other => panic!("not a configuration error: {other:?}"),
    }
}

fn assert_refused(text: &str, line: usize, words: &[&str]) {
    let (at, reason) = parse_error(text);
    assert_eq!(at, Some(line), "{reason}");
    for w in words {
        assert!(reason.contains(w), "{reason:?} lacks {w:?}");
    }
}

#[test]
fn happy_path_primary_and_two_secondaries_with_relative_paths() {
    let dir = TempDir::with_files("happy");
    let path = dir.config(
        r#"
[key]
name = "payroll-kek"
version = 3

[defaults]
ca = "certs/ca.pem"
client_cert = "certs/client.pem"
client_key = "./certs/client.key"
username = "payroll"
password_file = "secrets/kmip.password"

[primary]
host = "kms1.example.com"
fingerprint_sha256 = "0011223344556677889900112233445566778899001122334455667788990011"

[[secondary]]
name = "dc2"
host = "[fd00::2]"
port = 5697

[[secondary]]
host = "10.0.0.3"
pkcs12 = "certs/client.p12"
pkcs12_password_file = "secrets/p12.password"

[protocol]
max_version = 2.0
max_response_size = 65536

[timeouts]
connect = "2s"
deadline = "1m30s"
failover_delay = "100ms"

[pool]
max_idle_per_server = 0
max_lifetime = "2m"
max_connections_per_server = 2
"#,
    );
    let config = Config::load(&path).unwrap();
    assert_eq!(config.path.as_deref(), Some(path.as_path()));
    let names: Vec<_> = config.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["primary", "dc2", "secondary-2"]);

    let [primary, dc2, third] = &config.servers[..] else {
        panic!()
    };
    assert_eq!(primary.address(), "kms1.example.com:5696");
    assert_eq!(primary.ca, dir.0.join("certs/ca.pem"));
    assert_eq!(
        primary.client_key.as_deref(),
        Some(dir.0.join("./certs/client.key").as_path())
    );
    assert_eq!(primary.fingerprint_sha256.unwrap()[..2], [0x00, 0x11]);
    assert_eq!(primary.username.as_deref(), Some("payroll"));
    assert_eq!(dc2.host, "fd00::2");
    assert_eq!(dc2.address(), "[fd00::2]:5697");
    assert_eq!(dc2.fingerprint_sha256, None);
    // The identity is taken from [defaults] as a whole, or not at all.
    assert_eq!(third.client_cert, None);
    assert_eq!(third.pkcs12, Some(dir.0.join("certs/client.p12")));
    assert_eq!(
        third.password_file,
        Some(dir.0.join("secrets/kmip.password"))
    );

    assert_eq!(config.key.name.as_deref(), Some("payroll-kek"));
    assert_eq!(config.key.version, Some(3));
    assert_eq!(config.protocol.version, None);
    assert_eq!(config.protocol.max_version, Some(ProtocolVersion::V2_0));
    assert_eq!(config.protocol.start_version(), ProtocolVersion::V2_0);
    assert_eq!(config.protocol.max_response_size, 65536);
    assert_eq!(config.timeouts.connect, Duration::from_secs(2));
    assert_eq!(config.timeouts.request, Duration::from_secs(30));
    assert_eq!(config.timeouts.deadline, Duration::from_secs(90));
    assert_eq!(config.timeouts.failover_delay, Duration::from_millis(100));
    assert_eq!(config.timeouts.down_backoff, Duration::from_secs(5));
    assert_eq!(config.pool.max_idle_per_server, 0);
    assert_eq!(config.pool.max_connections_per_server, 2);
    assert_eq!(config.pool.idle_timeout, Duration::from_secs(60));
    assert_eq!(config.pool.max_lifetime, Duration::from_secs(120));

    assert_eq!(
        primary.password().unwrap().as_deref().map(String::as_str),
        Some(PASSWORD)
    );
    let material = primary.tls_material().unwrap();
    assert_eq!(&material.client_key_pem[..], KEY_PEM.as_bytes());
    assert!(
        material
            .ca_pem
            .starts_with(b"-----BEGIN CERTIFICATE-----\nCA")
    );
    assert_eq!(material.pinned_sha256, primary.fingerprint_sha256);

    let p12 = third.tls_material().unwrap_err().to_string();
    assert!(
        p12.contains("PKCS#12") && p12.contains("kmipkit::transport::material_for"),
        "{p12}"
    );
    assert_eq!(&third.pkcs12_bytes().unwrap().unwrap()[..], b"P12-BYTES");
    assert_eq!(
        third
            .pkcs12_password()
            .unwrap()
            .as_deref()
            .map(String::as_str),
        Some("p12-pass")
    );
    assert_eq!(primary.pkcs12_bytes().unwrap(), None);
}

#[test]
fn defaults_apply_when_sections_are_absent() {
    let config = Config::from_toml(PRIMARY, Path::new("/etc/kmipkit")).unwrap();
    assert_eq!(config.servers.len(), 1);
    assert_eq!(config.servers[0].name, "primary");
    assert_eq!(config.servers[0].port, 5696);
    assert_eq!(
        config.servers[0].client_cert.as_deref(),
        Some(Path::new("/etc/kmipkit/certs/client.pem"))
    );
    assert_eq!(config.key, Default::default());
    assert_eq!(config.protocol, Default::default());
    assert_eq!(config.protocol.max_response_size, 16 << 20);
    assert_eq!(config.protocol.start_version(), ProtocolVersion::V2_1);
    assert_eq!(config.timeouts, Default::default());
    assert_eq!(config.timeouts.failover_delay, Duration::from_millis(250));
    assert_eq!(config.pool, Default::default());
    assert_eq!(config.pool.max_lifetime, Duration::from_secs(600));
    assert_eq!(config.path, None);

    let absolute = PRIMARY.replace("certs/ca.pem", "/opt/pki/ca.pem");
    let config = Config::from_toml(&absolute, Path::new("/etc/kmipkit")).unwrap();
    assert_eq!(config.servers[0].ca, Path::new("/opt/pki/ca.pem"));
}

/// `kmipkit servers check` connects to one server at a time, without failover.
#[cfg(feature = "net")]
#[test]
fn one_server_of_a_cluster_has_no_failover() {
    let secondary = PRIMARY
        .replace("[primary]", "[[secondary]]\nname = \"dc2\"")
        .replace("kms1", "kms2");
    let text = format!("{PRIMARY}{secondary}");
    let config = Config::from_toml(&text, Path::new("/etc/kmipkit")).unwrap();
    let one = config.only_server("dc2").unwrap();
    assert_eq!(one.servers.len(), 1);
    assert_eq!(one.servers[0].host, "kms2.example.com");
    let t = one.timeouts;
    assert_eq!(
        t.deadline,
        config.timeouts.connect + config.timeouts.request
    );
    assert_eq!(
        (t.failover_delay, t.down_backoff),
        (Duration::ZERO, Duration::ZERO)
    );
    assert_eq!(
        (one.key, one.protocol),
        (config.key.clone(), config.protocol.clone())
    );
    let err = config.only_server("dc3").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let message = err.to_string();
    assert!(
        message.contains("\"dc3\"") && message.contains("primary, dc2"),
        "{message}"
    );
}

/// What the builder writes is a file that loads into the configuration the builder makes.
#[test]
fn builder_text_loads_as_the_built_configuration() {
    let dir = TempDir::with_files("builder-text");
    let builder = ConfigBuilder::new()
        .server(
            ServerBuilder::new("kms1.example.com")
                .ca("certs/ca.pem")
                .client_cert("certs/client.pem")
                .client_key("certs/client.key"),
        )
        .server(
            ServerBuilder::new("kms2.example.com")
                .name("dc2")
                .port(5697)
                .ca("certs/ca.pem")
                .client_cert("certs/client.pem")
                .client_key("certs/client.key"),
        )
        .timeout("failover_delay", "100ms")
        .key_name("orders \"kek\"")
        .base_dir(&dir.0);
    let text = builder.to_toml().unwrap();
    let loaded = Config::load(dir.config(&text)).unwrap();
    let built = builder.build().unwrap();
    assert_eq!(loaded.servers, built.servers);
    assert_eq!(loaded.key.name.as_deref(), Some("orders \"kek\""));
    assert_eq!((loaded.key, loaded.timeouts), (built.key, built.timeouts));
    // A builder the checks refuse writes nothing.
    let refused = ConfigBuilder::new().server(ServerBuilder::new("kms.example.com"));
    assert_eq!(refused.to_toml().unwrap_err().kind(), ErrorKind::Config);
}

#[test]
fn example_file_parses() {
    let on_disk = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config/example.kmipkit.toml"),
    )
    .unwrap();
    assert_eq!(on_disk, EXAMPLE_TOML);
    let config = Config::from_toml(EXAMPLE_TOML, Path::new("/etc/kmipkit")).unwrap();
    let names: Vec<_> = config.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["dc1", "dc2", "secondary-2", "dc4"]);
    assert!(config.servers[0].fingerprint_sha256.is_some());
    assert_eq!(config.servers[2].port, 5697);
    assert_eq!(
        (config.servers[3].host.as_str(), config.servers[3].port),
        ("kms4.example.com", 9998)
    );
    assert_eq!(
        config.servers[3].wire,
        Wire::https("/kmip", HttpsEncoding::Ttlv)
    );
    assert_eq!(config.servers[0].wire, Wire::Ttlv);
    // Every server takes the cluster's one credential from [defaults].
    for server in &config.servers {
        assert_eq!(server.username.as_deref(), Some("payroll"));
        assert!(server.password_file.is_some());
    }
    assert_eq!(config.key.version, Some(3));
    assert_eq!(config.protocol, Default::default());
    assert_eq!(config.timeouts, Default::default());
    assert_eq!(config.pool, Default::default());
    assert_eq!(config.pool.max_connections_per_server, 8);
}

#[cfg(unix)]
#[test]
fn refuses_a_config_file_other_users_can_read_or_write() {
    for (mode, words) in [
        (0o644, "readable by other users (mode 0644)"),
        (0o620, "writable by other users (mode 0620)"),
    ] {
        let dir = TempDir::with_files("config-mode");
        let path = dir.write("kmipkit.toml", PRIMARY, mode);
        let err = Config::load(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let shown = path.display();
        let expected = format!("configuration {shown}: {words}; run: chmod 600 {shown}");
        assert_eq!(err.to_string(), expected);
    }
}

#[cfg(unix)]
#[test]
fn refuses_secret_files_other_users_can_read_or_write() {
    let cases = [
        (
            "certs/client.key",
            0o640,
            PRIMARY.to_string(),
            6,
            "client_key",
        ),
        (
            "secrets/kmip.password",
            0o604,
            format!("{PRIMARY}username = \"u\"\npassword_file = \"secrets/kmip.password\"\n"),
            8,
            "password_file",
        ),
        (
            "certs/client.p12",
            0o660,
            PRIMARY.replace(
                "client_cert = \"certs/client.pem\"\nclient_key = \"certs/client.key\"",
                "pkcs12 = \"certs/client.p12\"",
            ),
            5,
            "pkcs12",
        ),
    ];
    for (file, mode, text, line, setting) in cases {
        let dir = TempDir::with_files("secret-mode");
        let path = dir.config(&text);
        let secret = dir.0.join(file);
        set_mode(&secret, mode);
        let Error::Config {
            file: Some(at),
            line: Some(l),
            reason,
        } = Config::load(&path).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(at, path.display().to_string());
        assert_eq!(l, line, "{reason}");
        assert!(
            reason.starts_with(&format!("{setting} = {file}: {}", secret.display())),
            "{reason}"
        );
        assert!(
            reason.contains(&format!("other users (mode 0{mode:o})")),
            "{reason}"
        );
        assert!(
            reason.ends_with(&format!("run: chmod 600 {}", secret.display())),
            "{reason}"
        );
    }
}

#[cfg(unix)]
#[test]
fn certificates_may_be_world_readable_but_not_writable() {
    let dir = TempDir::with_files("cert-mode");
    let path = dir.config(PRIMARY);
    set_mode(&dir.0.join("certs/ca.pem"), 0o444);
    Config::load(&path).unwrap();
    set_mode(&dir.0.join("certs/ca.pem"), 0o666);
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(err.contains("line 4: ca = certs/ca.pem"), "{err}");
    assert!(
        err.contains("writable by other users (mode 0666); run: chmod go-w"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn files_are_checked_again_when_read() {
    let dir = TempDir::with_files("reread");
    let path = dir.config(&format!(
        "{PRIMARY}username = \"u\"\npassword_file = \"secrets/kmip.password\"\n"
    ));
    let config = Config::load(&path).unwrap();
    let key = dir.0.join("certs/client.key");
    set_mode(&key, 0o644);
    let err = config.servers[0].tls_material().unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "configuration {}: client_key of key server primary",
            key.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("chmod 600 {}", key.display())),
        "{err}"
    );
    set_mode(&dir.0.join("secrets/kmip.password"), 0o640);
    let err = config.servers[0].password().unwrap_err().to_string();
    assert!(
        err.contains("password_file of key server primary: readable by other users"),
        "{err}"
    );
    assert!(!err.contains(PASSWORD));
}

#[test]
fn missing_files_name_the_setting_and_the_resolved_path() {
    let dir = TempDir::with_files("missing");
    let path = dir.config(&PRIMARY.replace("certs/client.key", "certs/missing.key"));
    let Error::Config { file, line, reason } = Config::load(&path).unwrap_err() else {
        panic!()
    };
    assert_eq!(file, Some(path.display().to_string()));
    assert_eq!(line, Some(6));
    let resolved = dir.0.join("certs/missing.key");
    assert_eq!(
        reason,
        format!(
            "client_key = certs/missing.key: no such file (resolved to {})",
            resolved.display()
        )
    );

    let nowhere = dir.0.join("nowhere.toml");
    let err = Config::load(&nowhere).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("configuration {}: no such file", nowhere.display())
    );
}

#[test]
fn password_from_file_or_environment() {
    let dir = TempDir::with_files("password");
    let server = |file: Option<PathBuf>, env: Option<&str>| ServerConfig {
        username: Some("u".into()),
        password_file: file,
        password_env: env.map(String::from),
        ..ServerConfig::default()
    };
    let crlf = dir.write("secrets/crlf", "line-one\r\n", 0o600);
    assert_eq!(
        *server(Some(crlf), None).password().unwrap().unwrap(),
        "line-one"
    );
    let inner = dir.write("secrets/inner", "keeps\ninner\n\n", 0o600);
    assert_eq!(
        *server(Some(inner), None).password().unwrap().unwrap(),
        "keeps\ninner\n"
    );
    let empty = dir.write("secrets/empty", "\n", 0o600);
    assert!(
        server(Some(empty), None)
            .password()
            .unwrap_err()
            .to_string()
            .contains("empty")
    );

    let path = std::env::var("PATH").unwrap();
    assert_eq!(
        *server(None, Some("PATH")).password().unwrap().unwrap(),
        path
    );
    let unset = server(None, Some("KMIPKIT_TEST_SURELY_UNSET_VARIABLE"))
        .password()
        .unwrap_err()
        .to_string();
    assert!(
        unset.contains(
            "password_env = KMIPKIT_TEST_SURELY_UNSET_VARIABLE: the environment variable is not set"
        ),
        "{unset}"
    );
    assert_eq!(server(None, None).password().unwrap(), None);
}

#[test]
fn unknown_keys_give_the_line_and_a_suggestion() {
    let (line, reason) = parse_error("[primary]\nhots = \"kms\"\n");
    assert_eq!(line, Some(2));
    assert_eq!(
        reason,
        "unknown key `hots` in [primary]; did you mean `host`?"
    );

    let text = format!("{PRIMARY}\n[timeout]\nconnect = \"5s\"\n");
    assert_refused(
        &text,
        8,
        &["unknown key `timeout`", "did you mean `timeouts`?"],
    );
    let text = format!("{PRIMARY}\n[[secondary]]\nhost = \"b\"\nclient-key = \"k\"\n");
    assert_refused(
        &text,
        10,
        &["unknown key `client-key` in [[secondary]]; did you mean `client_key`?"],
    );
    let text = format!("{PRIMARY}\n[pool]\nbanana = 1\n");
    assert_refused(
        &text,
        9,
        &["unknown key `banana` in [pool]; expected one of max_idle_per_server, idle_timeout"],
    );
    assert_refused(
        "[[servers]]\nhost = \"a\"\n",
        1,
        &["the first server is [primary], the others [[secondary]]"],
    );
    // Keys known only to be refused are never offered.
    let (_, reason) = parse_error("[primary]\nsecret = 1\n");
    assert!(
        reason.contains("expected one of name, host, port"),
        "{reason}"
    );
    assert!(
        !reason.contains("password,") && !reason.contains("pkcs12_password,"),
        "{reason}"
    );
    assert_refused("[primary\nhost = 1\n", 1, &["unclosed table"]);
    assert_refused(
        &format!("{PRIMARY}host = \"again\"\n"),
        7,
        &["duplicate key `host`"],
    );
    assert_refused(
        "primary = 3\n",
        1,
        &["invalid type: integer `3`, expected a table"],
    );
}

#[test]
fn bad_ports_are_refused() {
    for (port, words) in [
        ("0", "port = 0: not a port; use a number from 1 to 65535"),
        ("65536", "port = 65536: not a port"),
        ("-1", "port = -1: not a port"),
        ("\"https\"", "port = \"https\": not a number (found string)"),
        (
            "\"5696\"",
            "port = \"5696\": write the number without quotes",
        ),
        ("56.96", "not a number (found float)"),
    ] {
        assert_refused(&format!("{PRIMARY}port = {port}\n"), 7, &[words]);
    }
    assert_refused(
        &PRIMARY.replace("kms1.example.com", "kms1.example.com:5696"),
        3,
        &["write the port separately: port = 5696"],
    );
}

#[test]
fn bad_durations_sizes_and_versions_are_refused() {
    let with = |section: &str, line: &str| format!("{PRIMARY}\n[{section}]\n{line}\n");
    assert_refused(
        &with("timeouts", "connect = 5"),
        9,
        &["connect = 5: a duration needs a unit"],
    );
    assert_refused(
        &with("timeouts", "request = \"5\""),
        9,
        &["a duration needs a unit"],
    );
    assert_refused(
        &with("timeouts", "deadline = \"5 sec\""),
        9,
        &["deadline = \"5 sec\": unknown unit `sec`"],
    );
    assert_refused(
        &with("timeouts", "connect = \"0s\""),
        9,
        &["must be longer than zero"],
    );
    assert_refused(
        &with("pool", "idle_timeout = \"soon\""),
        9,
        &["not a duration"],
    );
    assert_refused(
        &with("pool", "max_idle_per_server = -2"),
        9,
        &["not a count"],
    );
    assert_refused(
        &with("pool", "max_connections_per_server = 0"),
        9,
        &["max_connections_per_server", "a whole number from 1"],
    );
    assert_refused(
        &with("protocol", "max_response_size = \"16 furlongs\""),
        9,
        &["unknown unit `furlongs`"],
    );
    assert_refused(
        &with("protocol", "max_response_size = 10"),
        9,
        &["too small"],
    );
    assert_refused(
        &with("protocol", "version = \"3.0\""),
        9,
        &[
            "version = \"3.0\": kmipkit does not speak KMIP 3.0",
            "\"1.4\"",
        ],
    );
    assert_refused(
        &with("protocol", "version = \"latest\""),
        9,
        &["not a KMIP version"],
    );
    assert_refused(
        &with("protocol", "max_version = 9.9"),
        9,
        &["does not speak KMIP 9.9"],
    );
    assert_refused(
        &with("protocol", "version = \"2.0\"\nmax_version = \"1.4\""),
        9,
        &["newer than max_version = \"1.4\""],
    );
    assert_refused(&with("key", "version = \"three\""), 9, &["not a number"]);

    let pinned = Config::from_toml(&with("protocol", "version = 1.2"), Path::new("/")).unwrap();
    assert_eq!(pinned.protocol.version, Some(ProtocolVersion::V1_2));
    assert_eq!(pinned.protocol.start_version(), ProtocolVersion::V1_2);
}

#[test]
fn incomplete_server_lists_are_refused() {
    assert_eq!(
        parse_error("").1,
        "no key server: add a [primary] table with at least host, ca, client_cert and client_key"
    );
    let (_, reason) = parse_error("[[secondary]]\nhost = \"b\"\n");
    assert!(reason.contains("no [primary]"), "{reason}");
    let (line, reason) = parse_error(&format!("{PRIMARY}\n[secondary]\nhost = \"b\"\n"));
    assert_eq!(line, Some(8));
    assert!(
        reason.contains("write each one as [[secondary]] (two brackets)"),
        "{reason}"
    );

    assert_refused(
        &PRIMARY.replace("ca = \"certs/ca.pem\"\n", ""),
        2,
        &["key server primary has no ca"],
    );
    assert_refused(
        &PRIMARY.replace("host = \"kms1.example.com\"\n", ""),
        2,
        &["key server primary has no host"],
    );
    let no_identity = PRIMARY.replace(
        "client_cert = \"certs/client.pem\"\nclient_key = \"certs/client.key\"\n",
        "",
    );
    assert_refused(
        &no_identity,
        2,
        &["has no client certificate; add client_cert and client_key (PEM files), or pkcs12"],
    );
    assert_refused(
        &PRIMARY.replace("client_key = \"certs/client.key\"\n", ""),
        2,
        &["has no client_key to go with its client_cert"],
    );
    assert_refused(
        &PRIMARY.replace("client_cert = \"certs/client.pem\"\n", ""),
        2,
        &["has no client_cert to go with its client_key"],
    );
    assert_refused(
        &format!("{PRIMARY}pkcs12 = \"c.p12\"\n"),
        2,
        &["either client_cert and client_key, or pkcs12, not both"],
    );
    assert_refused(
        &format!("{PRIMARY}pkcs12_password_file = \"p\"\n"),
        7,
        &["pkcs12_password_file = \"p\": set, but pkcs12 is not"],
    );
    let secondary = format!("{PRIMARY}\n[[secondary]]\nhost = \"b\"\nca = \"ca.pem\"\n");
    assert_refused(
        &secondary,
        8,
        &["key server secondary-1 has no client certificate"],
    );
}

#[test]
fn duplicate_server_names_are_refused() {
    let twice = format!(
        "{PRIMARY}name = \"dc1\"\n\n[[secondary]]\nname = \"dc1\"\nhost = \"b\"\nca = \"c\"\npkcs12 = \"p\"\n"
    );
    assert_refused(
        &twice,
        10,
        &["key server name `dc1` is already used by the server at line 2"],
    );
    let default_clash = format!(
        "{PRIMARY}\n[[secondary]]\nname = \"primary\"\nhost = \"b\"\nca = \"c\"\npkcs12 = \"p\"\n"
    );
    assert_refused(&default_clash, 9, &["`primary` is already used"]);
}

#[test]
fn fingerprints_must_be_64_hex_digits() {
    let pin = |value: &str| format!("{PRIMARY}fingerprint_sha256 = \"{value}\"\n");
    let hex = "ab".repeat(32);
    let colons = vec!["AB"; 32].join(":");
    for good in [&hex, &colons] {
        let config = Config::from_toml(&pin(good), Path::new("/")).unwrap();
        assert_eq!(config.servers[0].fingerprint_sha256, Some([0xAB; 32]));
    }
    assert_refused(
        &pin(&hex[..62]),
        7,
        &["62 hex digits; a SHA-256 fingerprint is 64 hex digits"],
    );
    assert_refused(&pin(&format!("{}zz", &hex[..62])), 7, &["not hex"]);
    assert_refused(&pin("sha256:abcd"), 7, &["hex digits"]);
}

#[test]
fn passwords_are_never_written_in_the_file() {
    let inline = format!("{PRIMARY}username = \"u\"\npassword = \"{PASSWORD}\"\n");
    let (line, reason) = parse_error(&inline);
    assert_eq!(line, Some(8));
    assert!(
        reason.contains("a password is never written in the configuration"),
        "{reason}"
    );
    assert!(
        reason.contains("password_file") && reason.contains("password_env"),
        "{reason}"
    );
    assert_refused(
        &format!("[defaults]\npkcs12_password = \"x\"\n{PRIMARY}"),
        2,
        &["use pkcs12_password_file"],
    );
    assert_refused(
        &format!("{PRIMARY}password_file = \"p\"\n"),
        2,
        &["has no username to go with its password"],
    );
    assert_refused(
        &format!("{PRIMARY}username = \"u\"\npassword_file = \"p\"\npassword_env = \"P\"\n"),
        9,
        &["set together with password_file"],
    );
    assert_refused(
        &format!("[defaults]\nhost = \"a\"\n{PRIMARY}"),
        2,
        &["host = \"a\": cannot be in [defaults]"],
    );
}

#[test]
fn debug_output_and_errors_never_show_the_password_or_key_bytes() {
    let dir = TempDir::with_files("debug");
    let path = dir.config(&format!(
        "{PRIMARY}username = \"u\"\npassword_file = \"secrets/kmip.password\"\n"
    ));
    let config = Config::load(&path).unwrap();
    let server = &config.servers[0];
    let material = server.tls_material().unwrap();
    let password = server.password().unwrap().unwrap();
    assert_eq!(*password, PASSWORD);
    for shown in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{server:?}"),
        format!("{material:?}"),
        format!("{material:#?}"),
    ] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains(KEY_MARKER), "{shown}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    }

    // A refusal names the file, never its content.
    #[cfg(unix)]
    {
        set_mode(&dir.0.join("certs/client.key"), 0o644);
        set_mode(&dir.0.join("secrets/kmip.password"), 0o644);
        let errors = [
            server.tls_material().unwrap_err(),
            server.password().unwrap_err(),
            Config::load(&path).unwrap_err(),
        ];
        for e in errors {
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(
                    !shown.contains(PASSWORD) && !shown.contains(KEY_MARKER),
                    "{shown}"
                );
            }
        }
    }
    let inline = format!("{PRIMARY}username = \"u\"\npassword = \"{PASSWORD}\"\n");
    let err = Config::from_toml(&inline, Path::new("/")).unwrap_err();
    // The inline password is named by key only: the refusal does not echo the value.
    assert!(!err.to_string().contains(PASSWORD), "{err}");
}

#[test]
fn cluster_policy_defaults_to_refusing_creates_while_the_primary_is_down() {
    let base = Path::new("/etc/kmipkit");
    let config = Config::from_toml(PRIMARY, base).unwrap();
    assert!(!config.cluster.create_when_primary_down);
    let text = format!("{PRIMARY}\n[cluster]\ncreate_when_primary_down = true\n");
    assert!(
        Config::from_toml(&text, base)
            .unwrap()
            .cluster
            .create_when_primary_down
    );
    let text = format!("{PRIMARY}\n[cluster]\ncreate_when_primary_down = \"yes\"\n");
    let err = Config::from_toml(&text, base).unwrap_err().to_string();
    assert!(
        err.contains("create_when_primary_down = \"yes\": write true or false"),
        "{err}"
    );
    let text = format!("{PRIMARY}\n[cluster]\nreplicated = true\n");
    let err = Config::from_toml(&text, base).unwrap_err().to_string();
    assert!(err.contains("unknown key `replicated`"), "{err}");
}

#[test]
fn https_servers_take_a_url_instead_of_host_and_port() {
    let https = |lines: &str| {
        format!(
            "[primary]\n{lines}\nca = \"certs/ca.pem\"\nclient_cert = \"certs/client.pem\"\nclient_key = \"certs/client.key\"\n"
        )
    };
    let config = Config::from_toml(
        &https("url = \"https://[::1]/kmip/2_1\"\nencoding = \"json\""),
        Path::new("/cfg"),
    )
    .unwrap();
    let server = &config.servers[0];
    assert_eq!((server.host.as_str(), server.port), ("::1", 443));
    assert_eq!(server.wire, Wire::https("/kmip/2_1", HttpsEncoding::Json));
    for (lines, words) in [
        (
            "url = \"https://kms/kmip\"\nhost = \"kms\"",
            "host = \"kms\": set together with url",
        ),
        (
            "url = \"https://kms/kmip\"\nport = 9998",
            "port = 9998: set together with url",
        ),
        (
            "host = \"kms\"\nencoding = \"json\"",
            "only for KMIP over HTTPS",
        ),
        ("url = \"http://kms/kmip\"", "in clear"),
        (
            "url = \"https://kms/kmip\"\nencoding = \"xml\"",
            "`xml` is not an encoding",
        ),
    ] {
        let (_, reason) = parse_error(&https(lines));
        assert!(reason.contains(words), "{lines}: {reason}");
    }
}
