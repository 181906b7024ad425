//! Regressions for issues found in review: each once made hostile input cost hours, leaked a
//! password into Debug output, or overflowed on 32-bit targets.

use kmipkit::ErrorKind;
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, Value, message_len, xml};

#[test]
fn a_flood_of_distinct_placeholders_is_refused_not_searched_for_hours() {
    // Each distinct numeric placeholder needs a free stand-in value; 70,000 of them once took
    // minutes. The table now stops at a bound far above any test case.
    let mut text = String::from("<RequestPayload>");
    for i in 0..5_000 {
        text.push_str(&format!("<BatchCount type=\"Integer\" value=\"$P{i}\"/>"));
    }
    text.push_str("</RequestPayload>");
    let err = xml::from_str(&text, &mut Placeholders::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax, "{err}");
    assert!(err.to_string().contains("distinct placeholders"), "{err}");
}

#[test]
fn debug_output_never_shows_a_password() {
    let credential = Item::structure(
        Tag::CredentialValue,
        vec![
            Item::new(Tag::Username, Value::TextString("alice".into())),
            Item::new(Tag::Password, Value::TextString("hunter2-secret".into())),
        ],
    );
    let debug = format!("{credential:?}");
    assert!(debug.contains("alice"), "{debug}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
}

#[test]
fn the_largest_length_field_is_a_limit_error_not_an_overflow() {
    for len in [0xFFFF_FFF9u32, 0xFFFF_FFFF] {
        let mut header = [0x42, 0x00, 0x7B, 0x01, 0, 0, 0, 0];
        header[4..].copy_from_slice(&len.to_be_bytes());
        let err = message_len(&header, &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    }
}
