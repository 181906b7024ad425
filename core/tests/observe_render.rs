//! Golden tests of every log format: a plain event, and one whose fields hold each format's
//! delimiter, `=`, `|`, `\`, quotes, `]`, newlines, tabs, non-ASCII and an overlong value.

use kmipkit::observe::{
    Chain, ChainState, Event, Format, Level, Origin, Outcome, parse_line, render,
    verify::verify_lines,
};

fn origin() -> Origin {
    Origin::new("app01", 4242)
}

fn plain() -> Event {
    let mut event = Event::operation("Get", 1_700_000_000_123)
        .server("dc1", Some("10.0.0.5".parse().unwrap()), 5696)
        .key("payroll-kek", "4d2f-11")
        .user("app")
        .finished(Outcome::Success, None, 12)
        .detail(Level::Verbose, "version", "2.0")
        .detail(Level::Debug, "response_bytes", 344);
    event.request_id = Some("7".into());
    event
}

const NASTY: &str = "a=b|c\\d\n\"q\"]\tt\u{e4}st \u{9375}\r";

fn nasty() -> Event {
    Event::operation("Get", 1_700_000_000_123)
        .server("dc|1", None, 5696)
        .key(NASTY, "uid")
        .user(&"u".repeat(2000))
        .finished(Outcome::Failure, Some("ItemNotFound".into()), 3)
}

fn line(format: Format, event: &Event, level: Level) -> String {
    let u = render(format, &origin(), 5, event, level);
    format!("{}{}{}", u.head, "0".repeat(64), u.tail)
}

const H: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn rfc3164_plain() {
    assert_eq!(
        line(Format::Rfc3164, &plain(), Level::Basic),
        format!(
            "<86>Nov 14 22:13:20 app01 kmipkit[4242]: serial=5 time=2023-11-14T22:13:20.123Z event=operation op=Get server=dc1 ip_addr=10.0.0.5 port=5696 key_name=payroll-kek key_uid=4d2f-11 user=app outcome=success duration_ms=12 request_id=7 hash={H}"
        )
    );
    let debug = line(Format::Rfc3164, &plain(), Level::Debug);
    assert!(
        debug.contains(" version=2.0 response_bytes=344 hash="),
        "{debug}"
    );
}

#[test]
fn rfc5424_plain() {
    assert_eq!(
        line(Format::Rfc5424, &plain(), Level::Basic),
        format!(
            "<86>1 2023-11-14T22:13:20.123Z app01 kmipkit 4242 operation [meta sequenceId=\"5\"][kmipkit@32473 serial=\"5\" time=\"2023-11-14T22:13:20.123Z\" event=\"operation\" op=\"Get\" server=\"dc1\" ip_addr=\"10.0.0.5\" port=\"5696\" key_name=\"payroll-kek\" key_uid=\"4d2f-11\" user=\"app\" outcome=\"success\" duration_ms=\"12\" request_id=\"7\" hash=\"{H}\"]"
        )
    );
}

#[test]
fn cef_plain() {
    assert_eq!(
        line(Format::Cef, &plain(), Level::Basic),
        format!(
            "CEF:0|kmipkit|kmipkit|{}|Get|Get success|3|serial=5 time=2023-11-14T22:13:20.123Z event=operation op=Get server=dc1 ip_addr=10.0.0.5 port=5696 key_name=payroll-kek key_uid=4d2f-11 user=app outcome=success duration_ms=12 request_id=7 hash={H}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn leef_plain() {
    assert_eq!(
        line(Format::Leef, &plain(), Level::Basic),
        format!(
            "LEEF:2.0|kmipkit|kmipkit|{}|Get|x09|serial=5\ttime=2023-11-14T22:13:20.123Z\tevent=operation\top=Get\tserver=dc1\tip_addr=10.0.0.5\tport=5696\tkey_name=payroll-kek\tkey_uid=4d2f-11\tuser=app\toutcome=success\tduration_ms=12\trequest_id=7\thash={H}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn json_plain() {
    let text = line(Format::Json, &plain(), Level::Basic);
    assert_eq!(
        text,
        format!(
            "{{\"serial\":5,\"time\":\"2023-11-14T22:13:20.123Z\",\"event\":\"operation\",\"op\":\"Get\",\"server\":\"dc1\",\"ip_addr\":\"10.0.0.5\",\"port\":\"5696\",\"key_name\":\"payroll-kek\",\"key_uid\":\"4d2f-11\",\"user\":\"app\",\"outcome\":\"success\",\"duration_ms\":\"12\",\"request_id\":\"7\",\"hash\":\"{H}\"}}"
        )
    );
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["ip_addr"], "10.0.0.5");
}

/// The escaped `key_name` each format writes for `NASTY`.
#[test]
fn escaping_of_delimiters_newlines_and_non_ascii() {
    let expected = [
        (
            Format::Rfc3164,
            " key_name=\"a=b|c\\\\d\\n\\\"q\\\"]\\tt\u{e4}st \u{9375}\\r\" key_uid=uid ",
        ),
        (
            Format::Rfc5424,
            " key_name=\"a=b|c\\\\d\\n\\\"q\\\"\\]\\tt\u{e4}st \u{9375}\\r\" key_uid=\"uid\"",
        ),
        (
            Format::Cef,
            " key_name=a\\=b|c\\\\d\\n\"q\"] t\u{e4}st \u{9375}\\r key_uid=uid ",
        ),
        (
            Format::Leef,
            "\tkey_name=a=b|c\\d \"q\"] t\u{e4}st \u{9375} \tkey_uid=uid\t",
        ),
        (
            Format::Json,
            ",\"key_name\":\"a=b|c\\\\d\\n\\\"q\\\"]\\tt\u{e4}st \u{9375}\\r\",\"key_uid\":\"uid\",",
        ),
    ];
    for (format, key_name) in expected {
        let text = line(format, &nasty(), Level::Basic);
        assert!(text.contains(key_name), "{format}: {text}");
        assert!(!text.contains(['\n', '\r']), "{format} wrote a line break");
        if format != Format::Leef {
            assert!(!text.contains('\t'), "{format} wrote a raw tab");
        }
    }
}

#[test]
fn cef_header_escapes_pipe_and_backslash() {
    let event = Event::operation("Get|x\\y\nz", 0);
    let text = line(Format::Cef, &event, Level::Basic);
    assert!(
        text.contains("|Get\\|x\\\\y z|Get\\|x\\\\y z success|3|"),
        "{text}"
    );
    let leef = line(Format::Leef, &event, Level::Basic);
    assert!(leef.contains("|Get/x\\y z|x09|"), "{leef}");
}

#[test]
fn overlong_values_are_cut() {
    for format in Format::ALL {
        let text = line(format, &nasty(), Level::Basic);
        let kept = match format {
            Format::Rfc3164 => {
                assert!(text.len() <= 1024, "{} bytes", text.len());
                assert!(text.contains("uuu... "), "{text}");
                continue;
            }
            Format::Cef => 1020,
            _ => 1021,
        };
        assert!(
            text.contains(&format!("{}...", "u".repeat(kept))),
            "{format}"
        );
        assert!(!text.contains(&"u".repeat(kept + 1)), "{format}");
    }
    // A cut never splits a character.
    let wide = Event::operation("Get", 0).key(&"\u{9375}".repeat(600), "");
    for format in Format::ALL {
        let _ = line(format, &wide, Level::Basic);
    }
}

#[test]
fn forged_serial_and_hash_in_values_do_not_fool_the_parser() {
    let forged = format!(
        "serial=99 hash={} \"hash\":\"{}\"",
        "f".repeat(64),
        "e".repeat(64)
    );
    let event = Event::operation(&forged, 0).key(&forged, &forged);
    for format in Format::ALL {
        let mut chain = Chain::new(ChainState::default());
        let text = chain.append(format, &origin(), Level::Basic, &event);
        let parsed = parse_line(&text).unwrap();
        assert_eq!(parsed.serial, 1, "{format}");
        assert_eq!(parsed.hash, chain.state().last_hash, "{format}");
        assert!(verify_lines(&[text], None).is_intact(), "{format}");
    }
}

#[test]
fn levels_add_fields_in_order() {
    let basic = line(Format::Json, &plain(), Level::Basic);
    let verbose = line(Format::Json, &plain(), Level::Verbose);
    let debug = line(Format::Json, &plain(), Level::Debug);
    assert!(!basic.contains("version"));
    assert!(verbose.contains(",\"version\":\"2.0\",\"hash\""));
    assert!(debug.contains(",\"version\":\"2.0\",\"response_bytes\":\"344\",\"hash\""));
}

#[test]
fn rfc5424_sequence_id_wraps_but_serial_does_not() {
    let u = render(
        Format::Rfc5424,
        &origin(),
        2_147_483_648,
        &plain(),
        Level::Basic,
    );
    assert!(
        u.head
            .contains("[meta sequenceId=\"1\"][kmipkit@32473 serial=\"2147483648\""),
        "{}",
        u.head
    );
}

#[test]
fn config_change_and_drop_events() {
    let change = Event::config_change("log.format", "cef", 0);
    let text = line(Format::Rfc3164, &change, Level::Basic);
    assert!(text.starts_with("<85>Jan  1 00:00:00 "), "{text}");
    assert!(
        text.contains(
            " event=config_change op=config_change outcome=success setting=log.format value=cef "
        ),
        "{text}"
    );
}

#[test]
fn line_separators_and_bidi_overrides_never_appear_raw() {
    let event = Event::operation("Get", 0).key("a\u{2028}b\u{202e}c\u{2066}d\u{85}e", "");
    for format in Format::ALL {
        let text = line(format, &event, Level::Basic);
        assert!(
            !text.contains(['\u{2028}', '\u{202e}', '\u{2066}', '\u{85}']),
            "{format}: {text:?}"
        );
    }
    let json = line(Format::Json, &event, Level::Basic);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["key_name"], "a\u{2028}b\u{202e}c\u{2066}d\u{85}e");
    assert!(
        line(Format::Rfc3164, &event, Level::Basic)
            .contains("key_name=\"a\\u{2028}b\\u{202e}c\\u{2066}d\\x85e\"")
    );
}
