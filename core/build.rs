//! Generates the KMIP specification tables (`kmipkit::spec`) from `spec/kmip.spec`.
//!
//! The table format is described at the top of `spec/kmip.spec`. This generator parses it by hand
//! (no build dependencies), checks it (unique names and values, known item types, every
//! enumeration-typed tag has an enumeration) and writes `kmip_spec.rs` into `OUT_DIR`, which
//! `src/spec/tables.rs` includes. Any inconsistency in the table fails the build with its line number.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::{env, fs, path::Path};

const TABLE: &str = "spec/kmip.spec";
const VERSIONS: [&str; 7] = ["1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1"];
const ITEM_TYPES: &str = "Structure Integer LongInteger BigInteger Enumeration Boolean TextString \
    ByteString DateTime Interval DateTimeExtended";

/// A version range as indexes into `VERSIONS`.
type Range = (usize, usize);

struct TagRow {
    name: String,
    value: u32,
    /// Empty means any item type.
    types: Vec<(String, Range)>,
    versions: Range,
    enumeration: Option<String>,
    mask: Option<String>,
}

struct EnumRow {
    name: String,
    is_mask: bool,
    values: Vec<(String, u32, Range)>,
}

struct AttrRow {
    name: String,
    tag: String,
    versions: Range,
}

#[derive(Default)]
struct Table {
    tags: Vec<TagRow>,
    enums: Vec<EnumRow>,
    attrs: Vec<AttrRow>,
}

fn main() {
    println!("cargo:rerun-if-changed={TABLE}");
    println!("cargo:rerun-if-changed=build.rs");
    // The repository's README holds doc tests too; the published crate has only its own README.
    println!("cargo::rustc-check-cfg=cfg(kmipkit_repository)");
    if Path::new("../README.md").is_file() && Path::new("../core/build.rs").is_file() {
        println!("cargo:rerun-if-changed=../README.md");
        println!("cargo::rustc-cfg=kmipkit_repository");
    }
    let text = fs::read_to_string(TABLE).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let table = parse(&text).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    check(&table).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("kmip_spec.rs");
    fs::write(&out, generate(&table)).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

fn parse(text: &str) -> Result<Table, String> {
    let mut table = Table::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", index + 1);
        let fields: Vec<&str> = line.split_whitespace().collect();
        if raw.starts_with(char::is_whitespace) {
            let current = table
                .enums
                .last_mut()
                .ok_or_else(|| at("value outside enum".into()))?;
            let [name, value, versions] = fields[..] else {
                return Err(at("expected: NAME 0xVALUE VERSIONS".into()));
            };
            current.values.push((
                name.into(),
                hex(value).map_err(at)?,
                range(versions).map_err(at)?,
            ));
            continue;
        }
        match fields[0] {
            "tag" => table.tags.push(tag_row(&fields[1..]).map_err(at)?),
            "enum" | "mask" => {
                let [_, name] = fields[..] else {
                    return Err(at("expected: enum NAME".into()));
                };
                let is_mask = fields[0] == "mask";
                table.enums.push(EnumRow {
                    name: name.into(),
                    is_mask,
                    values: Vec::new(),
                });
            }
            "attribute" => {
                let [_, tag, versions, ..] = fields[..] else {
                    return Err(at("expected: attribute TAG VERSIONS Attribute Name".into()));
                };
                let name = fields[3..].join(" ");
                if name.is_empty() {
                    return Err(at("attribute without a name".into()));
                }
                table.attrs.push(AttrRow {
                    name,
                    tag: tag.into(),
                    versions: range(versions).map_err(at)?,
                });
            }
            other => return Err(at(format!("unknown keyword {other:?}"))),
        }
    }
    Ok(table)
}

fn tag_row(fields: &[&str]) -> Result<TagRow, String> {
    let [name, value, types, versions, ref options @ ..] = fields[..] else {
        return Err("expected: tag NAME 0xVALUE TYPES VERSIONS [enum=E] [mask=M]".into());
    };
    let versions = range(versions)?;
    let mut row = TagRow {
        name: name.into(),
        value: hex(value)?,
        types: Vec::new(),
        versions,
        enumeration: None,
        mask: None,
    };
    if types != "Any" {
        for part in types.split('|') {
            let (ty, r) = match part.split_once('@') {
                Some((ty, r)) => (ty, range(r)?),
                None => (part, versions),
            };
            if !ITEM_TYPES.split_whitespace().any(|t| t == ty) {
                return Err(format!("unknown item type {ty:?}"));
            }
            row.types.push((ty.into(), r));
        }
    }
    for option in options {
        match option.split_once('=') {
            Some(("enum", e)) => row.enumeration = Some(e.into()),
            Some(("mask", m)) => row.mask = Some(m.into()),
            _ => return Err(format!("unknown option {option:?}")),
        }
    }
    Ok(row)
}

fn hex(text: &str) -> Result<u32, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| format!("{text:?}: expected 0x..."))?;
    u32::from_str_radix(digits, 16).map_err(|e| format!("{text:?}: {e}"))
}

fn range(text: &str) -> Result<Range, String> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let find = |v: &str| {
        VERSIONS
            .iter()
            .position(|x| *x == v)
            .ok_or(format!("unknown version {v:?}"))
    };
    let r = (find(a)?, find(b)?);
    if r.0 > r.1 {
        return Err(format!("empty version range {text:?}"));
    }
    Ok(r)
}

fn check(t: &Table) -> Result<(), String> {
    let enums: BTreeMap<&str, &EnumRow> = t.enums.iter().map(|e| (e.name.as_str(), e)).collect();
    if enums.len() != t.enums.len() || enums.contains_key("Tag") {
        return Err("duplicate enumeration name (or a hand-written \"Tag\" enumeration)".into());
    }
    let (mut names, mut values) = (BTreeSet::new(), BTreeSet::new());
    for tag in &t.tags {
        if !names.insert(&tag.name) || !values.insert(tag.value) {
            return Err(format!("duplicate tag {} {:#08X}", tag.name, tag.value));
        }
        let is_enum = tag.types.iter().any(|(ty, _)| ty == "Enumeration");
        let known = |e: &str| e == "Tag" || enums.get(e).is_some_and(|e| !e.is_mask);
        match (&tag.enumeration, is_enum) {
            (Some(e), true) if known(e) => {}
            (None, true) if known(&tag.name) => {}
            (None, false) => {}
            _ => return Err(format!("tag {}: bad or missing enumeration", tag.name)),
        }
        if let Some(m) = &tag.mask
            && !enums.get(m.as_str()).is_some_and(|e| e.is_mask)
        {
            return Err(format!("tag {}: unknown mask {m}", tag.name));
        }
    }
    for e in &t.enums {
        let mut seen = BTreeSet::new();
        for (name, _, _) in &e.values {
            if !seen.insert(name) {
                return Err(format!(
                    "enumeration {}: duplicate value name {name}",
                    e.name
                ));
            }
        }
    }
    let mut attrs = BTreeSet::new();
    for a in &t.attrs {
        if !names.contains(&a.tag) || !attrs.insert(&a.name) {
            return Err(format!(
                "attribute {:?}: unknown tag or duplicate name",
                a.name
            ));
        }
    }
    Ok(())
}

fn ident(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    if matches!(id.as_str(), "Self" | "INFO") {
        id.push('_');
    }
    id
}

fn version_range(r: Range) -> String {
    let v = |i: usize| format!("ProtocolVersion::V{}", VERSIONS[i].replace('.', "_"));
    format!("VersionRange {{ first: {}, last: {} }}", v(r.0), v(r.1))
}

fn enum_static(name: &str) -> String {
    format!("ENUM_{}", name.to_ascii_uppercase())
}

/// The `EnumInfo` static for one enumeration: values sorted by value (ties: the name defined up to
/// the newest version first, then table order), plus an index sorted by name.
fn write_enum_info(out: &mut String, name: &str, is_mask: bool, values: &[(String, u32, Range)]) {
    let mut sorted: Vec<&(String, u32, Range)> = values.iter().collect();
    sorted.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.1.cmp(&a.2.1)));
    let mut by_name: Vec<usize> = (0..sorted.len()).collect();
    by_name.sort_by(|&a, &b| sorted[a].0.cmp(&sorted[b].0));
    let _ = writeln!(
        out,
        "pub(super) static {}: EnumInfo = EnumInfo {{",
        enum_static(name)
    );
    let _ = writeln!(
        out,
        "    name: {name:?},\n    is_mask: {is_mask},\n    values: &["
    );
    for (n, v, r) in &sorted {
        let _ = writeln!(
            out,
            "        EnumValue {{ name: {n:?}, value: {v:#010X}, versions: {} }},",
            version_range(*r)
        );
    }
    let _ = writeln!(out, "    ],\n    by_name: &{by_name:?},\n}};\n");
}

fn generate(t: &Table) -> String {
    let mut out =
        String::from("// @generated by core/build.rs from core/spec/kmip.spec. Do not edit.\n\n");
    let mut tags: Vec<&TagRow> = t.tags.iter().collect();
    tags.sort_by_key(|tag| tag.value);

    out.push_str("impl Tag {\n");
    for tag in &tags {
        let _ = writeln!(
            out,
            "    /// `{}` ({:#08X}), KMIP {}.\n    pub const {}: Tag = Tag({:#08X});",
            tag.name,
            tag.value,
            display_range(tag.versions),
            ident(&tag.name),
            tag.value
        );
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "pub(super) static TAGS: [TagInfo; {}] = [", tags.len());
    for tag in &tags {
        let types: Vec<String> = tag
            .types
            .iter()
            .map(|(ty, _)| format!("TtlvItemType::{ty}"))
            .collect();
        let typed: Vec<String> = tag
            .types
            .iter()
            .map(|(ty, r)| format!("(TtlvItemType::{ty}, {})", version_range(*r)))
            .collect();
        let is_enum = tag.types.iter().any(|(ty, _)| ty == "Enumeration");
        let enumeration = match (&tag.enumeration, is_enum) {
            (Some(e), _) => format!("Some(&{})", enum_static(e)),
            (None, true) => format!("Some(&{})", enum_static(&tag.name)),
            (None, false) => "None".into(),
        };
        let mask = tag
            .mask
            .as_ref()
            .map_or("None".into(), |m| format!("Some(&{})", enum_static(m)));
        let _ = writeln!(
            out,
            "    TagInfo {{ tag: Tag({:#08X}), name: {:?}, types: &[{}], versions: {}, enumeration: {enumeration}, mask: {mask}, typed: &[{}] }},",
            tag.value,
            tag.name,
            types.join(", "),
            version_range(tag.versions),
            typed.join(", ")
        );
    }
    out.push_str("];\n\n");

    let mut by_name: Vec<usize> = (0..tags.len()).collect();
    by_name.sort_by(|&a, &b| tags[a].name.cmp(&tags[b].name));
    let _ = writeln!(
        out,
        "pub(super) static TAGS_BY_NAME: [u16; {}] = {by_name:?};\n",
        tags.len()
    );

    let tag_values: Vec<(String, u32, Range)> = tags
        .iter()
        .map(|tag| (tag.name.clone(), tag.value, tag.versions))
        .collect();
    write_enum_info(&mut out, "Tag", false, &tag_values);
    for e in &t.enums {
        write_enum_info(&mut out, &e.name, e.is_mask, &e.values);
        let macro_name = if e.is_mask { "kmip_mask" } else { "kmip_enum" };
        let _ = writeln!(
            out,
            "{macro_name}! {{\n    /// The KMIP `{}` {}.",
            e.name,
            if e.is_mask { "mask" } else { "enumeration" }
        );
        let _ = writeln!(out, "    {}, {} {{", ident(&e.name), enum_static(&e.name));
        for (name, value, r) in &e.values {
            let _ = writeln!(
                out,
                "        /// `{name}` ({value:#010X}), KMIP {}.",
                display_range(*r)
            );
            let _ = writeln!(out, "        {} = {value:#010X},", ident(name));
        }
        out.push_str("    }\n}\n\n");
    }

    // Lets other modules implement their traits for every newtype without `spec` knowing them.
    out.push_str(
        "/// Calls `$m!(enums: A, B, ...; masks: X, Y, ...)` with every generated newtype.\n",
    );
    out.push_str("macro_rules! for_each_enumeration {\n    ($m:ident) => {\n        $m!(enums:");
    let list = |masks: bool| {
        t.enums
            .iter()
            .filter(|e| e.is_mask == masks)
            .map(|e| ident(&e.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        out,
        " {}; masks: {});\n    }};\n}}\n\n",
        list(false),
        list(true)
    );

    let mut enum_names: Vec<&str> = t
        .enums
        .iter()
        .map(|e| e.name.as_str())
        .chain(["Tag"])
        .collect();
    enum_names.sort_unstable();
    let _ = writeln!(
        out,
        "pub(super) static ENUMS: [&EnumInfo; {}] = [",
        enum_names.len()
    );
    for name in enum_names {
        let _ = writeln!(out, "    &{},", enum_static(name));
    }
    out.push_str("];\n\n");

    let mut attrs: Vec<&AttrRow> = t.attrs.iter().collect();
    attrs.sort_by(|a, b| a.name.cmp(&b.name));
    let _ = writeln!(
        out,
        "pub(super) static ATTRIBUTES: [AttributeInfo; {}] = [",
        attrs.len()
    );
    for a in &attrs {
        let _ = writeln!(
            out,
            "    AttributeInfo {{ name: {:?}, tag: Tag::{}, versions: {} }},",
            a.name,
            ident(&a.tag),
            version_range(a.versions)
        );
    }
    out.push_str("];\n");
    let mut by_tag: Vec<usize> = (0..attrs.len()).collect();
    let tag_value = |name: &str| {
        t.tags
            .iter()
            .find(|tag| tag.name == name)
            .map_or(0, |tag| tag.value)
    };
    by_tag.sort_by_key(|&i| {
        (
            tag_value(&attrs[i].tag),
            std::cmp::Reverse(attrs[i].versions.1),
            i,
        )
    });
    let _ = writeln!(
        out,
        "pub(super) static ATTRIBUTES_BY_TAG: [u16; {}] = {by_tag:?};",
        attrs.len()
    );
    out
}

fn display_range(r: Range) -> String {
    if r.0 == r.1 {
        VERSIONS[r.0].to_string()
    } else {
        format!("{}–{}", VERSIONS[r.0], VERSIONS[r.1])
    }
}
