//! Naming an attribute without its value.

use crate::error::{Error, Result};
use crate::message::codec::{Ctx, Field, Required, tag_name, wrong_type};
use crate::spec::{self, Tag};
use crate::ttlv::{Item, ItemType, Value};

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

impl AttributeReference {
    /// The reference a person or a binding means by `name`: a specification attribute by its
    /// tag name (`"CryptographicLength"`) or 1.x name, any other name (`x-` and `y-` vendor
    /// attributes) by name.
    ///
    /// ```
    /// use kmipkit::message::AttributeReference;
    /// use kmipkit::spec::Tag;
    /// assert_eq!(AttributeReference::from_name("State"), AttributeReference::Tag(Tag::State));
    /// assert!(matches!(AttributeReference::from_name("x-team"), AttributeReference::Named { .. }));
    /// ```
    pub fn from_name(name: &str) -> Self {
        match super::tag_for_name(name) {
            Some(tag) if !name.starts_with("x-") && !name.starts_with("y-") => Self::Tag(tag),
            _ => Self::Named {
                vendor_identification: None,
                name: name.to_string(),
            },
        }
    }

    /// `name` in the by-name form: KMIP 2.x Vendor Identification "" and the 1.x Attribute Name
    /// (`"Cryptographic Length"`), which servers such as PyKMIP read in Delete Attribute.
    ///
    /// ```
    /// use kmipkit::message::AttributeReference;
    /// let by_name = AttributeReference::by_name("CryptographicLength");
    /// assert_eq!(by_name.name(), "Cryptographic Length");
    /// ```
    pub fn by_name(name: &str) -> Self {
        let name = match Tag::from_name(name) {
            Some(tag) => spec::attribute_name(tag).unwrap_or(name),
            None => name,
        };
        Self::Named {
            vendor_identification: Some(String::new()),
            name: name.to_string(),
        }
    }

    /// The attribute's name: the tag name for a specification attribute, else the name given.
    ///
    /// ```
    /// use kmipkit::message::AttributeReference;
    /// assert_eq!(AttributeReference::from_name("Cryptographic Length").name(), "CryptographicLength");
    /// ```
    pub fn name(&self) -> String {
        match self {
            Self::Tag(t) => t.name().map_or_else(|| tag_name(*t), str::to_string),
            Self::Named { name, .. } => name.clone(),
        }
    }
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
            Value::TextString(name) => Ok(match super::tag_for_name(name) {
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
