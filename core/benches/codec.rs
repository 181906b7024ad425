//! kmipkit's TTLV codec side by side with NLnet Labs' `kmip-ttlv` / `kmip-protocol`.
//!
//! Run with `cargo bench -p kmipkit --bench codec`; BENCHMARKS.md at the repository root holds the
//! figures. Every message is a real capture from `conformance/vectors/`, and each is measured at
//! three kmipkit levels:
//!
//! - `kmipkit/tree-borrowed`: `Item::decode`, the item tree borrowing text and byte strings from
//!   the input (zero-copy); encoding writes that tree back out;
//! - `kmipkit/tree-owned`: `Item::from_bytes`, the same tree owning every string;
//! - `kmipkit/typed`: `RequestMessage` / `ResponseMessage`, the typed model (decode = tree + model).
//!
//! and, where `kmip-protocol` 0.4 has a type for the message in that direction, as
//! `kmip-ttlv/kmip-protocol`: `kmip_ttlv::from_slice` into its response types (they implement only
//! `Deserialize`) and `kmip_ttlv::to_vec` of its request types (only `Serialize`). So kmip-ttlv
//! decodes the three responses and encodes the Create request; the other two directions have no
//! kmip-protocol type to measure.
//!
//! One criterion group per message and direction (`decode/<message>`, `encode/<message>`), with
//! `Throughput::Bytes` set to the message size, so the libraries appear side by side in MB/s.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::ttlv::{Item, Limits};

use kmip_protocol::types::common::{
    AttributeName, AttributeValue, CryptographicAlgorithm, NameType, NameValue, ObjectType,
    Operation,
};
use kmip_protocol::types::request as kp_req;
use kmip_protocol::types::response as kp_resp;

/// What a capture is: it decides which typed model reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Response,
}

/// One benchmarked message: a short name, its capture file and its kind.
struct Message {
    name: &'static str,
    file: &'static str,
    kind: Kind,
}

const MESSAGES: &[Message] = &[
    Message {
        name: "create-request",
        file: "pykmip-0.11/03-create-aes256.req.hex",
        kind: Kind::Request,
    },
    Message {
        name: "get-response",
        file: "pykmip-0.11/04-get-symmetric.resp.hex",
        kind: Kind::Response,
    },
    Message {
        name: "get-attributes-response",
        file: "bench/05-get-attributes-nodate.resp.hex",
        kind: Kind::Response,
    },
    Message {
        name: "locate-1000-response",
        file: "bench/locate-1000.resp.hex",
        kind: Kind::Response,
    },
];

fn load(file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../conformance/vectors/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// The typed kmipkit message, if the model reads this capture (it is printed otherwise).
enum Typed {
    Request(Box<RequestMessage>),
    Response(Box<ResponseMessage>),
}

impl Typed {
    fn decode(kind: Kind, bytes: &[u8]) -> kmipkit::error::Result<Self> {
        Ok(match kind {
            Kind::Request => Self::Request(Box::new(RequestMessage::from_bytes(
                bytes,
                &Limits::default(),
            )?)),
            Kind::Response => Self::Response(Box::new(ResponseMessage::from_bytes(
                bytes,
                &Limits::default(),
            )?)),
        })
    }

    fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Request(m) => m.to_bytes(),
            Self::Response(m) => m.to_bytes(),
        }
    }
}

/// kmip-protocol's model of the Create request capture: the same items in the same order
/// (checked byte for byte against the capture before anything is measured).
fn kmip_protocol_create_request() -> kp_req::RequestMessage {
    use kp_req::{
        Attribute, BatchCount, BatchItem, ProtocolVersion, ProtocolVersionMajor,
        ProtocolVersionMinor, RequestHeader, RequestMessage, RequestPayload, TemplateAttribute,
    };
    let attributes = vec![
        Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES),
        Attribute::CryptographicLength(256),
        // Encrypt | Decrypt: kmip-protocol's helper takes one mask flag, so the bits go in directly.
        Attribute(
            AttributeName("Cryptographic Usage Mask".into()),
            None,
            AttributeValue::Integer(0x04 | 0x08),
        ),
        Attribute(
            AttributeName("Name".into()),
            None,
            AttributeValue::Name(
                NameValue("vector-key".into()),
                NameType::UninterpretedTextString,
            ),
        ),
    ];
    RequestMessage(
        RequestHeader(
            ProtocolVersion(ProtocolVersionMajor(1), ProtocolVersionMinor(2)),
            None,
            None,
            BatchCount(1),
        ),
        vec![BatchItem(
            Operation::Create,
            None,
            RequestPayload::Create(
                ObjectType::SymmetricKey,
                TemplateAttribute::unnamed(attributes),
            ),
        )],
    )
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>, bytes: usize) {
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

fn codec(c: &mut Criterion) {
    let limits = Limits::default();
    for message in MESSAGES {
        let bytes = load(message.file);

        // Preconditions, checked once so that every measured call is known to succeed.
        let borrowed = Item::decode(&bytes, &limits).expect("kmipkit decodes the capture");
        assert_eq!(
            borrowed.to_bytes(),
            bytes,
            "{}: tree round trip",
            message.name
        );
        let owned = Item::from_bytes(&bytes, &limits).expect("owned decode");
        let typed = match Typed::decode(message.kind, &bytes) {
            Ok(typed) => {
                if typed.to_bytes() != bytes {
                    eprintln!(
                        "note: {}: typed re-encoding differs from the capture",
                        message.name
                    );
                }
                Some(typed)
            }
            Err(e) => {
                eprintln!(
                    "note: {}: typed model skipped, it does not read the capture: {e}",
                    message.name
                );
                None
            }
        };
        let kmip_ttlv_decodes = message.kind == Kind::Response
            && match kmip_ttlv::from_slice::<kp_resp::ResponseMessage>(&bytes) {
                Ok(_) => true,
                Err(e) => {
                    eprintln!(
                        "note: {}: kmip-ttlv skipped, it does not decode the capture: {e}",
                        message.name
                    );
                    false
                }
            };
        let kmip_ttlv_request = (message.name == "create-request").then(|| {
            let request = kmip_protocol_create_request();
            let encoded = kmip_ttlv::to_vec(&request).expect("kmip-ttlv encodes the request");
            assert_eq!(
                encoded, bytes,
                "kmip-protocol's Create request must equal the capture"
            );
            request
        });

        let mut group = c.benchmark_group(format!("decode/{}", message.name));
        configure(&mut group, bytes.len());
        group.bench_function("kmipkit/tree-borrowed", |b| {
            b.iter(|| Item::decode(black_box(&bytes), &limits).unwrap())
        });
        group.bench_function("kmipkit/tree-owned", |b| {
            b.iter(|| Item::from_bytes(black_box(&bytes), &limits).unwrap())
        });
        if typed.is_some() {
            group.bench_function("kmipkit/typed", |b| {
                b.iter(|| Typed::decode(message.kind, black_box(&bytes)).unwrap())
            });
        }
        if kmip_ttlv_decodes {
            group.bench_function("kmip-ttlv/kmip-protocol", |b| {
                b.iter(|| {
                    kmip_ttlv::from_slice::<kp_resp::ResponseMessage>(black_box(&bytes)).unwrap()
                })
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("encode/{}", message.name));
        configure(&mut group, bytes.len());
        group.bench_function("kmipkit/tree-borrowed", |b| {
            b.iter(|| black_box(&borrowed).to_bytes())
        });
        group.bench_function("kmipkit/tree-owned", |b| {
            b.iter(|| black_box(&owned).to_bytes())
        });
        if let Some(typed) = &typed {
            group.bench_function("kmipkit/typed", |b| b.iter(|| black_box(typed).to_bytes()));
        }
        if let Some(request) = &kmip_ttlv_request {
            group.bench_function("kmip-ttlv/kmip-protocol", |b| {
                b.iter(|| kmip_ttlv::to_vec(black_box(request)).unwrap())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
