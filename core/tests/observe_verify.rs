//! The verifier finds each kind of tampering, and passes an untouched log across rotation and
//! restart.

mod support;

use std::path::PathBuf;

use kmipkit::observe::verify::{
    FindingKind, StateSource, VerifyOptions, verify_files, verify_lines,
};
use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};

use support::chain::{kinds, lines, log};

#[test]
fn untouched_log_is_intact_in_every_format() {
    for format in Format::ALL {
        let (lines, state) = log(format);
        let report = verify_lines(&lines, Some(state));
        assert!(report.is_intact(), "{format}: {report}");
        assert_eq!(
            (report.first_serial, report.last_serial),
            (Some(1), Some(10))
        );
    }
}

#[test]
fn deleted_lines_are_reported_with_their_serials() {
    for format in Format::ALL {
        let (mut lines, state) = log(format);
        lines.drain(3..5); // serials 4 and 5
        let report = verify_lines(&lines, Some(state));
        assert_eq!(
            kinds(&report),
            [(FindingKind::Deleted, Some(4))],
            "{format}"
        );
        assert_eq!(report.findings[0].last_serial, Some(5));
        assert!(
            report.to_string().contains("deleted: serials 4-5 (line 4)"),
            "{report}"
        );
    }
}

#[test]
fn altered_line_is_reported() {
    for format in Format::ALL {
        let (mut lines, state) = log(format);
        lines[6] = lines[6].replace("key-6", "key-X");
        let report = verify_lines(&lines, Some(state));
        assert_eq!(
            kinds(&report),
            [(FindingKind::Altered, Some(7))],
            "{format}: {report}"
        );
        assert_eq!(report.findings[0].line, Some(7));
    }
}

#[test]
fn inserted_lines_are_reported() {
    for format in Format::ALL {
        let (mut lines, state) = log(format);
        // A line that never was in the chain...
        lines.insert(
            2,
            "<86>Nov 14 22:13:20 host kmipkit[7]: op=Destroy key_name=key-1".into(),
        );
        // ...and a second copy of serial 5.
        lines.insert(7, lines[5].clone()); // a duplicate of serial 5
        let report = verify_lines(&lines, Some(state));
        assert_eq!(
            kinds(&report),
            [
                (FindingKind::Inserted, None),
                (FindingKind::Inserted, Some(5))
            ],
            "{format}: {report}"
        );
        assert_eq!(report.findings[0].line, Some(3));
    }
}

#[test]
fn a_forged_copy_with_a_correct_link_is_the_inserted_one() {
    // The forger knows line 4's hash (it is in the log) and links a forged line 5 to it,
    // placing it before the genuine line 5.
    let origin = Origin::new("host", 7);
    let (mut lines, state) = log(Format::Rfc3164);
    let mut chain = Chain::new(ChainState::default());
    let genuine = self::lines(Format::Rfc3164, &mut chain, 4);
    assert_eq!(genuine, lines[..4]);
    let forged = chain.append(
        Format::Rfc3164,
        &origin,
        Level::Basic,
        &Event::operation("Destroy", 0),
    );
    lines.insert(4, forged);
    let report = verify_lines(&lines, Some(state));
    assert_eq!(
        kinds(&report),
        [(FindingKind::Inserted, Some(5))],
        "{report}"
    );
    assert_eq!(report.findings[0].line, Some(5));
}

#[test]
fn reordered_lines_are_reported() {
    for format in Format::ALL {
        let (mut lines, state) = log(format);
        lines.swap(3, 4);
        let report = verify_lines(&lines, Some(state));
        assert_eq!(
            kinds(&report),
            [(FindingKind::Reordered, Some(4))],
            "{format}: {report}"
        );
        assert_eq!(report.findings[0].line, Some(5));
    }
}

#[test]
fn first_two_lines_swapped_are_reordered_not_a_restart() {
    let (mut lines, state) = log(Format::Leef);
    lines.swap(0, 1);
    let report = verify_lines(&lines, Some(state));
    assert_eq!(
        kinds(&report),
        [(FindingKind::Reordered, Some(1))],
        "{report}"
    );
}

#[test]
fn dropped_tail_is_noticed_through_the_state_file() {
    for format in Format::ALL {
        let (lines, state) = log(format);
        let report = verify_lines(&lines[..7], Some(state));
        assert_eq!(
            kinds(&report),
            [(FindingKind::TailMissing, Some(8))],
            "{format}"
        );
        assert_eq!(report.findings[0].last_serial, Some(10));
        // Without the state file it cannot be seen (documented).
        assert!(verify_lines(&lines[..7], None).is_intact());
    }
}

#[test]
fn rewritten_chain_differs_from_the_state_file() {
    let (lines, state) = log(Format::Json);
    // A forger rewrites line 6 and rehashes every line from there to the end.
    let mut forger = Chain::new(ChainState::default());
    let mut rewritten = self::lines(Format::Json, &mut forger, 5);
    assert_eq!(rewritten, lines[..5]);
    let origin = Origin::new("host", 7);
    for i in 5..10 {
        let event = Event::operation("Get", 1_700_000_000_000 + i).key("key-X", "uid-X");
        rewritten.push(forger.append(Format::Json, &origin, Level::Basic, &event));
    }
    let report = verify_lines(&rewritten, Some(state));
    assert_eq!(
        kinds(&report),
        [(FindingKind::Altered, Some(10))],
        "{report}"
    );
}

#[test]
fn rotation_and_restart_keep_one_chain() {
    let dir = std::env::temp_dir().join(format!("kmipkit-observe-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state_path = dir.join("kmipkit.log.state");
    let mut chain = Chain::new(ChainState::default());
    let first = lines(Format::Rfc5424, &mut chain, 6);
    chain.state().save(&state_path).unwrap();
    // Restart: a new chain from the saved state.
    let mut chain = Chain::new(ChainState::load(&state_path).unwrap().unwrap());
    let second = lines(Format::Rfc5424, &mut chain, 6);
    chain.state().save(&state_path).unwrap();
    let all: Vec<String> = first.into_iter().chain(second).collect();
    let files: Vec<PathBuf> = ["kmipkit.log.2", "kmipkit.log.1", "kmipkit.log"]
        .iter()
        .map(|n| dir.join(n))
        .collect();
    for (file, chunk) in files.iter().zip(all.chunks(4)) {
        std::fs::write(file, chunk.join("\n") + "\n").unwrap();
    }
    // Given in any order; the state file is found beside the newest.
    let shuffled = vec![files[0].clone(), files[2].clone(), files[1].clone()];
    let report = verify_files(&shuffled, &VerifyOptions::default()).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.state_serial, Some(12));
    assert_eq!(report.files, files);
    // The newest file removed: its serials are the missing tail.
    let report = verify_files(
        &files[..2],
        &VerifyOptions {
            state: StateSource::At(state_path.clone()),
        },
    )
    .unwrap();
    assert_eq!(
        kinds(&report),
        [(FindingKind::TailMissing, Some(9))],
        "{report}"
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"kind\":\"tail-missing\""), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lost_state_file_shows_as_a_restart() {
    let (mut lines, _) = log(Format::Cef);
    let mut fresh = Chain::new(ChainState::default());
    lines.extend(self::lines(Format::Cef, &mut fresh, 2));
    let report = verify_lines(&lines, None);
    assert_eq!(
        kinds(&report),
        [(FindingKind::Restarted, Some(1))],
        "{report}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any one byte changed anywhere in a log, in any format, is noticed.
    #[test]
    fn any_changed_byte_is_noticed(format in 0usize..5, line in 0usize..10, at in 0usize..4000, byte in 0u8..=255) {
        let format = Format::ALL[format];
        let (lines, state) = log(format);
        let mut bytes = lines.join("\n").into_bytes();
        let start: usize = lines[..line].iter().map(|l| l.len() + 1).sum();
        let at = start + at % lines[line].len();
        proptest::prop_assume!(bytes[at] != byte);
        bytes[at] = byte;
        let text = String::from_utf8_lossy(&bytes);
        let tampered: Vec<&str> = text.lines().collect();
        let report = verify_lines(&tampered, Some(state));
        proptest::prop_assert!(!report.is_intact(), "{} byte {} -> {:#04x} unnoticed", format, at, byte);
    }
}
