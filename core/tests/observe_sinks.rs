//! The logger's sinks: a rotated file across a restart, logrotate's move, the unix socket, and a
//! TCP receiver that stops reading (key operations must not wait for it).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kmipkit::observe::verify::{VerifyOptions, verify_files, verify_lines};
use kmipkit::observe::{Destination, Event, Format, Level, LogSettings, Logger, Outcome, Rotation};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kmipkit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn event(i: usize) -> Event {
    Event::operation("Get", kmipkit::observe::now_ms())
        .key(&format!("key-{i}"), &format!("uid-{i}"))
        .finished(Outcome::Success, None, 1)
}

fn settings(destination: Destination, format: Format) -> LogSettings {
    LogSettings {
        destination: Some(destination),
        format,
        level: Level::Verbose,
        ..LogSettings::default()
    }
}

fn log_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.to_string_lossy().ends_with(".state") && !p.to_string_lossy().ends_with(".tmp")
        })
        .collect()
}

#[test]
fn rotated_file_verifies_across_a_restart() {
    let dir = temp_dir("sink-rotation");
    let path = dir.join("kmipkit.log");
    let destination = Destination::File {
        path: path.clone(),
        rotation: Rotation::Size {
            max_bytes: 2048,
            keep: 50,
        },
    };
    for run in 0..2 {
        let logger = Logger::start(&settings(destination.clone(), Format::Cef), None).unwrap();
        for i in 0..20 {
            logger.emit(event(run * 100 + i));
        }
        assert!(logger.flush(Duration::from_secs(10)));
    }
    let files = log_files(&dir);
    assert!(files.len() > 3, "{files:?}");
    let report = verify_files(&files, &VerifyOptions::default()).unwrap();
    assert!(report.is_intact(), "{report}");
    // 2 starts + 40 events, one chain.
    assert_eq!(
        (report.first_serial, report.last_serial, report.state_serial),
        (Some(1), Some(42), Some(42))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn external_rotation_reopens_the_moved_file() {
    let dir = temp_dir("sink-logrotate");
    let path = dir.join("kmipkit.log");
    let destination = Destination::File {
        path: path.clone(),
        rotation: Rotation::External,
    };
    let logger = Logger::start(&settings(destination, Format::Json), None).unwrap();
    logger.emit(event(1));
    assert!(logger.flush(Duration::from_secs(5)));
    std::fs::rename(&path, dir.join("kmipkit.log-20261128")).unwrap();
    logger.emit(event(2));
    assert!(logger.flush(Duration::from_secs(5)));
    assert!(path.exists());
    let report = verify_files(&log_files(&dir), &VerifyOptions::default()).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.last_serial, Some(3));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn unix_socket_receives_one_line_per_datagram() {
    use std::os::unix::net::UnixDatagram;
    let dir = temp_dir("sink-unix");
    let socket = dir.join("log.sock");
    let receiver = UnixDatagram::bind(&socket).unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let logger = Logger::start(
        &settings(Destination::Unix { socket }, Format::Rfc5424),
        None,
    )
    .unwrap();
    for i in 0..5 {
        logger.emit(event(i));
    }
    assert!(logger.flush(Duration::from_secs(5)));
    let mut lines = Vec::new();
    let mut buffer = vec![0u8; 65536];
    for _ in 0..6 {
        let n = receiver.recv(&mut buffer).unwrap();
        lines.push(String::from_utf8(buffer[..n].to_vec()).unwrap());
    }
    assert!(
        lines[0].contains("[meta sequenceId=\"1\"]") && lines[0].contains("event=\"log_start\""),
        "{}",
        lines[0]
    );
    assert!(verify_lines(&lines, None).is_intact());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_receiver_that_stops_reading_never_blocks_the_caller() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut logger_settings = settings(Destination::Tcp { address }, Format::Rfc3164);
    logger_settings.queue = 64;
    let logger = Logger::start(&logger_settings, None).unwrap();
    let (held, _) = listener.accept().unwrap(); // accepted, never read (for now)

    // Far more than the socket buffers and the queue hold.
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    for i in 0..20_000 {
        let t = Instant::now();
        logger.emit(event(i));
        slowest = slowest.max(t.elapsed());
    }
    let total = started.elapsed();
    assert!(
        total < Duration::from_secs(2),
        "20,000 events took {total:?}"
    );
    assert!(
        slowest < Duration::from_millis(50),
        "one event took {slowest:?}"
    );
    assert!(logger.dropped() > 10_000, "dropped {}", logger.dropped());

    // The receiver reads again: the drops are reported in the log itself.
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    std::thread::spawn(move || {
        let mut connections = vec![held];
        listener.set_nonblocking(true).unwrap();
        loop {
            if let Ok((c, _)) = listener.accept() {
                c.set_nonblocking(false).unwrap();
                connections.push(c);
            }
            for c in &mut connections {
                c.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
                let mut buffer = [0u8; 65536];
                if let Ok(n) = c.read(&mut buffer) {
                    sink.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    logger.emit(event(99_999));
    assert!(logger.flush(Duration::from_secs(30)));
    std::thread::sleep(Duration::from_millis(300));
    let text = String::from_utf8_lossy(&received.lock().unwrap()).into_owned();
    assert!(
        text.contains("event=dropped"),
        "no drop report in {} bytes",
        text.len()
    );
    assert!(text.contains("key_name=key-99999"));
}
