//! The verifier against hostile input: look-alike headers in values, overlong lines, floods of
//! forged copies, state files among the logs, changed serial numbers, deleted current logs.

mod support;

use std::path::PathBuf;

use kmipkit::observe::verify::{FindingKind, VerifyOptions, verify_files, verify_lines};
use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};

use support::chain::{kinds, lines, log};

/// A key name is chosen by whoever creates keys: one that looks like a CEF or LEEF header
/// followed by a serial must not make an untouched line of another format parse as that serial.
#[test]
fn header_look_alike_in_a_value_does_not_change_the_serial() {
    let names = [
        "CEF:0|a|b|c|d|e|f|serial=1 x",
        "LEEF:2.0|a|b|c|d|e|serial=1 x",
        "CEF:0|a|b|c|d|e|f|\"serial\":1 x",
    ];
    for format in Format::ALL {
        for name in names {
            let mut chain = Chain::new(ChainState::default());
            let mut lines = self::lines(format, &mut chain, 3);
            let event = Event::operation("Get", 1_700_000_000_000).key(name, "uid");
            for _ in 0..3 {
                lines.push(chain.append(format, &Origin::new("host", 7), Level::Basic, &event));
            }
            let parsed = kmipkit::observe::parse_line(&lines[4]).unwrap();
            assert_eq!(parsed.serial, 5, "{format} {name}: {}", lines[4]);
            let report = verify_lines(&lines, Some(*chain.state()));
            assert!(report.is_intact(), "{format} {name}: {report}");
        }
    }
}

/// LEEF has no escaping: a backslash at the end of a header field is a plain character, not an
/// escape of the `|` after it.
#[test]
fn leef_header_ending_in_a_backslash_parses() {
    let mut chain = Chain::new(ChainState::default());
    let event = Event::operation("Get\\", 0);
    let line = chain.append(Format::Leef, &Origin::new("h", 1), Level::Basic, &event);
    let parsed = kmipkit::observe::parse_line(&line).unwrap();
    assert_eq!(parsed.serial, 1, "{line}");
    assert!(verify_lines(&[line], Some(*chain.state())).is_intact());
}

/// A hostile file handed to `verify` may hold one enormous line: it is reported and skipped
/// (never held whole), and the lines around it still verify.
#[test]
fn overlong_line_is_reported_and_skipped() {
    use kmipkit::observe::verify::MAX_LINE_BYTES;
    let dir = std::env::temp_dir().join(format!("kmipkit-verify-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kmipkit.log");
    let (lines, state) = log(Format::Json);
    let mut text = lines[..5].join("\n") + "\n";
    text.push_str(&"a".repeat(3 * MAX_LINE_BYTES));
    text.push('\n');
    text.push_str(&(lines[5..].join("\r\n") + "\r\n"));
    std::fs::write(&path, text).unwrap();
    state.save(&ChainState::path_for(&path)).unwrap();
    let report = verify_files(&[path], &VerifyOptions::default()).unwrap();
    assert_eq!(kinds(&report), [(FindingKind::Inserted, None)], "{report}");
    assert_eq!(report.findings[0].line, Some(6));
    assert!(
        report.findings[0].detail.contains("longer than"),
        "{report}"
    );
    assert_eq!(report.last_serial, Some(10));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The current log deleted and only its rotated files left (`kmipkit log verify kmipkit.log.*`):
/// the log's state file is still found, so the missing tail is reported, not an intact chain.
#[test]
fn rotated_files_alone_are_checked_against_the_log_state() {
    let dir = std::env::temp_dir().join(format!("kmipkit-verify-rot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (lines, state) = log(Format::Rfc3164);
    let files: Vec<PathBuf> = ["kmipkit.log.2", "kmipkit.log.1"]
        .iter()
        .map(|n| dir.join(n))
        .collect();
    for (file, chunk) in files.iter().zip(lines.chunks(4)) {
        std::fs::write(file, chunk.join("\n") + "\n").unwrap();
    }
    state.save(&dir.join("kmipkit.log.state")).unwrap();
    let report = verify_files(&files, &VerifyOptions::default()).unwrap();
    assert_eq!(report.state_serial, Some(10), "{report}");
    assert_eq!(
        kinds(&report),
        [(FindingKind::TailMissing, Some(9))],
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Anyone can compute a link (the chain has no key), so a hostile file may hold thousands of
/// well-linked copies of one serial and thousands of the next that link to none of them. The
/// verifier must not compare every copy with every copy (quadratic time).
#[test]
fn many_forged_copies_of_a_serial_are_checked_in_linear_time() {
    let origin = Origin::new("host", 7);
    let mut chain = Chain::new(ChainState::default());
    let mut lines = self::lines(Format::Json, &mut chain, 4);
    let at_four = *chain.state();
    let copies = 6000;
    for i in 0..copies {
        let mut forger = Chain::new(at_four);
        let event = Event::operation("Get", i);
        lines.push(forger.append(Format::Json, &origin, Level::Basic, &event));
    }
    for i in 0..copies {
        let mut forger = Chain::new(ChainState {
            last_serial: 5,
            last_hash: [9; 32],
        });
        let event = Event::operation("Get", i);
        lines.push(forger.append(Format::Json, &origin, Level::Basic, &event));
    }
    let started = std::time::Instant::now();
    let report = verify_lines(&lines, None);
    let took = started.elapsed();
    assert!(!report.is_intact());
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

/// A state file whose serial cannot be continued (the next one would overflow) is damaged:
/// refused at load, with the recovery hint, rather than crashing the log thread later.
#[test]
fn state_file_with_an_unusable_serial_is_refused() {
    let hash = "0".repeat(64);
    for serial in [u64::MAX, 1 << 63] {
        let text = format!("kmipkit-log-state 1\nserial={serial}\nhash={hash}\n");
        assert_eq!(ChainState::parse(&text), None, "{serial}");
    }
    let text = format!("kmipkit-log-state 1\nserial=42\nhash={hash}\n");
    assert_eq!(ChainState::parse(&text).map(|s| s.last_serial), Some(42));
}

/// `kmipkit log verify log/kmipkit.log log/kmipkit.log.*` (as the README shows) also names the
/// state file `kmipkit.log.state`: it is recognized and not read as log lines.
#[test]
fn a_state_file_among_the_logs_is_not_read_as_lines() {
    let dir = std::env::temp_dir().join(format!("kmipkit-verify-glob-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kmipkit.log");
    let (lines, state) = log(Format::Cef);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let state_path = ChainState::path_for(&path);
    state.save(&state_path).unwrap();
    let report = verify_files(&[path.clone(), state_path], &VerifyOptions::default()).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.files, [path]);
    assert_eq!(report.state_serial, Some(10));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A log whose first line was made to look like a state file is still read as a log.
#[test]
fn a_forged_state_header_does_not_hide_a_log() {
    let dir = std::env::temp_dir().join(format!("kmipkit-verify-hide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kmipkit.log");
    let (lines, state) = log(Format::Json);
    let text = format!("{}{}\n", state.to_text(), lines.join("\n"));
    std::fs::write(&path, text).unwrap();
    let report = verify_files(std::slice::from_ref(&path), &VerifyOptions::default()).unwrap();
    assert_eq!(report.files, [path]);
    assert_eq!(report.last_serial, Some(10));
    assert_eq!(
        kinds(&report),
        [
            (FindingKind::Inserted, None),
            (FindingKind::Inserted, None),
            (FindingKind::Inserted, None)
        ],
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A line whose serial number alone was changed is reported once, as the altered line it is,
/// not as a gap up to the stated serial plus every later line "reordered".
#[test]
fn a_changed_serial_is_one_altered_line() {
    let changes = [
        (Format::Rfc3164, "serial=5 ", "serial=50 "),
        (Format::Json, "\"serial\":5,", "\"serial\":50,"),
        (Format::Cef, "|serial=5 ", "|serial=3 "),
    ];
    for (format, from, to) in changes {
        let (mut lines, state) = log(format);
        lines[4] = lines[4].replace(from, to);
        let report = verify_lines(&lines, Some(state));
        assert_eq!(
            kinds(&report),
            [(FindingKind::Altered, Some(5))],
            "{format}: {report}"
        );
        assert_eq!(report.last_serial, Some(10));
    }
}

/// A forged line may state the largest serial there is: the verifier reports it instead of
/// overflowing while looking for the serial after it.
#[test]
fn a_forged_line_with_the_largest_serial_is_reported() {
    let (mut lines, state) = log(Format::Rfc5424);
    lines.push(format!("serial={} hash={}", u64::MAX, "0".repeat(64)));
    let report = verify_lines(&lines, Some(state));
    assert!(!report.is_intact());
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.serial == Some(u64::MAX) && f.kind != FindingKind::Deleted),
        "{report}"
    );
}

/// A state file is read only up to the size a real one has: one padded past that (or an
/// endless file given as the state) is refused as damaged, not read whole into memory.
#[test]
fn an_oversized_state_file_is_refused_without_reading_it_whole() {
    let dir = std::env::temp_dir().join(format!("kmipkit-verify-big-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kmipkit.log");
    let (lines, state) = log(Format::Rfc3164);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let state_path = ChainState::path_for(&path);
    std::fs::write(&state_path, state.to_text() + &"\n".repeat(4096)).unwrap();
    assert!(ChainState::load(&state_path).is_err());
    let options = VerifyOptions {
        state: kmipkit::observe::verify::StateSource::At(state_path.clone()),
    };
    assert!(verify_files(std::slice::from_ref(&path), &options).is_err());
    std::fs::write(&state_path, state.to_text()).unwrap();
    assert_eq!(ChainState::load(&state_path).unwrap(), Some(state));
    #[cfg(unix)]
    assert!(ChainState::load(std::path::Path::new("/dev/zero")).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
