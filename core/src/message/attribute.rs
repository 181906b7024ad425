//! One typed attribute model, written as KMIP 1.x name/value pairs or as 2.x tagged items.
//!
//! KMIP 1.x carries an attribute as `Attribute { AttributeName, AttributeIndex?, AttributeValue }`
//! inside a `TemplateAttribute` (or directly in a payload); KMIP 2.x writes the value under the
//! attribute's own tag inside an `Attributes` structure. [`Attribute`] is the value either way;
//! the [`Ctx`] protocol version picks the shape when encoding, and decoding accepts both.

use std::borrow::Cow;

use super::attribute_values::*;
use super::codec::{
    Bytes, Ctx, DateTime, Field, Interval, Required, Slot, in_parent, tag_name, wrong_type,
};
use crate::error::{Error, Result};
use crate::spec::{
    self, CertificateType, CryptographicAlgorithm, CryptographicUsageMask,
    DigitalSignatureAlgorithm, KeyFormatType, ObjectGroupMember, ObjectType, State, Tag,
};
use crate::ttlv::{Item, ItemType, Value};

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

/// One attribute with its 1.x Attribute Index (absent in 2.x and in most 1.x messages).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeEntry {
    /// The attribute.
    pub attribute: Attribute,
    /// KMIP 1.x Attribute Index, kept as sent.
    pub index: Option<i32>,
}

impl From<Attribute> for AttributeEntry {
    fn from(attribute: Attribute) -> Self {
        Self {
            attribute,
            index: None,
        }
    }
}

impl AttributeEntry {
    /// The 1.x attribute name.
    pub fn name(&self) -> Cow<'static, str> {
        match &self.attribute {
            Attribute::Custom(c) => Cow::Owned(c.name.clone()),
            other => match spec::attribute_name(other.tag()) {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(tag_name(other.tag())),
            },
        }
    }

    /// The 1.x form: `Attribute { AttributeName, AttributeIndex?, AttributeValue }` under `tag`.
    fn to_v1(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        let mut children = Vec::new();
        if let Attribute::Custom(CustomAttribute {
            vendor_identification: Some(v),
            ..
        }) = &self.attribute
        {
            children.push(Item::new(
                Tag::VendorIdentification,
                Value::TextString(v.clone().into()),
            ));
        }
        children.push(Item::new(
            Tag::AttributeName,
            Value::TextString(self.name().into_owned().into()),
        ));
        if let Some(index) = self.index {
            children.push(Item::new(Tag::AttributeIndex, Value::Integer(index)));
        }
        if !matches!(
            &self.attribute,
            Attribute::Custom(CustomAttribute { value: None, .. })
        ) {
            children.push(self.attribute.value_item(Tag::AttributeValue, ctx));
        }
        Item::structure(tag, children)
    }

    /// The 2.x form: the value under its own tag, or an `Attribute` structure for a vendor one.
    fn to_v2(&self, ctx: &Ctx) -> Item<'static> {
        match &self.attribute {
            Attribute::Custom(c) if c.tag.is_none() || c.value.is_none() => {
                self.to_v1(Tag::Attribute, ctx)
            }
            other => other.value_item(other.tag(), ctx),
        }
    }

    fn from_v1(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let Value::Structure(children) = &item.value else {
            return Err(wrong_type(item.tag, ItemType::Structure, item.item_type()));
        };
        let name = match children.iter().find(|c| c.tag == Tag::AttributeName) {
            Some(c) => String::from_item(c, ctx).map_err(|e| in_parent(e, item.tag))?,
            None => return Err(Error::model(tag_name(item.tag), "AttributeName is missing")),
        };
        let vendor_identification =
            match children.iter().find(|c| c.tag == Tag::VendorIdentification) {
                Some(c) => Some(String::from_item(c, ctx).map_err(|e| in_parent(e, item.tag))?),
                None => None,
            };
        let index = match children.iter().find(|c| c.tag == Tag::AttributeIndex) {
            Some(c) => Some(i32::from_item(c, ctx).map_err(|e| in_parent(e, item.tag))?),
            None => None,
        };
        let value = children.iter().find(|c| c.tag == Tag::AttributeValue);
        let known = spec::attribute_tag(&name).filter(|_| vendor_identification.is_none());
        let attribute = match (known, value) {
            (Some(tag), Some(value)) => match Attribute::typed(tag, value, ctx) {
                Some(Ok(typed)) => typed,
                Some(Err(e)) if ctx.strict => return Err(in_parent(e, item.tag)),
                // Lenient: a value of the wrong shape for its name is kept as it came.
                _ => Attribute::Custom(CustomAttribute {
                    tag: Some(tag),
                    vendor_identification: None,
                    name,
                    value: Some(value.clone().into_owned()),
                }),
            },
            // A 1.x attribute may also come without a value (a name-only reference).
            (tag, value) => Attribute::Custom(CustomAttribute {
                tag,
                vendor_identification,
                name,
                value: value.cloned().map(Item::into_owned),
            }),
        };
        Ok(Self { attribute, index })
    }

    fn from_v2(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        if item.tag == Tag::Attribute {
            return Self::from_v1(item, ctx);
        }
        let attribute = match Attribute::typed(item.tag, item, ctx) {
            Some(Ok(typed)) => typed,
            Some(Err(e)) if ctx.strict => return Err(e),
            // Lenient: an unknown attribute, or a value of the wrong shape, is kept as it came.
            _ => Attribute::Custom(CustomAttribute {
                tag: Some(item.tag),
                vendor_identification: None,
                name: spec::attribute_name(item.tag)
                    .map_or_else(|| tag_name(item.tag), str::to_owned),
                value: Some(Item {
                    tag: Tag::AttributeValue,
                    value: item.value.clone().into_owned(),
                }),
            }),
        };
        Ok(attribute.into())
    }
}

/// A single attribute member of a payload (Add/Modify/Set Attribute): 1.x `Attribute`,
/// 2.x `NewAttribute` / `CurrentAttribute` wrapping the tagged value.
impl Required for AttributeEntry {}
impl Field for AttributeEntry {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        if !ctx.v2() && tag == Tag::Attribute {
            return self.to_v1(tag, ctx);
        }
        let tag = if tag == Tag::Attribute {
            Tag::NewAttribute
        } else {
            tag
        };
        match tag {
            Tag::NewAttribute | Tag::CurrentAttribute => {
                Item::structure(tag, vec![self.to_v2(ctx)])
            }
            _ => self.to_v2(ctx),
        }
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match item.tag {
            Tag::Attribute => Self::from_v1(item, ctx),
            Tag::NewAttribute | Tag::CurrentAttribute => match item.children() {
                [one] => Self::from_v2(one, ctx).map_err(|e| in_parent(e, item.tag)),
                _ => Err(Error::model(
                    tag_name(item.tag),
                    "must hold exactly one attribute",
                )),
            },
            _ => Self::from_v2(item, ctx),
        }
    }
}

/// A set of attributes: the one model for 1.x template attributes and 2.x `Attributes`.
///
/// ```
/// use kmipkit::message::{Attribute, Attributes, Name};
/// use kmipkit::spec::CryptographicAlgorithm;
/// let mut attrs = Attributes::default();
/// attrs.push(Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES));
/// attrs.push(Attribute::Name(Name::text("payments-kek")));
/// assert_eq!(attrs.iter().count(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    /// The attributes, in order.
    pub entries: Vec<AttributeEntry>,
    /// KMIP 1.x template names (`TemplateAttribute/Name`), deprecated since 1.3.
    pub template_names: Vec<Name>,
}

impl Attributes {
    /// Appends an attribute.
    pub fn push(&mut self, attribute: Attribute) {
        self.entries.push(attribute.into());
    }

    /// The attributes, without their 1.x indexes.
    pub fn iter(&self) -> impl Iterator<Item = &Attribute> {
        self.entries.iter().map(|e| &e.attribute)
    }

    /// True when there are no attributes and no template names.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.template_names.is_empty()
    }

    /// The 2.x structure tag that replaces a 1.x template tag.
    fn v2_tag(tag: Tag) -> Tag {
        match tag {
            Tag::CommonTemplateAttribute => Tag::CommonAttributes,
            Tag::PrivateKeyTemplateAttribute => Tag::PrivateKeyAttributes,
            Tag::PublicKeyTemplateAttribute => Tag::PublicKeyAttributes,
            Tag::TemplateAttribute | Tag::Attribute => Tag::Attributes,
            other => other,
        }
    }

    fn to_structure(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        if ctx.v2() {
            let children = self.entries.iter().map(|e| e.to_v2(ctx)).collect();
            return Item::structure(Self::v2_tag(tag), children);
        }
        let mut children: Vec<Item<'static>> = self
            .template_names
            .iter()
            .map(|n| n.to_item(Tag::Name, ctx))
            .collect();
        children.extend(self.entries.iter().map(|e| e.to_v1(Tag::Attribute, ctx)));
        Item::structure(tag, children)
    }

    fn from_structure(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let Value::Structure(children) = &item.value else {
            return Err(wrong_type(item.tag, ItemType::Structure, item.item_type()));
        };
        let mut out = Self::default();
        for child in children {
            match child.tag {
                Tag::Attribute => out.entries.push(AttributeEntry::from_v1(child, ctx)?),
                // In a 1.x template, a bare Name names a template; in 2.x it is an attribute.
                Tag::Name if item.tag != Tag::Attributes && !is_v2_container(item.tag) => {
                    out.template_names.push(Name::from_item(child, ctx)?)
                }
                _ => out.entries.push(AttributeEntry::from_v2(child, ctx)?),
            }
        }
        Ok(out)
    }
}

fn is_v2_container(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::CommonAttributes | Tag::PrivateKeyAttributes | Tag::PublicKeyAttributes
    )
}

/// As a payload member, attributes take the shape of the version: a template structure or
/// bare `Attribute` items in 1.x (declare the member with the 1.x tag first), an `Attributes`
/// structure in 2.x.
impl Slot for Attributes {
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>) {
        if tag == Tag::Attribute && !ctx.v2() {
            out.extend(self.entries.iter().map(|e| e.to_v1(Tag::Attribute, ctx)));
        } else {
            out.push(self.to_structure(tag, ctx));
        }
    }

    fn read(found: Vec<&Item<'_>>, _tag: Tag, ctx: &Ctx) -> Result<Self> {
        let mut out = Self::default();
        for item in found {
            let attribute_path = |e| in_parent(e, item.tag);
            if item.tag == Tag::Attribute {
                out.entries
                    .push(AttributeEntry::from_v1(item, ctx).map_err(attribute_path)?);
            } else {
                let more = Self::from_structure(item, ctx).map_err(attribute_path)?;
                out.entries.extend(more.entries);
                out.template_names.extend(more.template_names);
            }
        }
        Ok(out)
    }
}

impl Slot for Option<Attributes> {
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>) {
        if let Some(attributes) = self {
            attributes.write(tag, ctx, out);
        }
    }

    fn read(found: Vec<&Item<'_>>, tag: Tag, ctx: &Ctx) -> Result<Self> {
        if found.is_empty() {
            Ok(None)
        } else {
            Attributes::read(found, tag, ctx).map(Some)
        }
    }
}

/// Names an attribute without a value: a 1.x `AttributeName` or a 2.x `AttributeReference`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeReference {
    /// A specification attribute, by tag.
    Tag(Tag),
    /// A vendor or unknown attribute, by name.
    Named {
        /// Vendor Identification (2.x only).
        vendor_identification: Option<String>,
        /// The attribute name.
        name: String,
    },
}

impl Required for AttributeReference {}
impl Field for AttributeReference {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        if !ctx.v2() {
            let name = match self {
                Self::Tag(t) => {
                    spec::attribute_name(*t).map_or_else(|| tag_name(*t), str::to_owned)
                }
                Self::Named { name, .. } => name.clone(),
            };
            return Item::new(Tag::AttributeName, Value::TextString(name.into()));
        }
        let tag = if tag == Tag::AttributeName {
            Tag::AttributeReference
        } else {
            tag
        };
        match self {
            Self::Tag(t) => Item::new(tag, Value::Enumeration(t.0)),
            Self::Named {
                vendor_identification,
                name,
            } => {
                let mut children = Vec::new();
                if let Some(v) = vendor_identification {
                    children.push(Item::new(
                        Tag::VendorIdentification,
                        Value::TextString(v.clone().into()),
                    ));
                }
                children.push(Item::new(
                    Tag::AttributeName,
                    Value::TextString(name.clone().into()),
                ));
                Item::structure(tag, children)
            }
        }
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match &item.value {
            Value::TextString(name) => Ok(match spec::attribute_tag(name) {
                Some(tag) => Self::Tag(tag),
                None => Self::Named {
                    vendor_identification: None,
                    name: name.to_string(),
                },
            }),
            Value::Enumeration(tag) => Ok(Self::Tag(Tag(*tag))),
            Value::Structure(_) => {
                let vendor = item
                    .child(Tag::VendorIdentification)
                    .map(|c| String::from_item(c, ctx));
                let Some(name) = item.child(Tag::AttributeName) else {
                    return Err(Error::model(tag_name(item.tag), "AttributeName is missing"));
                };
                Ok(Self::Named {
                    vendor_identification: vendor.transpose()?,
                    name: String::from_item(name, ctx)?,
                })
            }
            other => Err(wrong_type(
                item.tag,
                ItemType::Enumeration,
                other.item_type(),
            )),
        }
    }
}
