//! The sans-IO session against real PyKMIP traffic: requests it builds, replies it matches.

use kmipkit::message::{
    GetRequest, RequestMessage, RequestPayload, ResponseBatchItem, ResponseMessage, ResponsePayload,
};
use kmipkit::session::{Negotiation, Request, Session, Step, check_reply};
use kmipkit::spec::{Operation, ProtocolVersion, ResultReason};
use kmipkit::ttlv::Limits;
use kmipkit::{Error, ErrorKind};

fn capture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../conformance/vectors/pykmip-0.11/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The request PyKMIP's client sent, as a `Request` whose reply we can check.
fn captured_request(name: &str) -> Request {
    let message =
        RequestMessage::from_bytes(&capture(&format!("{name}.req")), &Limits::default()).unwrap();
    Request::from_message(message)
}

#[test]
fn requests_carry_version_time_stamp_count_and_batch_ids() {
    let mut session = Session::new(ProtocolVersion::V1_4).with_maximum_response_size(1 << 20);
    let payloads: Vec<RequestPayload> = vec![
        GetRequest::new(Some("1".into())).into(),
        GetRequest::new(Some("2".into())).into(),
    ];
    let request = session.request(payloads, 1_795_886_539).unwrap();
    let message = RequestMessage::from_bytes(request.bytes(), &Limits::default()).unwrap();
    assert_eq!(message.header.protocol_version, ProtocolVersion::V1_4);
    assert_eq!(message.header.time_stamp.unwrap().0, 1_795_886_539);
    assert_eq!(message.header.batch_count, 2);
    assert_eq!(message.header.maximum_response_size, Some(1 << 20));
    let ids: Vec<_> = message
        .batch_items
        .iter()
        .map(|b| b.unique_batch_item_id.clone().unwrap())
        .collect();
    assert_ne!(ids[0], ids[1], "batch item ids are unique");
    // The next batch continues the sequence, so ids are unique across the session too.
    let next = session
        .request(
            vec![GetRequest::new(None).into(), GetRequest::new(None).into()],
            0,
        )
        .unwrap();
    let next = RequestMessage::from_bytes(next.bytes(), &Limits::default()).unwrap();
    assert!(!ids.contains(next.batch_items[0].unique_batch_item_id.as_ref().unwrap()));
    // A single item needs no id.
    let single = session
        .request(vec![GetRequest::new(None).into()], 0)
        .unwrap();
    let single = RequestMessage::from_bytes(single.bytes(), &Limits::default()).unwrap();
    assert_eq!(single.batch_items[0].unique_batch_item_id, None);
}

#[test]
fn a_batch_reply_is_matched_item_by_item() {
    let request = captured_request("29-batch-create-get");
    let outcomes = check_reply(
        &request,
        &capture("29-batch-create-get.resp"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(outcomes.len(), 2);
    let Ok(Some(ResponsePayload::Create(create))) = &outcomes[0] else {
        panic!("{:?}", outcomes[0])
    };
    let Ok(Some(ResponsePayload::Get(get))) = &outcomes[1] else {
        panic!("{:?}", outcomes[1])
    };
    assert_eq!(
        create.unique_identifier, get.unique_identifier,
        "the Get used the ID placeholder"
    );
}

#[test]
fn answers_in_another_order_are_matched_by_batch_item_id() {
    let request = captured_request("29-batch-create-get");
    let mut response =
        ResponseMessage::from_bytes(&capture("29-batch-create-get.resp"), &Limits::default())
            .unwrap();
    response.batch_items.reverse();
    let outcomes = check_reply(&request, &response.to_bytes(), &Limits::default()).unwrap();
    assert!(matches!(outcomes[0], Ok(Some(ResponsePayload::Create(_)))));
    assert!(matches!(outcomes[1], Ok(Some(ResponsePayload::Get(_)))));
}

#[test]
fn a_refused_item_is_a_server_error_with_its_reason() {
    let request = captured_request("08-get-missing");
    let outcomes = check_reply(
        &request,
        &capture("08-get-missing.resp"),
        &Limits::default(),
    )
    .unwrap();
    match &outcomes[0] {
        // The sans-IO session explains nothing: that takes the server's profile (the client).
        Err(Error::Server {
            operation,
            reason,
            message,
            explanation: None,
        }) => {
            assert_eq!(*operation, Some(Operation::Get));
            assert_eq!(*reason, ResultReason::ItemNotFound);
            assert!(message.is_some());
        }
        other => panic!("expected a server refusal, got {other:?}"),
    }
}

#[test]
fn message_level_errors_fail_the_whole_request() {
    for name in ["27-obtain-lease-unparsed", "30-unsupported-version-3-0"] {
        let request = captured_request(name);
        let err = check_reply(
            &request,
            &capture(&format!("{name}.resp")),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Server {
                    operation: None,
                    reason: ResultReason::InvalidMessage,
                    ..
                }
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn mismatched_replies_are_protocol_errors() {
    let request = captured_request("29-batch-create-get");
    // A reply to another request: one item instead of two.
    let err = check_reply(
        &request,
        &capture("04-get-symmetric.resp"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    // The right number of items but an operation that was not asked.
    let request = captured_request("04-get-symmetric");
    let err = check_reply(&request, &capture("11-activate.resp"), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("answered as Activate"), "{err}");
    // Not a message at all.
    let err = check_reply(&request, &[0x42, 0, 0x7B], &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn authentication_failures_are_their_own_error() {
    let request = captured_request("04-get-symmetric");
    let reply = ResponseMessage::new(
        ProtocolVersion::V1_2,
        kmipkit::message::DateTime(0),
        vec![ResponseBatchItem::failure(
            Some(Operation::Get),
            ResultReason::AuthenticationNotSuccessful,
            None,
        )],
    );
    let err = check_reply(&request, &reply.to_bytes(), &Limits::default()).unwrap();
    assert!(
        matches!(&err[0], Err(Error::Authentication { reason, .. }) if reason.contains("clientAuth"))
    );
}

#[test]
fn negotiation_falls_back_from_an_unreadable_version_and_takes_the_best_shared_one() {
    let mut negotiation = Negotiation::new(ProtocolVersion::V2_1);
    let first = negotiation.request(0);
    assert_eq!(first.version(), ProtocolVersion::V2_1);
    // PyKMIP answers a version it cannot read with a message-level InvalidMessage.
    let refused = capture("30-unsupported-version-3-0.resp");
    assert_eq!(
        negotiation
            .on_reply(&first, &refused, &Limits::default())
            .unwrap(),
        Step::Retry
    );
    let second = negotiation.request(0);
    assert_eq!(second.version(), ProtocolVersion::V2_0);
    let offered =
        ResponseMessage::from_bytes(&capture("01-discover-versions.resp"), &Limits::default())
            .unwrap();
    let step = negotiation
        .on_reply(&second, &offered.to_bytes(), &Limits::default())
        .unwrap();
    assert_eq!(step, Step::Agreed(ProtocolVersion::V2_0));
}

#[test]
fn negotiation_never_goes_above_the_configured_highest_version() {
    let mut negotiation = Negotiation::new(ProtocolVersion::V1_4);
    let request = negotiation.request(0);
    let offered = capture("01-discover-versions.resp"); // the server offers 2.0 first
    let step = negotiation
        .on_reply(&request, &offered, &Limits::default())
        .unwrap();
    assert_eq!(step, Step::Agreed(ProtocolVersion::V1_4));
}

#[test]
fn a_field_the_version_does_not_define_is_refused_before_sending() {
    use kmipkit::message::EncryptRequest;
    let mut encrypt = EncryptRequest::new(Some("1".into()), b"data".to_vec());
    encrypt.authenticated_encryption_additional_data = Some(b"aad".to_vec().into());
    // Additional authenticated data exists from KMIP 1.4: at 1.2 the server would refuse the
    // whole message (PyKMIP) or drop the field silently.
    let mut old = Session::new(ProtocolVersion::V1_2);
    let err = old.request(vec![encrypt.clone().into()], 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(
        err.to_string()
            .contains("AuthenticatedEncryptionAdditionalData"),
        "{err}"
    );
    assert!(err.to_string().contains("1.4"), "{err}");
    let mut new = Session::new(ProtocolVersion::V1_4);
    assert!(new.request(vec![encrypt.into()], 0).is_ok());
}

#[test]
fn an_empty_unique_identifier_is_refused_before_sending() {
    // PyKMIP reads an empty identifier as the ID Placeholder and answers Get("") with the last
    // key it made: the request must never leave.
    let mut session = Session::new(ProtocolVersion::V2_0);
    for payload in [
        RequestPayload::from(GetRequest::new(Some(String::new()))),
        kmipkit::message::DestroyRequest::new(Some(String::new())).into(),
    ] {
        let err = session.request(vec![payload], 0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Encode);
        assert!(err.to_string().contains("Unique Identifier"), "{err}");
        assert!(err.to_string().contains("empty"), "{err}");
    }
    // No identifier at all is the placeholder asked for on purpose (a batch's second item).
    assert!(
        session
            .request(vec![GetRequest::new(None).into()], 0)
            .is_ok()
    );
}
