//! `[log]` and `[audit]` in kmipkit.toml: typed settings, and errors with line and suggestion.

use std::path::{Path, PathBuf};

use kmipkit::config::{Config, EXAMPLE_TOML};
use kmipkit::observe::{Destination, Format, Level, Rotation};

const PRIMARY: &str =
    "[primary]\nhost = \"kms\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"c.key\"\n";

fn parse(extra: &str) -> kmipkit::error::Result<Config> {
    Config::from_toml(&format!("{PRIMARY}{extra}"), Path::new("/etc/kmipkit"))
}

#[test]
fn example_configures_a_rotated_file_and_an_audit_trail() {
    let config = Config::from_toml(EXAMPLE_TOML, Path::new("/etc/kmipkit")).unwrap();
    assert_eq!(config.log.level, Level::Basic);
    assert_eq!(config.log.format, Format::Rfc3164);
    assert_eq!(config.log.facility, 10);
    assert_eq!(
        config.log.destination,
        Some(Destination::File {
            path: PathBuf::from("/etc/kmipkit/log/kmipkit.log"),
            rotation: Rotation::Size {
                max_bytes: 10 << 20,
                keep: 5
            },
        })
    );
    assert_eq!(
        config.log.state_path(),
        Some(PathBuf::from("/etc/kmipkit/log/kmipkit.log.state"))
    );
    assert_eq!(
        config.audit.unwrap().path,
        Path::new("/etc/kmipkit/log/audit.csv")
    );
}

#[test]
fn no_log_section_logs_nothing() {
    let config = parse("").unwrap();
    assert_eq!(config.log.destination, None);
    assert_eq!(config.audit, None);
}

#[test]
fn every_destination() {
    let config = parse("[log]\nlevel = \"debug\"\nformat = \"leef\"\ndestination = \"tcp\"\naddress = \"127.0.0.1:514\"\nfacility = \"local3\"\nqueue = 8\n").unwrap();
    assert_eq!(config.log.level, Level::Debug);
    assert_eq!(config.log.format, Format::Leef);
    assert_eq!(config.log.facility, 19);
    assert_eq!(config.log.queue, 8);
    assert_eq!(
        config.log.destination,
        Some(Destination::Tcp {
            address: "127.0.0.1:514".into()
        })
    );
    let config = parse("[log]\ndestination = \"syslog\"\n").unwrap();
    assert_eq!(
        config.log.destination,
        Some(Destination::Unix {
            socket: "/dev/log".into()
        })
    );
    let config =
        parse("[log]\ndestination = \"tls\"\naddress = \"logs:6514\"\nca = \"log-ca.pem\"\n")
            .unwrap();
    assert_eq!(
        config.log.destination,
        Some(Destination::Tls {
            address: "logs:6514".into(),
            ca: "/etc/kmipkit/log-ca.pem".into()
        })
    );
    let config = parse("[log]\npath = \"k.log\"\nrotate = \"external\"\n").unwrap();
    assert_eq!(
        config.log.destination,
        Some(Destination::File {
            path: "/etc/kmipkit/k.log".into(),
            rotation: Rotation::External
        })
    );
}

#[test]
fn errors_name_the_line_and_the_fix() {
    let cases = [
        (
            "[log]\nlevle = \"basic\"\n",
            "line 7",
            "did you mean `level`?",
        ),
        (
            "[log]\nlevel = \"loud\"\n",
            "line 7",
            "use one of \"none\", \"basic\", \"verbose\", \"debug\"",
        ),
        (
            "[log]\nformat = \"syslog\"\n",
            "line 7",
            "unknown log format",
        ),
        ("[log]\ndestination = \"udp\"\n", "line 7", "needs address"),
        (
            "[log]\ndestination = \"udp\"\naddress = \"nohost\"\n",
            "line 8",
            "not host:port",
        ),
        (
            "[log]\ndestination = \"tls\"\naddress = \"a:1\"\n",
            "line 7",
            "needs ca",
        ),
        ("[log]\ndestination = \"file\"\n", "line 7", "needs path"),
        (
            "[log]\npath = \"k.log\"\nmax_size = \"big\"\n",
            "line 8",
            "not a file size",
        ),
        (
            "[log]\nfacility = \"local9\"\n",
            "line 7",
            "unknown facility",
        ),
        ("[log]\nqueue = 0\n", "line 7", "use a whole number from 1"),
        (
            "[audit]\npth = \"a.csv\"\n",
            "line 7",
            "did you mean `path`?",
        ),
    ];
    for (text, line, words) in cases {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains(line) && err.contains(words), "{text:?}: {err}");
    }
}
