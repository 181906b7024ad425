//! A real receiver: Debian's rsyslog, started on loopback by this test, receives kmipkit's
//! lines over UDP, TCP and its unix socket and writes them (verbatim, `%rawmsg%`) to files that
//! are parsed back and verified. Fails, never skips, when rsyslog cannot be obtained
//! (conformance/rsyslog/fetch.sh unpacks Debian's package into target/rsyslog).

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kmipkit::observe::verify::verify_lines;
use kmipkit::observe::{Destination, Event, Format, Level, LogSettings, Logger, Outcome};

struct Rsyslog {
    child: Child,
    dir: PathBuf,
    udp: u16,
    tcp: u16,
}

impl Rsyslog {
    fn start() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dest = root.join("target/rsyslog");
        let fetched = Command::new("sh")
            .arg(root.join("conformance/rsyslog/fetch.sh"))
            .arg(&dest)
            .status()
            .expect("run conformance/rsyslog/fetch.sh");
        assert!(
            fetched.success(),
            "rsyslog cannot be obtained: see conformance/rsyslog/fetch.sh"
        );
        let lib = dest.join("usr/lib/x86_64-linux-gnu");
        // rsyslog cannot listen on port 0: pick free ports, and try again on a conflict.
        for attempt in 0..3 {
            let dir = std::env::temp_dir()
                .join(format!("kmipkit-rsyslog-{}-{attempt}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let udp = UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let tcp = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let d = dir.display();
            let config = format!(
                r#"global(workDirectory="{d}" maxMessageSize="64k" parser.escapeControlCharacterTab="off")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="udp") {{ action(type="omfile" file="{d}/udp.log" template="raw") }}
ruleset(name="tcp") {{ action(type="omfile" file="{d}/tcp.log" template="raw") }}
ruleset(name="unix") {{ action(type="omfile" file="{d}/unix.log" template="raw") }}
input(type="imudp" address="127.0.0.1" port="{udp}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="{tcp}" ruleset="tcp")
input(type="imuxsock" Socket="{d}/log.sock" ruleset="unix" RateLimit.Interval="0")
"#
            );
            std::fs::write(dir.join("rsyslog.conf"), config).unwrap();
            let child = Command::new(dest.join("usr/sbin/rsyslogd"))
                .args(["-n", "-f"])
                .arg(dir.join("rsyslog.conf"))
                .arg("-i")
                .arg(dir.join("rsyslogd.pid"))
                .arg("-M")
                .arg(lib.join("rsyslog"))
                .env("LD_LIBRARY_PATH", &lib)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
                .spawn()
                .expect("start rsyslogd");
            let mut server = Rsyslog {
                child,
                dir,
                udp,
                tcp,
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", tcp)).is_ok()
                    && server.dir.join("log.sock").exists()
                {
                    return server;
                }
                if server.child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let stderr = std::fs::read_to_string(server.dir.join("stderr")).unwrap_or_default();
            eprintln!("rsyslogd did not start (attempt {attempt}): {stderr}");
            server.stop();
        }
        panic!("rsyslogd did not start on loopback");
    }

    /// Lines rsyslog wrote to `name` once `count` have arrived (or after 10 s).
    fn lines(&self, name: &str, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            if lines.len() >= count || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(&mut self) {
        // By PID, with SIGTERM so it flushes and removes its socket.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn send(destination: Destination, format: Format, count: usize) {
    let settings = LogSettings {
        destination: Some(destination),
        format,
        level: Level::Debug,
        ..LogSettings::default()
    };
    let logger = Logger::start(&settings, None).unwrap();
    for i in 0..count {
        let event = Event::operation("Get", kmipkit::observe::now_ms())
            .server("dc1", Some("127.0.0.1".parse().unwrap()), 5696)
            .key(&format!("k={i}|\\ \u{e9}\"]\t\n"), &format!("uid-{i}"))
            .finished(Outcome::Success, None, 2)
            .detail(Level::Debug, "response_bytes", 128);
        logger.emit(event);
    }
    assert!(logger.flush(Duration::from_secs(10)));
}

/// Splits received lines by format (each sender is its own chain) and checks each chain.
fn check(lines: &[String], formats: &[Format], per_format: usize) {
    for format in formats {
        let mine: Vec<&String> = lines
            .iter()
            .filter(|l| match format {
                Format::Rfc3164 => l.starts_with('<') && !l.contains(">1 "),
                Format::Rfc5424 => l.contains(">1 "),
                Format::Cef => l.starts_with("CEF:0|"),
                Format::Leef => l.starts_with("LEEF:2.0|"),
                Format::Json => l.starts_with('{'),
            })
            .collect();
        assert_eq!(mine.len(), per_format + 1, "{format}: {lines:#?}");
        let report = verify_lines(&mine, None);
        assert!(report.is_intact(), "{format}: {report}");
        assert!(
            mine.iter()
                .skip(1)
                .all(|l| l.contains("uid-") && l.contains("127.0.0.1")),
            "{format}"
        );
    }
}

#[test]
fn rsyslog_receives_udp_tcp_and_unix_socket_output_verbatim() {
    let rsyslog = Rsyslog::start();
    let udp = format!("127.0.0.1:{}", rsyslog.udp);
    let tcp = format!("127.0.0.1:{}", rsyslog.tcp);
    for format in [Format::Rfc3164, Format::Leef] {
        send(
            Destination::Udp {
                address: udp.clone(),
            },
            format,
            5,
        );
    }
    for format in [Format::Rfc5424, Format::Cef, Format::Json] {
        send(
            Destination::Tcp {
                address: tcp.clone(),
            },
            format,
            5,
        );
    }
    let socket = rsyslog.dir.join("log.sock");
    for format in [Format::Rfc3164, Format::Rfc5424] {
        send(
            Destination::Unix {
                socket: socket.clone(),
            },
            format,
            5,
        );
    }
    check(
        &rsyslog.lines("udp.log", 12),
        &[Format::Rfc3164, Format::Leef],
        5,
    );
    check(
        &rsyslog.lines("tcp.log", 18),
        &[Format::Rfc5424, Format::Cef, Format::Json],
        5,
    );
    check(
        &rsyslog.lines("unix.log", 12),
        &[Format::Rfc3164, Format::Rfc5424],
        5,
    );
}
