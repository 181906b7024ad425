//! Property tests: arbitrary typed messages, in every protocol version, round-trip through
//! TTLV, KMIP XML and KMIP JSON back to the same typed value.

use proptest::prelude::*;

use super::*;
use crate::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, LinkType, ObjectType, ProtocolVersion,
    ResultReason, State,
};
use crate::ttlv::{Item, Limits, Placeholders, json, xml};

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop::sample::select(ProtocolVersion::ALL.to_vec())
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.-]{0,20}"
}

fn bytes() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..48).prop_map(Bytes)
}

fn attribute() -> impl Strategy<Value = Attribute> {
    prop_oneof![
        text().prop_map(|t| Attribute::Name(Name::text(t))),
        any::<u32>().prop_map(|a| Attribute::CryptographicAlgorithm(CryptographicAlgorithm(a))),
        any::<i32>().prop_map(Attribute::CryptographicLength),
        any::<u32>().prop_map(|m| Attribute::CryptographicUsageMask(CryptographicUsageMask(m))),
        (1u32..6).prop_map(|s| Attribute::State(State(s))),
        any::<i64>().prop_map(|d| Attribute::ActivationDate(DateTime(d.rem_euclid(1 << 40)))),
        (text(), text()).prop_map(|(id, _)| Attribute::Link(Link {
            link_type: LinkType::ReplacementObjectLink,
            linked_object_identifier: id,
            extensions: Vec::new(),
        })),
        any::<bool>().prop_map(Attribute::Sensitive),
        (text(), text())
            .prop_map(|(n, v)| Attribute::Custom(CustomAttribute::text(format!("x-{n}"), v))),
        text().prop_map(Attribute::ObjectGroup),
    ]
}

/// Attributes valid in `version`: indexes exist only in KMIP 1.x.
fn attributes(v2: bool) -> impl Strategy<Value = Attributes> {
    prop::collection::vec((attribute(), prop::option::of(0i32..4)), 0..6).prop_map(move |list| {
        Attributes {
            entries: list
                .into_iter()
                .map(|(attribute, index)| AttributeEntry {
                    attribute,
                    index: index.filter(|_| !v2),
                })
                .collect(),
            template_names: Vec::new(),
            extensions: Vec::new(),
        }
    })
}

fn request_payload(v2: bool) -> impl Strategy<Value = RequestPayload> {
    prop_oneof![
        attributes(v2).prop_map(|a| CreateRequest::new(ObjectType::SymmetricKey, a).into()),
        (attributes(v2), prop::option::of(0i32..100)).prop_map(|(a, max)| {
            let mut locate = LocateRequest::new(a);
            locate.maximum_items = max;
            locate.into()
        }),
        prop::option::of(text()).prop_map(|id| GetRequest::new(id).into()),
        (prop::option::of(text()), bytes(), prop::option::of(bytes())).prop_map(
            |(id, data, aad)| {
                let mut encrypt = EncryptRequest::new(id, data);
                encrypt.authenticated_encryption_additional_data = aad;
                encrypt.into()
            }
        ),
        (prop::option::of(text()), attribute()).prop_map(move |(id, a)| {
            AddAttributeRequest::new(
                id,
                AttributeEntry {
                    attribute: a,
                    index: None,
                },
            )
            .into()
        }),
        prop::option::of(text()).prop_map(|id| DestroyRequest::new(id).into()),
    ]
}

fn request() -> impl Strategy<Value = RequestMessage> {
    version().prop_flat_map(|v| {
        (
            prop::collection::vec(
                (
                    request_payload(v >= ProtocolVersion::V2_0),
                    prop::option::of(bytes()),
                ),
                1..4,
            ),
            prop::option::of(0i32..(1 << 24)),
            prop::option::of((text(), prop::option::of(text()))),
        )
            .prop_map(move |(items, max_size, credential)| {
                let items = items
                    .into_iter()
                    .map(|(payload, id)| {
                        let mut item = RequestBatchItem::new(payload);
                        item.unique_batch_item_id = id;
                        item
                    })
                    .collect();
                let mut message = RequestMessage::new(v, items);
                message.header.maximum_response_size = max_size;
                message.header.authentication = credential.map(|(username, password)| {
                    Authentication::new(Credential::UsernameAndPassword {
                        username,
                        password: password.map(zeroize::Zeroizing::new),
                    })
                });
                message
            })
    })
}

fn response() -> impl Strategy<Value = ResponseMessage> {
    let item = prop_oneof![
        prop::collection::vec(text(), 0..20).prop_map(|ids| {
            ResponseBatchItem::success(LocateResponse {
                located_items: None,
                unique_identifier: ids,
                extensions: Vec::new(),
            })
        }),
        (any::<u32>(), prop::option::of(text())).prop_map(|(reason, message)| {
            ResponseBatchItem::failure(None, ResultReason(reason), message)
        }),
        (text(), bytes()).prop_map(|(id, key)| {
            ResponseBatchItem::success(GetResponse {
                object_type: ObjectType::SymmetricKey,
                unique_identifier: id,
                object: Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(
                    CryptographicAlgorithm::AES,
                    key,
                ))),
                extensions: Vec::new(),
            })
        }),
    ];
    (version(), any::<u32>(), prop::collection::vec(item, 1..4))
        .prop_map(|(v, time, items)| ResponseMessage::new(v, DateTime(i64::from(time)), items))
}

fn through_all_encodings(item: &Item<'static>) -> [Item<'static>; 3] {
    let ttlv = Item::from_bytes(&item.to_bytes(), &Limits::default()).expect("TTLV");
    let mut placeholders = Placeholders::default();
    let xml = xml::from_str(&xml::to_string(item, &placeholders), &mut placeholders).expect("XML");
    let json =
        json::from_str(&json::to_string(item, &placeholders), &mut placeholders).expect("JSON");
    [ttlv, xml, json]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn typed_requests_round_trip_in_every_version(message in request()) {
        for item in through_all_encodings(&message.to_item()) {
            let back = RequestMessage::from_item_strict(&item).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&back, &message);
        }
    }

    #[test]
    fn typed_responses_round_trip_in_every_version(message in response()) {
        for item in through_all_encodings(&message.to_item()) {
            let back = ResponseMessage::from_item_strict(&item).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&back, &message);
        }
    }
}
