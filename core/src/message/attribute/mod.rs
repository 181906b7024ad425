//! One typed attribute model, written as KMIP 1.x name/value pairs or as 2.x tagged items.
//!
//! KMIP 1.x carries an attribute as `Attribute { AttributeName, AttributeIndex?, AttributeValue }`
//! inside a `TemplateAttribute` (or directly in a payload); KMIP 2.x writes the value under the
//! attribute's own tag inside an `Attributes` structure. [`Attribute`] is the value either way;
//! the [`Ctx`](super::Ctx) protocol version picks the shape when encoding, and decoding accepts both.
//!
//! - this file: the [`Attribute`] enumeration of typed attributes and [`CustomAttribute`];
//! - `entry.rs`: one attribute in either shape ([`AttributeEntry`]);
//! - `set.rs`: a set of attributes as a payload member ([`Attributes`]);
//! - `reference.rs`: naming an attribute without its value ([`AttributeReference`]);
//! - `named.rs`: an attribute from a name and a plain value, and printed as name and text.

mod entry;
mod named;
mod plain_set;
mod reference;
mod set;

pub use entry::AttributeEntry;
pub use plain_set::usage_mask_from_plain;
pub use reference::AttributeReference;
pub use set::Attributes;

use std::borrow::Cow;

use super::attribute_values::*;
use super::codec::{Bytes, Ctx, DateTime, Field, Interval};
use crate::error::Result;
use crate::spec::{
    self, CertificateType, CryptographicAlgorithm, CryptographicUsageMask,
    DigitalSignatureAlgorithm, KeyFormatType, ObjectGroupMember, ObjectType, State, Tag,
};
use crate::ttlv::{Item, Value};

macro_rules! attributes {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty), )*) => {
        /// A managed object's attribute, typed by its tag.
        ///
        /// ```
        /// use kmipkit::message::{Attribute, Name};
        /// use kmipkit::spec::CryptographicAlgorithm;
        /// let attrs = [Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES),
        ///              Attribute::CryptographicLength(256), Attribute::Name(Name::text("k1"))];
        /// assert_eq!(attrs[1].tag(), kmipkit::spec::Tag::CryptographicLength);
        /// ```
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(non_camel_case_types)] // variants carry the specification's tag names
        pub enum Attribute {
            $( $(#[$doc])* $variant($ty), )*
            /// An attribute without a typed variant here: a vendor (`x-`/`y-`) attribute,
            /// a 2.x vendor `Attribute`, or a specification attribute kept as its item.
            Custom(CustomAttribute),
        }

        impl Attribute {
            /// The tag of the attribute's value (KMIP 2.x writes the value under it).
            pub fn tag(&self) -> Tag {
                match self {
                    $( Self::$variant(_) => Tag::$variant, )*
                    Self::Custom(c) => c.tag.unwrap_or(Tag::Attribute),
                }
            }

            fn value_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
                match self {
                    $( Self::$variant(v) => v.to_item(tag, ctx), )*
                    Self::Custom(c) => match &c.value {
                        Some(v) => Item { tag, value: v.value.clone() },
                        // Only reached for a valueless attribute written in 2.x shape.
                        None => Item::structure(tag, Vec::new()),
                    },
                }
            }

            /// Reads a typed value whose meaning is given by `tag` (from the 2.x tag or 1.x name).
            fn typed(tag: Tag, item: &Item<'_>, ctx: &Ctx) -> Option<Result<Self>> {
                $( if tag == Tag::$variant {
                    return Some(<$ty>::from_item(item, ctx).map(Self::$variant));
                } )*
                None
            }
        }
    };
}

attributes! {
    /// Unique Identifier of the object.
    UniqueIdentifier(String),
    /// A Name of the object.
    Name(Name),
    /// Object Type.
    ObjectType(ObjectType),
    /// Cryptographic Algorithm.
    CryptographicAlgorithm(CryptographicAlgorithm),
    /// Cryptographic Length in bits.
    CryptographicLength(i32),
    /// Cryptographic Parameters.
    CryptographicParameters(CryptographicParameters),
    /// Cryptographic Domain Parameters.
    CryptographicDomainParameters(CryptographicDomainParameters),
    /// Certificate Type.
    CertificateType(CertificateType),
    /// Certificate Length.
    CertificateLength(i32),
    /// X.509 Certificate Identifier.
    X_509CertificateIdentifier(X509CertificateIdentifier),
    /// X.509 Certificate Subject.
    X_509CertificateSubject(X509CertificateSubject),
    /// X.509 Certificate Issuer.
    X_509CertificateIssuer(X509CertificateIssuer),
    /// Certificate Identifier (KMIP 1.0).
    CertificateIdentifier(CertificateIdentifier),
    /// Certificate Subject (KMIP 1.0).
    CertificateSubject(CertificateSubject),
    /// Certificate Issuer (KMIP 1.0).
    CertificateIssuer(CertificateIssuer),
    /// Digital Signature Algorithm.
    DigitalSignatureAlgorithm(DigitalSignatureAlgorithm),
    /// Digest.
    Digest(Digest),
    /// Operation Policy Name.
    OperationPolicyName(String),
    /// Cryptographic Usage Mask.
    CryptographicUsageMask(CryptographicUsageMask),
    /// Lease Time.
    LeaseTime(Interval),
    /// Usage Limits.
    UsageLimits(UsageLimits),
    /// State.
    State(State),
    /// Initial Date.
    InitialDate(DateTime),
    /// Activation Date.
    ActivationDate(DateTime),
    /// Process Start Date.
    ProcessStartDate(DateTime),
    /// Protect Stop Date.
    ProtectStopDate(DateTime),
    /// Deactivation Date.
    DeactivationDate(DateTime),
    /// Destroy Date.
    DestroyDate(DateTime),
    /// Compromise Occurrence Date.
    CompromiseOccurrenceDate(DateTime),
    /// Compromise Date.
    CompromiseDate(DateTime),
    /// Revocation Reason.
    RevocationReason(RevocationReason),
    /// Archive Date.
    ArchiveDate(DateTime),
    /// Object Group.
    ObjectGroup(String),
    /// Fresh.
    Fresh(bool),
    /// Link.
    Link(Link),
    /// Application Specific Information.
    ApplicationSpecificInformation(ApplicationSpecificInformation),
    /// Contact Information.
    ContactInformation(String),
    /// Last Change Date.
    LastChangeDate(DateTime),
    /// Alternative Name.
    AlternativeName(AlternativeName),
    /// Key Value Present.
    KeyValuePresent(bool),
    /// Key Value Location.
    KeyValueLocation(KeyValueLocation),
    /// Original Creation Date.
    OriginalCreationDate(DateTime),
    /// Sensitive.
    Sensitive(bool),
    /// Always Sensitive.
    AlwaysSensitive(bool),
    /// Extractable.
    Extractable(bool),
    /// Never Extractable.
    NeverExtractable(bool),
    /// Description.
    Description(String),
    /// Comment.
    Comment(String),
    /// Key Format Type (KMIP 2.0 attribute).
    KeyFormatType(KeyFormatType),
    /// Object Group Member.
    ObjectGroupMember(ObjectGroupMember),
    /// Short Unique Identifier (KMIP 2.0).
    ShortUniqueIdentifier(Bytes),
    /// Quantum Safe (KMIP 2.0).
    QuantumSafe(bool),
    /// PKCS#12 Friendly Name.
    PKCS_12FriendlyName(String),
}

/// An attribute kept without a typed variant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CustomAttribute {
    /// The 2.x tag of the value, when it is a specification attribute without a typed variant.
    pub tag: Option<Tag>,
    /// Vendor Identification (2.x vendor attributes).
    pub vendor_identification: Option<String>,
    /// The attribute name (1.x name, or 2.x vendor attribute name).
    pub name: String,
    /// The value, as an item tagged `AttributeValue`; absent when a 1.x message names the
    /// attribute without a value.
    pub value: Option<Item<'static>>,
}

impl Attribute {
    /// The attribute's value as plain JSON ([`crate::ttlv::json::plain`]): numbers as numbers,
    /// enumerations by name, a structure such as Application Specific Information as an object
    /// of its fields. For reports (the CLI's `--json`) and bindings.
    ///
    /// ```
    /// use kmipkit::message::{Attribute, Name};
    /// let name = Attribute::Name(Name::text("orders"));
    /// assert_eq!(name.value_json(), serde_json::json!(
    ///     {"NameValue": "orders", "NameType": "UninterpretedTextString"}));
    /// assert_eq!(Attribute::CryptographicLength(256).value_json(), 256);
    /// ```
    pub fn value_json(&self) -> serde_json::Value {
        let ctx = Ctx::new(spec::ProtocolVersion::V2_0);
        crate::ttlv::json::plain(&self.value_item(self.tag(), &ctx))
    }
}

impl CustomAttribute {
    /// A vendor attribute such as `x-department` with a text value.
    ///
    /// ```
    /// let a = kmipkit::message::CustomAttribute::text("x-department", "payments");
    /// assert_eq!(a.name, "x-department");
    /// ```
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            tag: None,
            vendor_identification: None,
            name: name.into(),
            value: Some(Item::new(
                Tag::AttributeValue,
                Value::TextString(Cow::Owned(value.into())),
            )),
        }
    }
}

/// The tag an attribute name stands for: a 1.x attribute name ("Cryptographic Algorithm"), or,
/// for attributes that have none, the tag's own name or hex form as kmipkit writes it.
fn tag_for_name(name: &str) -> Option<Tag> {
    spec::attribute_tag(name)
        .or_else(|| Tag::from_name(name))
        .or_else(|| {
            // The hex form `Tag`'s Debug writes for tags without a name: "0x54000A".
            let hex = name.strip_prefix("0x")?;
            let canonical =
                (6..=8).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
            canonical
                .then(|| u32::from_str_radix(hex, 16).ok().map(Tag))
                .flatten()
        })
}
