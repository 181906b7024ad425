//! The builder against the file: same `Config`, same checks, same messages.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

/// A directory with a CA, a client certificate and a client key (mode 0600), removed on drop.
struct Files(PathBuf);

impl Files {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("kmipkit-builder-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, mode) in [
            ("ca.pem", 0o644),
            ("client.pem", 0o644),
            ("client.key", 0o600),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, "placeholder").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        Self(dir)
    }

    fn server(&self, host: &str) -> ServerBuilder {
        ServerBuilder::new(host)
            .ca("ca.pem")
            .client_cert("client.pem")
            .client_key("client.key")
    }

    /// Loads `text` as a kmipkit.toml in this directory.
    fn load(&self, text: &str) -> Result<Config> {
        let path = self.0.join("kmipkit.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        Config::load(&path).map(|mut c| {
            c.path = None;
            c
        })
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SERVER: &str = "ca = \"ca.pem\"\nclient_cert = \"client.pem\"\nclient_key = \"client.key\"\n";

#[test]
fn the_builder_makes_the_config_the_file_makes() {
    let files = Files::new("same");
    let built = ConfigBuilder::new()
        .server(files.server("kms1.example.com").name("dc1"))
        .server(files.server("kms2.example.com").port(5697))
        .key_name("payroll-kek")
        .key_version(3)
        .key_kek_method(crate::config::KekMethod::KeyWrap)
        .protocol_version(ProtocolVersion::V1_4)
        .max_response_size(1 << 20)
        .timeout("connect", Duration::from_millis(1500))
        .timeout("failover_delay", "100ms")
        .timeout("deadline", 30)
        .pool("max_idle_per_server", 2_i64)
        .pool("idle_timeout", 2.5)
        .create_when_primary_down(true)
        .base_dir(&files.0)
        .build()
        .unwrap();
    let text = format!(
        "[primary]\nname = \"dc1\"\nhost = \"kms1.example.com\"\n{SERVER}\
         [[secondary]]\nhost = \"kms2.example.com\"\nport = 5697\n{SERVER}\
         [key]\nname = \"payroll-kek\"\nversion = 3\nkek_method = \"key-wrap\"\n\
         [protocol]\nversion = \"1.4\"\nmax_response_size = \"1MiB\"\n\
         [timeouts]\nconnect = \"1500ms\"\nfailover_delay = \"100ms\"\ndeadline = \"30s\"\n\
         [pool]\nmax_idle_per_server = 2\nidle_timeout = \"2500ms\"\n\
         [cluster]\ncreate_when_primary_down = true\n"
    );
    assert_eq!(built, files.load(&text).unwrap());
    assert_eq!(built.servers[1].name, "secondary-1");
    assert_eq!(built.servers[0].ca, files.0.join("ca.pem"));
}

/// A refusal reads the same either way, without the line of a text the caller never saw.
#[test]
fn refusals_are_the_files_own() {
    let files = Files::new("errors");
    let bad_duration = ConfigBuilder::new()
        .server(files.server("kms"))
        .timeout("connect", "soon")
        .base_dir(&files.0)
        .build()
        .unwrap_err();
    let from_file = files
        .load(&format!(
            "[primary]\nhost = \"kms\"\n{SERVER}[timeouts]\nconnect = \"soon\"\n"
        ))
        .unwrap_err();
    let reason = |e: &Error| match e {
        Error::Config { reason, .. } => reason.clone(),
        other => panic!("{other}"),
    };
    assert_eq!(reason(&bad_duration), reason(&from_file));
    assert!(matches!(
        bad_duration,
        Error::Config {
            line: None,
            file: None,
            ..
        }
    ));

    let typo = ConfigBuilder::new()
        .server(files.server("kms").set("hots", "x"))
        .base_dir(&files.0)
        .build()
        .unwrap_err();
    assert!(typo.to_string().contains("did you mean `host`?"), "{typo}");

    let exposed = files.0.join("client.key");
    std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = ConfigBuilder::new()
        .server(files.server("kms"))
        .base_dir(&files.0)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("client_key") && err.to_string().contains("chmod"),
        "{err}"
    );

    let missing = ConfigBuilder::new()
        .server(ServerBuilder::new("kms").ca("/nonexistent/ca.pem"))
        .build()
        .unwrap_err();
    assert!(
        missing.to_string().contains("client certificate"),
        "{missing}"
    );
    let twice = ConfigBuilder::new()
        .server(files.server("a").name("dc"))
        .server(files.server("b").name("dc"))
        .build()
        .unwrap_err();
    assert!(
        twice
            .to_string()
            .contains("already used by server 1 of the list"),
        "{twice}"
    );
    assert!(!twice.to_string().contains("line"), "{twice}");
}

#[test]
fn values_cannot_escape_their_setting() {
    let files = Files::new("escape");
    // A value with quotes, newlines and control characters stays one string.
    let name = "k\"ey\n[primary]\u{7f}\\";
    let config = ConfigBuilder::new()
        .server(files.server("kms"))
        .key_name(name)
        .base_dir(&files.0)
        .build()
        .unwrap();
    assert_eq!(config.key.name.as_deref(), Some(name));
    // A key is never a table header.
    let err = ConfigBuilder::new()
        .server(files.server("kms"))
        .timeout("connect\n[primary]\nhost", "1s")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("unknown key"), "{err}");
    for (builder, expected) in [
        (ConfigBuilder::new(), "no key server"),
        (
            ConfigBuilder::new()
                .server(files.server("kms"))
                .set("primary", "host", "x"),
            "unknown section `primary`",
        ),
        (
            ConfigBuilder::new()
                .server(files.server("kms"))
                .timeout("connect", -1.0),
            "timeouts.connect: -1 is not a duration",
        ),
        (
            ConfigBuilder::new()
                .server(files.server("kms"))
                .timeout("connect", f64::NAN),
            "not a duration",
        ),
        (
            ConfigBuilder::new()
                .server(files.server("kms"))
                .pool("max_idle_per_server", 1.5),
            "max_idle_per_server",
        ),
    ] {
        let err = builder.base_dir(&files.0).build().unwrap_err();
        assert!(err.to_string().contains(expected), "{expected}: {err}");
    }
}

#[test]
fn paths_resolve_against_the_base_dir() {
    let files = Files::new("paths");
    let absolute = ServerBuilder::new("kms")
        .ca(files.0.join("ca.pem"))
        .client_cert(files.0.join("client.pem"))
        .client_key(Path::new(&files.0).join("client.key"));
    let config = ConfigBuilder::new().server(absolute).build().unwrap();
    assert_eq!(
        config.servers[0].client_key,
        Some(files.0.join("client.key"))
    );
    assert_eq!(config.servers[0].port, super::super::DEFAULT_PORT);
}

#[test]
fn kek_method_is_read_and_a_wrong_one_is_refused_with_the_choices() {
    let files = Files::new("kek-method");
    let built = ConfigBuilder::new()
        .server(files.server("kms1.example.com"))
        .key_name("k")
        .key_kek_method(crate::config::KekMethod::KeyWrap)
        .base_dir(&files.0)
        .build()
        .unwrap();
    assert_eq!(
        built.key.kek_method,
        Some(crate::config::KekMethod::KeyWrap)
    );
    let err = ConfigBuilder::new()
        .server(files.server("kms1.example.com"))
        .set("key", "kek_method", "gcm")
        .base_dir(&files.0)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("kek_method") && err.contains("key-wrap"),
        "{err}"
    );
}
