//! One attribute in its 1.x (`Attribute` name/value) or 2.x (tagged value) shape.

use std::borrow::Cow;

use super::{Attribute, CustomAttribute, tag_for_name};
use crate::error::{Error, Result};
use crate::message::codec::{Ctx, Field, Required, in_parent, tag_name, wrong_type};
use crate::spec::{self, Tag};
use crate::ttlv::{Item, ItemType, Value};

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
    pub(super) fn to_v1(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
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
    pub(super) fn to_v2(&self, ctx: &Ctx) -> Item<'static> {
        match &self.attribute {
            // The 2.x tagged form has no room for a name of its own, a missing value or a 1.x
            // index; the `Attribute` structure (also valid in 2.x) keeps them.
            Attribute::Custom(c) if c.tag.is_none() || c.value.is_none() => {
                self.to_v1(Tag::Attribute, ctx)
            }
            _ if self.index.is_some() => self.to_v1(Tag::Attribute, ctx),
            other => other.value_item(other.tag(), ctx),
        }
    }

    pub(super) fn from_v1(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
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
        let known = tag_for_name(&name).filter(|_| vendor_identification.is_none());
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

    pub(super) fn from_v2(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
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
