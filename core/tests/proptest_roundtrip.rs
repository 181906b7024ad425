//! Property tests: arbitrary item trees round-trip through TTLV, KMIP XML and KMIP JSON.

use std::borrow::Cow;

use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, Value, first_difference, json, xml};
use proptest::prelude::*;

/// Tags worth mixing: known ones of several types, plus vendor extensions and unknown tags.
fn tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        Just(Tag::UniqueIdentifier),
        Just(Tag::CryptographicAlgorithm),
        Just(Tag::CryptographicUsageMask),
        Just(Tag::ActivationDate),
        Just(Tag::KeyMaterial),
        Just(Tag::AttributeValue),
        Just(Tag::Name),
        Just(Tag::BatchItem),
        Just(Tag::Operation),
        (0x540000u32..0x540100).prop_map(Tag),
        (0x420000u32..0x420300).prop_map(Tag),
    ]
}

fn leaf() -> impl Strategy<Value = Value<'static>> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        prop::collection::vec(any::<u8>(), 1..4)
            .prop_map(|words| Value::BigInteger(Cow::Owned(words.repeat(8)))),
        any::<u32>().prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        "\\PC{0,24}".prop_map(|s| Value::TextString(Cow::Owned(s))),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| Value::ByteString(Cow::Owned(b))),
        // Date-times that every encoding can write as ISO 8601 (years 0001 to 9999).
        (-62_135_596_800i64..253_402_300_799).prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
        (-62_135_596_800_000_000i64..253_402_300_799_000_000).prop_map(Value::DateTimeExtended),
    ]
}

fn tree() -> impl Strategy<Value = Item<'static>> {
    let leaf = (tag(), leaf()).prop_map(|(t, v)| Item::new(t, v));
    leaf.prop_recursive(4, 48, 6, |inner| {
        (tag(), prop::collection::vec(inner, 0..6)).prop_map(|(t, c)| Item::structure(t, c))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn trees_round_trip_through_ttlv(item in tree()) {
        let bytes = item.to_bytes();
        prop_assert_eq!(bytes.len(), item.encoded_len());
        let decoded = Item::decode(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(first_difference(&item, &decoded), None);
    }

    #[test]
    fn trees_round_trip_through_xml(item in tree()) {
        let mut placeholders = Placeholders::default();
        let text = xml::to_string(&item, &placeholders);
        let back = xml::from_str(&text, &mut placeholders)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(first_difference(&item, &back), None, "{}", text);
    }

    #[test]
    fn trees_round_trip_through_json(item in tree()) {
        let mut placeholders = Placeholders::default();
        let text = json::to_string(&item, &placeholders);
        let back = json::from_str(&text, &mut placeholders)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(first_difference(&item, &back), None, "{}", text);
    }

    #[test]
    fn truncated_or_corrupted_ttlv_never_panics(item in tree(), cut in any::<prop::sample::Index>(), flip in any::<(prop::sample::Index, u8)>()) {
        let bytes = item.to_bytes();
        let _ = Item::decode(&bytes[..cut.index(bytes.len())], &Limits::default());
        let mut corrupted = bytes.clone();
        let at = flip.0.index(corrupted.len());
        corrupted[at] ^= flip.1 | 1;
        let _ = Item::decode(&corrupted, &Limits::default());
    }
}
