//! Borrowed TTLV decoding is zero-copy, checked by counting heap allocations.
//!
//! A borrowed decode (`Item::decode`) may allocate one thing only: the `Vec` of children of each
//! non-empty Structure. Text and byte strings point into the input buffer. An owned decode
//! (`Item::from_bytes`) additionally copies every non-empty string.
//!
//! Counting needs a `#[global_allocator]`, that is an `unsafe impl GlobalAlloc`, and the
//! workspace sets `unsafe_code = "forbid"` for every target of the crate: a test file cannot lower
//! a `forbid` with `#![allow(unsafe_code)]` (rustc rejects it, E0453), and the bench binary is under
//! the same lint. So the counting allocator comes from the `allocation-counter` dev-dependency, a
//! thin wrapper over `std::alloc::System` whose counters are per thread: `measure` counts every
//! `alloc` made by the calling thread inside the closure (`realloc` and `alloc_zeroed` go through
//! `alloc` there, so they count too), and tests running on other threads do not disturb it.

use std::borrow::Cow;
use std::path::PathBuf;

use allocation_counter::measure;
use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Value};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors")
}

fn load(file: &str) -> Vec<u8> {
    let path = vectors().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Every item of the tree, depth first.
fn walk<'t, 'a>(item: &'t Item<'a>, out: &mut Vec<&'t Item<'a>>) {
    out.push(item);
    for child in item.children() {
        walk(child, out);
    }
}

/// What a borrowed decode of `tree` may allocate, and what it must not.
struct Census {
    /// Structures with at least one child: one `Vec` each.
    non_empty_structures: u64,
    /// Text strings, byte strings and big integers that are not empty.
    non_empty_strings: u64,
    /// Strings that are `Cow::Owned` (a borrowed decode must have none).
    owned_strings: u64,
    /// Structures with an empty Structure among their children (see the test on every capture).
    holding_empty_structures: u64,
}

fn census(tree: &Item<'_>) -> Census {
    let mut items = Vec::new();
    walk(tree, &mut items);
    let mut census = Census {
        non_empty_structures: 0,
        non_empty_strings: 0,
        owned_strings: 0,
        holding_empty_structures: 0,
    };
    for item in items {
        let (len, owned) = match &item.value {
            Value::Structure(children) => {
                census.non_empty_structures += u64::from(!children.is_empty());
                census.holding_empty_structures += u64::from(children.iter().any(|c| {
                    matches!(&c.value, Value::Structure(grandchildren) if grandchildren.is_empty())
                }));
                continue;
            }
            Value::TextString(s) => (s.len(), matches!(s, Cow::Owned(_))),
            Value::ByteString(b) | Value::BigInteger(b) => (b.len(), matches!(b, Cow::Owned(_))),
            _ => continue,
        };
        census.non_empty_strings += u64::from(len > 0);
        census.owned_strings += u64::from(owned);
    }
    census
}

/// Allocations made by a borrowed decode of `bytes`, and the decoded tree.
fn borrowed_decode(bytes: &[u8]) -> (u64, Item<'_>) {
    let limits = Limits::default();
    let mut decoded = None;
    let info = measure(|| decoded = Some(Item::decode(bytes, &limits).expect("decodes")));
    (info.count_total, decoded.expect("measured closure ran"))
}

/// Allocations made by an owned decode of `bytes` (the tree is dropped outside the count).
fn owned_decode(bytes: &[u8]) -> u64 {
    let limits = Limits::default();
    let mut decoded = None;
    let info = measure(|| decoded = Some(Item::from_bytes(bytes, &limits).expect("decodes")));
    drop(decoded);
    info.count_total
}

#[test]
fn borrowed_decode_of_locate_1000_allocates_one_vec_per_structure_and_nothing_per_string() {
    let bytes = load("bench/locate-1000.resp.hex");
    let (borrowed, tree) = borrowed_decode(&bytes);
    let census = census(&tree);

    // ResponseMessage, ResponseHeader, ProtocolVersion, BatchItem, ResponsePayload.
    assert_eq!(census.non_empty_structures, 5);
    let payload = tree
        .child(Tag::BatchItem)
        .and_then(|b| b.child(Tag::ResponsePayload))
        .expect("a Locate payload");
    assert_eq!(payload.children_with(Tag::UniqueIdentifier).count(), 1000);
    assert!(census.non_empty_strings >= 1000);

    assert_eq!(
        borrowed, census.non_empty_structures,
        "a borrowed decode allocates exactly one Vec per non-empty structure"
    );
    assert_eq!(
        census.owned_strings, 0,
        "every string borrows from the input"
    );

    let owned = owned_decode(&bytes);
    assert!(
        owned > borrowed,
        "owned decode ({owned}) must allocate more than borrowed ({borrowed})"
    );
    assert!(
        owned >= census.non_empty_structures + census.non_empty_strings,
        "owned decode copies each of the {} non-empty strings, made {owned} allocations",
        census.non_empty_strings
    );
}

/// Every capture: strings never allocate, and structures allocate one `Vec` each, plus at most
/// two growths of that `Vec` in a structure holding an empty Structure.
///
/// The decoder sizes each children `Vec` at one child per 16 bytes of content, the least a child
/// with a value takes; an empty Structure child is only its 8-byte header, so a structure holding
/// one can have more children than that estimate (at most twice it plus one) and its `Vec` grows,
/// once or twice. Where no structure holds an empty one, the count is exact.
#[test]
fn borrowed_decode_allocates_only_structure_vecs_for_every_capture() {
    let mut files: Vec<String> = ["pykmip-0.11", "bench"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(vectors().join(dir))
                .expect("vector directory")
                .map(move |e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
        })
        .filter(|name| name.ends_with(".hex"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 62,
        "the 60 PyKMIP captures and the two bench messages"
    );

    let mut exact = 0;
    for file in &files {
        let bytes = load(file);
        let (borrowed, tree) = borrowed_decode(&bytes);
        let census = census(&tree);
        assert_eq!(
            census.owned_strings, 0,
            "{file}: strings borrow from the input"
        );
        let most = census.non_empty_structures + 2 * census.holding_empty_structures;
        assert!(
            (census.non_empty_structures..=most).contains(&borrowed),
            "{file}: {borrowed} allocations, expected {} to {most} for {} non-empty structures",
            census.non_empty_structures,
            census.non_empty_structures,
        );
        if census.holding_empty_structures == 0 {
            assert_eq!(
                borrowed, census.non_empty_structures,
                "{file}: one Vec per structure"
            );
            exact += 1;
        }
        let owned = owned_decode(&bytes);
        assert!(
            owned >= borrowed + census.non_empty_strings,
            "{file}: an owned decode copies each of the {} non-empty strings, made {owned} \
             allocations against {borrowed} borrowed",
            census.non_empty_strings
        );
    }
    assert!(
        exact >= files.len() / 2,
        "most captures hold no empty structure"
    );
}

/// Prints allocations per decode for the benchmarked messages, kmipkit's three levels beside
/// kmip-ttlv/kmip-protocol (`cargo test -p kmipkit --test zero_copy_alloc -- --nocapture`);
/// BENCHMARKS.md quotes it. Only kmipkit's own ordering is asserted.
#[test]
fn allocations_per_decode_report() {
    let messages = [
        (
            "create-request",
            "pykmip-0.11/03-create-aes256.req.hex",
            true,
        ),
        (
            "get-response",
            "pykmip-0.11/04-get-symmetric.resp.hex",
            false,
        ),
        (
            "get-attributes-response",
            "bench/05-get-attributes-nodate.resp.hex",
            false,
        ),
        ("locate-1000-response", "bench/locate-1000.resp.hex", false),
    ];
    let limits = Limits::default();
    let mut report = String::from(
        "message                  bytes  tree-borrowed  tree-owned  typed  kmip-ttlv/kmip-protocol\n",
    );
    for (name, file, request) in messages {
        let bytes = load(file);
        let (borrowed, _) = borrowed_decode(&bytes);
        let owned = owned_decode(&bytes);
        assert!(borrowed < owned, "{name}");

        let mut typed_ok = false;
        let typed = measure(|| {
            typed_ok = if request {
                RequestMessage::from_bytes(&bytes, &limits).is_ok()
            } else {
                ResponseMessage::from_bytes(&bytes, &limits).is_ok()
            };
        });
        assert!(typed_ok, "{name} decodes into the typed model");
        let typed = typed.count_total.to_string();

        let theirs = if request {
            "n/a".to_string() // kmip-protocol's request types only serialize
        } else {
            let mut ok = false;
            let info = measure(|| {
                ok = kmip_ttlv::from_slice::<kmip_protocol::types::response::ResponseMessage>(
                    &bytes,
                )
                .is_ok();
            });
            if ok {
                info.count_total.to_string()
            } else {
                "n/a".into()
            }
        };
        report.push_str(&format!(
            "{name:<24} {:>5}  {borrowed:>13}  {owned:>10}  {typed:>5}  {theirs:>23}\n",
            bytes.len()
        ));
    }
    println!("allocations per decode:\n{report}");
}
