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
