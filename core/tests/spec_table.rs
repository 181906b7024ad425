//! Checks the generated specification tables against the specification and the OASIS XML test cases.

use std::path::{Path, PathBuf};

use kmipkit::spec::{
    self, BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, EnumInfo,
    HashingAlgorithm, ObjectType, Operation, ProtocolVersion, ResultReason, ResultStatus,
    StorageStatusMask, Tag,
};
use kmipkit::ttlv::ItemType;

#[test]
fn spec_spot_checks() {
    assert_eq!(Tag::ActivationDate, Tag(0x420001));
    assert_eq!(Tag::UniqueIdentifier, Tag(0x420094));
    assert_eq!(Tag::Attributes, Tag(0x420125));
    assert_eq!(Tag::ProtocolVersionMajor, Tag(0x42006A));
    assert_eq!(Tag::PKCS_11Function, Tag(0x42015A));
    assert_eq!(Operation::Create, Operation(0x01));
    assert_eq!(Operation::DiscoverVersions, Operation(0x1E));
    assert_eq!(ResultStatus::OperationFailed, ResultStatus(0x01));
    assert_eq!(ResultReason::ItemNotFound, ResultReason(0x01));
    assert_eq!(ResultReason::OperationNotSupported, ResultReason(0x05));
    assert_eq!(CryptographicAlgorithm::AES, CryptographicAlgorithm(0x03));
    assert_eq!(ObjectType::SymmetricKey, ObjectType(0x02));
    assert_eq!(BlockCipherMode::GCM, BlockCipherMode(0x09));
    assert_eq!(HashingAlgorithm::SHA_256, HashingAlgorithm(0x06));
    assert_eq!(
        CryptographicUsageMask::Encrypt,
        CryptographicUsageMask(0x04)
    );
    assert_eq!(
        CryptographicUsageMask::Decrypt,
        CryptographicUsageMask(0x08)
    );
    assert_eq!(StorageStatusMask::ArchivalStorage, StorageStatusMask(0x02));
    assert_eq!(
        spec::attribute_tag("Cryptographic Algorithm"),
        Some(Tag::CryptographicAlgorithm)
    );
    assert_eq!(spec::attribute_tag("x-custom"), None);
    assert_eq!(
        spec::attribute_name(Tag::CryptographicUsageMask),
        Some("Cryptographic Usage Mask")
    );
}

#[test]
fn spec_kmip_2_1_additions() {
    let info = Tag::RotateInterval.info().unwrap();
    assert_eq!(Tag::RotateInterval, Tag(0x42016A));
    assert_eq!(info.types, [ItemType::Interval]);
    assert_eq!(info.versions.first, ProtocolVersion::V2_1);
    assert!(!info.versions.contains(ProtocolVersion::V2_0));
    assert_eq!(Operation::Ping, Operation(0x3B));
    assert!(
        Operation::INFO
            .entry(0x3B)
            .unwrap()
            .versions
            .contains(ProtocolVersion::V2_1)
    );
    assert!(
        !Operation::INFO
            .entry(0x3B)
            .unwrap()
            .versions
            .contains(ProtocolVersion::V2_0)
    );
}

#[test]
fn spec_tag_enumeration_and_lookups() {
    let tags = spec::enumeration("Tag").unwrap();
    assert!(std::ptr::eq(tags, Tag::INFO));
    assert_eq!(tags.name_of(0x420001), Some("ActivationDate"));
    assert_eq!(tags.value_of("UniqueIdentifier"), Some(0x420094));
    assert_eq!(
        Tag::AttributeReference
            .info()
            .unwrap()
            .enumeration
            .unwrap()
            .name,
        "Tag"
    );
    assert_eq!(
        Tag::MaskGeneratorHashingAlgorithm
            .info()
            .unwrap()
            .enumeration
            .unwrap()
            .name,
        "HashingAlgorithm"
    );
    assert_eq!(
        Tag::CryptographicUsageMask
            .info()
            .unwrap()
            .mask
            .unwrap()
            .name,
        "CryptographicUsageMask"
    );
    assert_eq!(
        Tag::from_name("ProtocolVersionMajor"),
        Some(Tag::ProtocolVersionMajor)
    );
    assert_eq!(Tag::from_name("NoSuchTag"), None);
    assert_eq!(format!("{:?}", Tag(0x54000A)), "0x54000A");
    assert!(Tag(0x54000A).is_extension() && !Tag::Name.is_extension());
    for (i, info) in spec::tags().iter().enumerate() {
        assert_eq!(Tag::from_name(info.name), Some(info.tag), "{}", info.name);
        assert_eq!(tags.entry(info.tag.0).map(|v| v.name), Some(info.name));
        assert!(i == 0 || spec::tags()[i - 1].tag < info.tag);
    }
    for e in spec::enumerations() {
        assert!(std::ptr::eq(spec::enumeration(e.name).unwrap(), *e));
        for v in e.values {
            assert_eq!(e.value_of(v.name), Some(v.value), "{}.{}", e.name, v.name);
        }
    }
}

#[test]
fn spec_polymorphic_and_version_dependent_types() {
    let async_indicator = Tag::AsynchronousIndicator.info().unwrap();
    assert_eq!(
        async_indicator.item_type_in(ProtocolVersion::V1_4),
        Some(ItemType::Boolean)
    );
    assert_eq!(
        async_indicator.item_type_in(ProtocolVersion::V2_0),
        Some(ItemType::Enumeration)
    );
    assert!(
        Tag::AttributeValue
            .info()
            .unwrap()
            .allows(ItemType::DateTime)
    );
    let key_material = Tag::KeyMaterial.info().unwrap();
    assert!(key_material.allows(ItemType::ByteString) && key_material.allows(ItemType::Structure));
    assert!(!key_material.allows(ItemType::Integer));
    let uid = Tag::UniqueIdentifier.info().unwrap();
    assert!(!uid.allows_in(ItemType::Enumeration, ProtocolVersion::V1_4));
    assert!(uid.allows_in(ItemType::Enumeration, ProtocolVersion::V2_0));
}

#[test]
fn spec_newtypes_print_names_and_keep_unknown_values() {
    assert_eq!(CryptographicAlgorithm::AES.to_string(), "AES");
    assert_eq!(
        format!("{:?}", CryptographicAlgorithm(0x8000_0001)),
        "0x80000001"
    );
    assert_eq!(
        CryptographicAlgorithm::from_name("AES"),
        Some(CryptographicAlgorithm::AES)
    );
    assert_eq!(u32::from(ObjectType::SymmetricKey), 2);
    let mask = CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt;
    assert!(mask.contains(CryptographicUsageMask::Encrypt));
    assert!(!mask.contains(CryptographicUsageMask::Sign));
    assert_eq!(
        mask.names().collect::<Vec<_>>(),
        [Ok("Encrypt"), Ok("Decrypt")]
    );
    assert_eq!(
        format!("{:?}", mask | CryptographicUsageMask(0x4000_0000)),
        "Encrypt|Decrypt|0x40000000"
    );
    assert_eq!(CryptographicUsageMask::default().to_string(), "0");
}

#[test]
fn spec_every_name_in_the_oasis_xml_test_cases_resolves() {
    let dirs = vector_dirs();
    assert!(
        !dirs.is_empty(),
        "no OASIS XML test cases found (conformance/vectors/oasis-xml)"
    );
    let (mut files, mut failures) = (0, Vec::new());
    for dir in dirs {
        for file in xml_files(&dir) {
            files += 1;
            let text = std::fs::read_to_string(&file).unwrap();
            for problem in check_file(&text) {
                failures.push(format!("{}: {problem}", file.display()));
            }
        }
    }
    assert!(files > 0);
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} unresolved names:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Directories with OASIS KMIP XML test cases: `KMIPKIT_OASIS_XML` (several joined by ':'), else the
/// copies known to this project.
fn vector_dirs() -> Vec<PathBuf> {
    if let Some(dirs) = std::env::var_os("KMIPKIT_OASIS_XML") {
        return std::env::split_paths(&dirs).collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![root.join("../conformance/vectors/oasis-xml")]
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(xml_files(&path));
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every element name must be a tag whose definition allows the element's type in the test case's
/// protocol version (the first `ProtocolVersion` in the file); every named Enumeration value must
/// belong to the tag's enumeration and every named Integer value to its mask (for `AttributeValue`:
/// those of the preceding 1.x `AttributeName`).
fn check_file(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut attribute_name: Option<String> = None;
    let (mut major, mut version) = (None, None);
    for element in text.split('<').skip(1) {
        let Some(end) = element.find('>') else {
            continue;
        };
        let element = &element[..end];
        if element.starts_with(['/', '?', '!']) {
            continue;
        }
        let name = element
            .split([' ', '/', '\t', '\n', '\r'])
            .next()
            .unwrap_or("");
        if matches!(name, "KMIP" | "KmipTestCase") {
            continue;
        }
        let Some(tag) = Tag::from_name(name) else {
            problems.push(format!("unknown tag {name}"));
            continue;
        };
        let ty = attr(element, "type").unwrap_or("Structure");
        let info = tag.info().unwrap();
        let allowed = match (ItemType::from_name(ty), version) {
            (Some(t), Some(v)) => info.allows_in(t, v),
            (Some(t), None) => info.allows(t),
            (None, _) => false,
        };
        if !allowed {
            problems.push(format!("{name}: type {ty} not allowed in {version:?}"));
        }
        let Some(value) = attr(element, "value") else {
            continue;
        };
        match tag {
            Tag::AttributeName => attribute_name = Some(value.to_owned()),
            Tag::ProtocolVersionMajor if version.is_none() => major = value.parse().ok(),
            Tag::ProtocolVersionMinor if version.is_none() => {
                version = major
                    .zip(value.parse().ok())
                    .map(|(a, b)| ProtocolVersion::new(a, b));
            }
            _ => {}
        }
        let numeric =
            value.starts_with("0x") || value.parse::<i64>().is_ok() || value.starts_with('$');
        if numeric || !matches!(ty, "Enumeration" | "Integer") {
            continue;
        }
        let described = match tag {
            Tag::AttributeValue => attribute_name.as_deref().and_then(spec::attribute_tag),
            _ => Some(tag),
        };
        let info = described.and_then(Tag::info);
        let table: Option<&EnumInfo> = match ty {
            "Enumeration" => info.and_then(|i| i.enumeration),
            _ => info.and_then(|i| i.mask),
        };
        let Some(table) = table else {
            problems.push(format!("{name} {ty} {value:?}: no enumeration or mask"));
            continue;
        };
        for word in value.split_whitespace() {
            if table.value_of(word).is_none() {
                problems.push(format!("{name}: {word:?} is not in {}", table.name));
            }
        }
    }
    problems
}

fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

/// Command lines name values in kebab-case and read any case and separator: every kebab name
/// reads back as its value, in every enumeration, unless two values collide once case and
/// separators are ignored (none do in the enumerations the CLI and Python take).
#[test]
fn spec_kebab_names_read_back() {
    use kmipkit::spec::{EnumInfo, ObjectType, RevocationReasonCode, State, kebab_case};
    let mut ambiguous = Vec::new();
    for info in kmipkit::spec::enumerations() {
        for v in info.values {
            match info.value_of_loose(&kebab_case(v.name)) {
                Some(value) => assert_eq!(value, v.value, "{}::{}", info.name, v.name),
                None => ambiguous.push(format!("{}::{}", info.name, v.name)),
            }
            assert_eq!(
                info.value_of_loose(v.name),
                info.value_of_loose(&kebab_case(v.name))
            );
        }
    }
    let used: [&EnumInfo; 3] = [State::INFO, ObjectType::INFO, RevocationReasonCode::INFO];
    for info in used {
        assert!(
            !ambiguous
                .iter()
                .any(|a| a.starts_with(&format!("{}::", info.name))),
            "{ambiguous:?}"
        );
    }
    assert_eq!(
        State::INFO.kebab_names(),
        [
            "pre-active",
            "active",
            "deactivated",
            "compromised",
            "destroyed",
            "destroyed-compromised"
        ]
    );
    assert_eq!(kebab_case("PGPKey"), "pgp-key");
    assert_eq!(kebab_case("SHA_256"), "sha-256");
    assert_eq!(kebab_case("PKCS_11Function"), "pkcs-11-function");
    assert_eq!(State::INFO.value_of_loose("PRE_ACTIVE"), Some(1));
    assert_eq!(State::INFO.value_of_loose(""), None);
}
