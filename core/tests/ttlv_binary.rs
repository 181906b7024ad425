//! Binary TTLV: the specification's encoding examples byte for byte, and hostile input.

use kmipkit::ErrorKind;
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Value, message_len};

fn hex(text: &str) -> Vec<u8> {
    let digits: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

/// The examples of KMIP 1.4 section 9.1.2, read from the shared vector file.
fn spec_examples() -> Vec<(String, Vec<u8>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../conformance/vectors/kmip-spec-9.1.2-ttlv-examples.txt"
    );
    let text = std::fs::read_to_string(path).expect("spec example vectors");
    text.lines()
        .filter(|l| !l.starts_with('#') && l.contains('|'))
        .map(|l| {
            let (name, bytes) = l.split_once('|').unwrap();
            (name.trim().to_string(), hex(bytes))
        })
        .collect()
}

fn expected_value(name: &str) -> Value<'static> {
    let t = Tag(0x420020);
    match name.split_whitespace().next().unwrap() {
        "Integer" => Value::Integer(8),
        "Long" => Value::LongInteger(123_456_789_000_000_000),
        "Big" => Value::BigInteger(hex("0000000003FD35EB6BC2DF4618080000").into()),
        "Enumeration" => Value::Enumeration(255),
        "Boolean" => Value::Boolean(true),
        "Text" => Value::TextString("Hello World".into()),
        "Byte" => Value::ByteString(vec![1, 2, 3].into()),
        "Date-Time" => Value::DateTime(0x47DA_67F8),
        "Interval" => Value::Interval(864_000),
        "Structure{Enum" => Value::Structure(vec![
            Item::new(0x420004, Value::Enumeration(254)),
            Item::new(0x420005, Value::Integer(255)),
        ]),
        other => panic!("unexpected example {other} for {t:?}"),
    }
}

#[test]
fn specification_examples_encode_and_decode_byte_for_byte() {
    let examples = spec_examples();
    assert_eq!(examples.len(), 10, "all ten examples of section 9.1.2");
    for (name, bytes) in examples {
        let item = Item::new(0x420020, expected_value(&name));
        assert_eq!(item.to_bytes(), bytes, "encoding of {name}");
        assert_eq!(item.encoded_len(), bytes.len(), "length of {name}");
        assert_eq!(
            Item::from_bytes(&bytes, &Limits::default()).unwrap(),
            item,
            "decoding of {name}"
        );
    }
}

#[test]
fn borrowed_decode_points_into_the_input() {
    let bytes = Item::new(0x420020, Value::TextString("Hello World".into())).to_bytes();
    let item = Item::decode(&bytes, &Limits::default()).unwrap();
    let Value::TextString(std::borrow::Cow::Borrowed(text)) = item.value else {
        panic!("expected a borrowed string");
    };
    assert!(std::ptr::eq(text.as_ptr(), bytes[8..].as_ptr()));
}

fn decode_err(bytes: &[u8], limits: &Limits) -> kmipkit::Error {
    Item::from_bytes(bytes, limits).expect_err("hostile input must be rejected")
}

#[test]
fn truncated_input_is_a_clear_error_at_every_cut() {
    let message = Item::structure(
        0x420078,
        vec![
            Item::new(0x420020, Value::TextString("Hello World".into())),
            Item::new(0x420021, Value::ByteString(vec![9; 20].into())),
        ],
    )
    .to_bytes();
    for cut in 0..message.len() {
        let err = decode_err(&message[..cut], &Limits::default());
        assert_eq!(err.kind(), ErrorKind::Decode, "cut at {cut}: {err}");
        assert!(err.to_string().contains("truncated"), "cut at {cut}: {err}");
    }
}

#[test]
fn a_length_promising_4_gib_allocates_nothing_and_says_so() {
    let bytes = hex("420020 08 FFFFFFFF 0102030405060708");
    let err = decode_err(&bytes, &Limits::default());
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("4294967295"), "{err}");
    let header: [u8; 8] = hex("42007B 01 FFFFFFF0").try_into().unwrap();
    let err = message_len(&header, &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn wrong_lengths_for_fixed_size_types_are_rejected() {
    for (bytes, needle) in [
        ("420020 02 00000008 0000000000000008", "Integer"),
        ("420020 03 00000004 0000000100000000", "LongInteger"),
        ("420020 06 00000004 0000000100000000", "Boolean"),
        ("420020 09 00000004 0000000100000000", "DateTime"),
        ("420020 0A 00000008 0000000000000001", "Interval"),
    ] {
        let err = decode_err(&hex(bytes), &Limits::default());
        assert!(
            err.to_string().contains(needle) && err.to_string().contains("length"),
            "{err}"
        );
    }
}

#[test]
fn bad_type_bytes_booleans_utf8_and_trailing_bytes_are_rejected() {
    let cases = [
        (
            "420020 0C 00000004 0000000100000000",
            "unknown item type 0x0c",
        ),
        (
            "420020 00 00000004 0000000100000000",
            "unknown item type 0x00",
        ),
        ("420020 06 00000008 0000000000000002", "must be 0 or 1"),
        ("420020 07 00000002 FFFE000000000000", "UTF-8"),
        ("420020 02 00000004 0000000100000000 00", "unexpected bytes"),
        ("420020 01 00000004 00000000", "not a multiple of 8"),
    ];
    for (bytes, needle) in cases {
        let err = decode_err(&hex(bytes), &Limits::default());
        assert!(
            err.to_string().contains(needle),
            "expected {needle:?} in {err}"
        );
    }
}

#[test]
fn a_child_overrunning_its_structure_is_rejected() {
    // The structure claims 16 bytes but its child is 24 bytes long.
    let bytes = hex("420078 01 00000010 420020 07 0000000B 48656C6C6F20576F726C640000000000");
    let err = decode_err(&bytes, &Limits::default());
    assert!(err.to_string().contains("overruns"), "{err}");
}

fn nested(depth: usize) -> Item<'static> {
    let mut item = Item::new(0x420020, Value::Integer(1));
    for _ in 0..depth {
        item = Item::structure(0x420078, vec![item]);
    }
    item
}

/// A structure nested `depth` levels deep, built as bytes: a tree that deep would overflow
/// the stack of anything that walks it recursively, which is what the limit prevents.
fn nested_bytes(depth: usize) -> Vec<u8> {
    let inner = hex("420020 02 00000004 0000000100000000");
    let mut out = Vec::with_capacity(depth * 8 + inner.len());
    for level in 0..depth {
        let len = ((depth - level - 1) * 8 + inner.len()) as u32;
        out.extend_from_slice(&[0x42, 0x00, 0x78, 0x01]);
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(&inner);
    out
}

#[test]
fn deep_nesting_and_item_floods_hit_their_limits() {
    let limits = Limits {
        max_depth: 8,
        ..Limits::default()
    };
    assert!(Item::from_bytes(&nested(7).to_bytes(), &limits).is_ok());
    let err = decode_err(&nested_bytes(100_000), &Limits::default());
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert!(err.to_string().contains("nesting depth"), "{err}");

    let flood = Item::structure(0x420078, vec![Item::new(0x420020, Value::Integer(0)); 1000]);
    let limits = Limits {
        max_items: 500,
        ..Limits::default()
    };
    let err = decode_err(&flood.to_bytes(), &limits);
    assert!(err.to_string().contains("item count"), "{err}");

    let limits = Limits {
        max_message_size: 1000,
        ..Limits::default()
    };
    let err = decode_err(&flood.to_bytes(), &limits);
    assert!(err.to_string().contains("message size"), "{err}");
}
