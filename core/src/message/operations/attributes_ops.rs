//! Attribute operations: Get Attributes, Get Attribute List, Add, Modify, Delete and Set Attribute.
//!
//! One payload type serves every version. Attributes take the version's shape when written
//! (1.x `Attribute` name/value structures and `AttributeName` text, 2.x `NewAttribute`,
//! `CurrentAttribute`, `AttributeReference` and an `Attributes` structure) and either shape is
//! accepted when read.

use crate::kmip_struct;
use crate::message::{AttributeEntry, AttributeReference, Attributes};

kmip_struct! {
    /// Get Attributes request: the attributes of one object, all of them or the ones named.
    pub struct GetAttributesRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The attributes wanted (1.x `AttributeName`, 2.x `AttributeReference`); all when empty.
        attribute_references: Vec<AttributeReference> = AttributeName | AttributeReference,
    }
}

kmip_struct! {
    /// Get Attributes response.
    pub struct GetAttributesResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
        /// The attributes found (1.x bare `Attribute` items, 2.x an `Attributes` structure).
        attributes: Attributes = Attribute | Attributes,
    }
}

kmip_struct! {
    /// Get Attribute List request: which attributes an object has.
    pub struct GetAttributeListRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Get Attribute List response.
    pub struct GetAttributeListResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
        /// The attributes the object has (1.x `AttributeName`, 2.x `AttributeReference`).
        attribute_references: Vec<AttributeReference> = AttributeName | AttributeReference,
    }
}

kmip_struct! {
    /// Add Attribute request: adds a new attribute instance.
    pub struct AddAttributeRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The attribute (1.x `Attribute`, 2.x `NewAttribute`).
        attribute: AttributeEntry = Attribute | NewAttribute,
    }
}

kmip_struct! {
    /// Add Attribute response.
    pub struct AddAttributeResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
        /// The attribute as added, with its index (KMIP 1.x only).
        attribute: Option<AttributeEntry> = Attribute | NewAttribute,
    }
}

kmip_struct! {
    /// Modify Attribute request: changes the value of an existing attribute.
    pub struct ModifyAttributeRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The instance to change (KMIP 2.x; 1.x selects it by the index of `attribute`).
        current_attribute: Option<AttributeEntry> = CurrentAttribute,
        /// The new value (1.x `Attribute`, 2.x `NewAttribute`).
        attribute: AttributeEntry = Attribute | NewAttribute,
    }
}

kmip_struct! {
    /// Modify Attribute response.
    pub struct ModifyAttributeResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
        /// The attribute as modified (KMIP 1.x only).
        attribute: Option<AttributeEntry> = Attribute | NewAttribute,
    }
}

kmip_struct! {
    /// Delete Attribute request.
    ///
    /// KMIP 1.x names the attribute (`AttributeName`, optional `AttributeIndex`); 2.x gives either
    /// the instance to delete (`CurrentAttribute`) or a reference to it (`AttributeReference`).
    pub struct DeleteAttributeRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The instance to delete, with its value (KMIP 2.x).
        current_attribute: Option<AttributeEntry> = CurrentAttribute,
        /// The attribute to delete (1.x `AttributeName`, 2.x `AttributeReference`).
        attribute_reference: Option<AttributeReference> = AttributeName | AttributeReference,
        /// Which instance (KMIP 1.x); the first when absent.
        attribute_index: Option<i32> = AttributeIndex,
    }
}

kmip_struct! {
    /// Delete Attribute response.
    pub struct DeleteAttributeResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
        /// The attribute deleted (KMIP 1.x only).
        attribute: Option<AttributeEntry> = Attribute | NewAttribute,
    }
}

kmip_struct! {
    /// Set Attribute request (KMIP 2.0): sets a single-valued attribute, adding or replacing it.
    pub struct SetAttributeRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The attribute and its value.
        new_attribute: AttributeEntry = NewAttribute,
    }
}

kmip_struct! {
    /// Set Attribute response.
    pub struct SetAttributeResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

impl GetAttributesRequest {
    /// Requests `references` (all attributes when empty) of object `unique_identifier`.
    ///
    /// ```
    /// use kmipkit::message::{AttributeReference, GetAttributesRequest};
    /// use kmipkit::spec::Tag;
    /// let req = GetAttributesRequest::new(Some("42".into()), vec![AttributeReference::Tag(Tag::State)]);
    /// assert_eq!(req.attribute_references.len(), 1);
    /// ```
    pub fn new(unique_identifier: Option<String>, references: Vec<AttributeReference>) -> Self {
        Self {
            unique_identifier,
            attribute_references: references,
            extensions: Vec::new(),
        }
    }
}

impl GetAttributeListRequest {
    /// Lists the attributes of `unique_identifier` (the ID placeholder when `None`).
    pub fn new(unique_identifier: Option<String>) -> Self {
        Self {
            unique_identifier,
            extensions: Vec::new(),
        }
    }
}

impl AddAttributeRequest {
    /// Adds `attribute` to the object.
    pub fn new(unique_identifier: Option<String>, attribute: impl Into<AttributeEntry>) -> Self {
        Self {
            unique_identifier,
            attribute: attribute.into(),
            extensions: Vec::new(),
        }
    }
}

impl ModifyAttributeRequest {
    /// Replaces the value of an attribute (in 1.x the instance at the entry's index).
    pub fn new(unique_identifier: Option<String>, attribute: impl Into<AttributeEntry>) -> Self {
        Self {
            unique_identifier,
            current_attribute: None,
            attribute: attribute.into(),
            extensions: Vec::new(),
        }
    }
}

impl DeleteAttributeRequest {
    /// Deletes the attribute named by `reference` (its first instance, unless an index is set).
    pub fn new(unique_identifier: Option<String>, reference: AttributeReference) -> Self {
        Self {
            unique_identifier,
            current_attribute: None,
            attribute_reference: Some(reference),
            attribute_index: None,
            extensions: Vec::new(),
        }
    }
}

impl SetAttributeRequest {
    /// Sets `attribute` on the object (KMIP 2.0 and later).
    pub fn new(unique_identifier: Option<String>, attribute: impl Into<AttributeEntry>) -> Self {
        Self {
            unique_identifier,
            new_attribute: attribute.into(),
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::codec::{Ctx, Field};
    use crate::message::{Attribute, Name};
    use crate::spec::{ProtocolVersion, Tag};

    #[test]
    fn attribute_payloads_take_the_shape_of_the_version() {
        let v1 = Ctx::new(ProtocolVersion::V1_4).strict();
        let v2 = Ctx::new(ProtocolVersion::V2_0).strict();
        let add = AddAttributeRequest::new(Some("k".into()), Attribute::Name(Name::text("n")));
        let item = add.to_item(Tag::RequestPayload, &v1);
        assert_eq!(item.children()[1].tag, Tag::Attribute);
        assert_eq!(AddAttributeRequest::from_item(&item, &v1).unwrap(), add);
        let item = add.to_item(Tag::RequestPayload, &v2);
        assert_eq!(item.children()[1].tag, Tag::NewAttribute);
        assert_eq!(item.children()[1].children()[0].tag, Tag::Name);
        assert_eq!(AddAttributeRequest::from_item(&item, &v2).unwrap(), add);

        let mut delete =
            DeleteAttributeRequest::new(None, AttributeReference::Tag(Tag::ContactInformation));
        delete.attribute_index = Some(1);
        let item = delete.to_item(Tag::RequestPayload, &v1);
        let tags: Vec<Tag> = item.children().iter().map(|c| c.tag).collect();
        assert_eq!(tags, [Tag::AttributeName, Tag::AttributeIndex]);
        assert_eq!(
            DeleteAttributeRequest::from_item(&item, &v1).unwrap(),
            delete
        );

        let mut delete =
            DeleteAttributeRequest::new(Some("k".into()), AttributeReference::Tag(Tag::Name));
        delete.attribute_reference = None;
        delete.current_attribute = Some(AttributeEntry::from(Attribute::Name(Name::text("old"))));
        let item = delete.to_item(Tag::RequestPayload, &v2);
        let tags: Vec<Tag> = item.children().iter().map(|c| c.tag).collect();
        assert_eq!(tags, [Tag::UniqueIdentifier, Tag::CurrentAttribute]);
        assert_eq!(
            DeleteAttributeRequest::from_item(&item, &v2).unwrap(),
            delete
        );
    }
}
