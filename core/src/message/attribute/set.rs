//! A set of attributes as a payload member, in the shape of the protocol version.

use super::{Attribute, AttributeEntry};
use crate::error::{Error, Result};
use crate::message::attribute_values::Name;
use crate::message::codec::{Ctx, Field, Slot, in_parent, tag_name, wrong_type};
use crate::spec::Tag;
use crate::ttlv::{Item, ItemType, Value};

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
    /// Children of a 1.x template that are neither attributes nor template names, kept as
    /// they came and written back after the attributes.
    pub extensions: Vec<Item<'static>>,
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
        self.entries.is_empty() && self.template_names.is_empty() && self.extensions.is_empty()
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
        children.extend(self.extensions.iter().cloned());
        Item::structure(tag, children)
    }

    fn from_structure(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let Value::Structure(children) = &item.value else {
            return Err(wrong_type(item.tag, ItemType::Structure, item.item_type()));
        };
        let mut out = Self::default();
        // In a 2.x message or container every child is an attribute; a 1.x template holds
        // names and `Attribute` structures, and anything else is kept aside.
        let v2_container = ctx.v2() || item.tag == Tag::Attributes || is_v2_container(item.tag);
        for child in children {
            match child.tag {
                Tag::Attribute => out.entries.push(AttributeEntry::from_v1(child, ctx)?),
                _ if v2_container => out.entries.push(AttributeEntry::from_v2(child, ctx)?),
                Tag::Name => out.template_names.push(Name::from_item(child, ctx)?),
                _ if ctx.strict && !child.tag.is_extension() => {
                    return Err(Error::model(
                        tag_name(child.tag),
                        "is not a member of this structure in the typed model",
                    ));
                }
                _ => out.extensions.push(child.clone().into_owned()),
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
                out.extensions.extend(more.extensions);
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
