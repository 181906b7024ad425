//! Create, Create Key Pair and Register payloads.

use crate::kmip_struct;
use crate::message::{Attributes, Object};
use crate::spec::{ObjectType, ProtectionStorageMask};

kmip_struct! {
    /// Acceptable Protection Storage Mask choices, any one of which may be used (KMIP 2.0).
    pub struct ProtectionStorageMasks {
        /// The alternatives.
        protection_storage_mask: Vec<ProtectionStorageMask> = ProtectionStorageMask,
    }
}

kmip_struct! {
    /// Create: make a new managed object (a symmetric key, secret data) on the server.
    pub struct CreateRequest {
        /// What to create.
        object_type: ObjectType = ObjectType,
        /// Its attributes (1.x `TemplateAttribute`, 2.x `Attributes`).
        attributes: Attributes = TemplateAttribute | Attributes,
        /// Where the server may store it (KMIP 2.0).
        protection_storage_masks: Option<ProtectionStorageMasks> = ProtectionStorageMasks,
    }
}

kmip_struct! {
    /// The created object.
    pub struct CreateResponse {
        /// What was created.
        object_type: ObjectType = ObjectType,
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
        /// Attributes the server set implicitly (KMIP 1.x).
        attributes: Option<Attributes> = TemplateAttribute | Attributes,
    }
}

kmip_struct! {
    /// Create Key Pair: make an asymmetric key pair.
    pub struct CreateKeyPairRequest {
        /// Attributes of both keys.
        common_attributes: Option<Attributes> = CommonTemplateAttribute | CommonAttributes,
        /// Attributes of the private key.
        private_key_attributes: Option<Attributes> = PrivateKeyTemplateAttribute | PrivateKeyAttributes,
        /// Attributes of the public key.
        public_key_attributes: Option<Attributes> = PublicKeyTemplateAttribute | PublicKeyAttributes,
        /// Storage choices for both keys (KMIP 2.0).
        common_protection_storage_masks: Option<ProtectionStorageMasks> = CommonProtectionStorageMasks,
        /// Storage choices for the private key (KMIP 2.0).
        private_protection_storage_masks: Option<ProtectionStorageMasks> = PrivateProtectionStorageMasks,
        /// Storage choices for the public key (KMIP 2.0).
        public_protection_storage_masks: Option<ProtectionStorageMasks> = PublicProtectionStorageMasks,
    }
}

kmip_struct! {
    /// The created key pair.
    pub struct CreateKeyPairResponse {
        /// The private key.
        private_key_unique_identifier: String = PrivateKeyUniqueIdentifier,
        /// The public key.
        public_key_unique_identifier: String = PublicKeyUniqueIdentifier,
        /// Attributes the server set implicitly on the private key (KMIP 1.x).
        private_key_attributes: Option<Attributes> = PrivateKeyTemplateAttribute | PrivateKeyAttributes,
        /// Attributes the server set implicitly on the public key (KMIP 1.x).
        public_key_attributes: Option<Attributes> = PublicKeyTemplateAttribute | PublicKeyAttributes,
    }
}

kmip_struct! {
    /// Register: store an object the client supplies.
    pub struct RegisterRequest {
        /// What kind of object it is.
        object_type: ObjectType = ObjectType,
        /// Its attributes (1.x `TemplateAttribute`, 2.x `Attributes`).
        attributes: Attributes = TemplateAttribute | Attributes,
        /// The object, under its own tag.
        object: Object = SymmetricKey | Certificate | PublicKey | PrivateKey | SplitKey | Template
            | SecretData | OpaqueObject | PGPKey | CertificateRequest,
        /// Where the server may store it (KMIP 2.0).
        protection_storage_masks: Option<ProtectionStorageMasks> = ProtectionStorageMasks,
    }
}

kmip_struct! {
    /// The registered object.
    pub struct RegisterResponse {
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
        /// Attributes the server set implicitly (KMIP 1.x).
        attributes: Option<Attributes> = TemplateAttribute | Attributes,
    }
}

impl ProtectionStorageMasks {
    /// The acceptable `masks`, any one of which may be used.
    pub fn new(masks: impl IntoIterator<Item = ProtectionStorageMask>) -> Self {
        Self {
            protection_storage_mask: masks.into_iter().collect(),
            extensions: Vec::new(),
        }
    }
}

impl CreateRequest {
    /// Create an object of `object_type` with `attributes`.
    ///
    /// ```
    /// use kmipkit::message::{Attribute, Attributes, CreateRequest};
    /// use kmipkit::spec::{CryptographicAlgorithm, ObjectType};
    /// let mut attributes = Attributes::default();
    /// attributes.push(Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES));
    /// attributes.push(Attribute::CryptographicLength(256));
    /// let request = CreateRequest::new(ObjectType::SymmetricKey, attributes);
    /// assert_eq!(request.attributes.iter().count(), 2);
    /// ```
    pub fn new(object_type: ObjectType, attributes: Attributes) -> Self {
        Self {
            object_type,
            attributes,
            protection_storage_masks: None,
            extensions: Vec::new(),
        }
    }
}

impl CreateKeyPairRequest {
    /// Create a key pair with common, private-key and public-key attributes.
    pub fn new(common: Attributes, private_key: Attributes, public_key: Attributes) -> Self {
        let some = |a: Attributes| (!a.is_empty()).then_some(a);
        Self {
            common_attributes: some(common),
            private_key_attributes: some(private_key),
            public_key_attributes: some(public_key),
            common_protection_storage_masks: None,
            private_protection_storage_masks: None,
            public_protection_storage_masks: None,
            extensions: Vec::new(),
        }
    }
}

impl RegisterRequest {
    /// Register `object` with `attributes`; the Object Type is the object's.
    pub fn new(object: Object, attributes: Attributes) -> Self {
        Self {
            object_type: object.object_type(),
            attributes,
            object,
            protection_storage_masks: None,
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Attribute, Ctx, Field, KeyBlock, SymmetricKey};
    use crate::spec::{CryptographicAlgorithm, ProtocolVersion, Tag};
    use crate::ttlv::Item;

    fn tags(item: &Item<'_>) -> Vec<Tag> {
        item.children().iter().map(|c| c.tag).collect()
    }

    fn aes() -> Attributes {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        ));
        attributes
    }

    #[test]
    fn create_takes_the_attribute_shape_of_the_version() {
        let create = CreateRequest::new(ObjectType::SymmetricKey, aes());
        for (version, shape) in [
            (ProtocolVersion::V1_4, Tag::TemplateAttribute),
            (ProtocolVersion::V2_1, Tag::Attributes),
        ] {
            let ctx = Ctx::new(version).strict();
            let item = create.to_item(Tag::RequestPayload, &ctx);
            assert_eq!(tags(&item), [Tag::ObjectType, shape]);
            assert_eq!(CreateRequest::from_item(&item, &ctx).unwrap(), create);
        }
    }

    #[test]
    fn create_key_pair_omits_empty_attribute_sets() {
        let pair = CreateKeyPairRequest::new(aes(), Attributes::default(), aes());
        let v1 = pair.to_item(Tag::RequestPayload, &Ctx::new(ProtocolVersion::V1_2));
        assert_eq!(
            tags(&v1),
            [
                Tag::CommonTemplateAttribute,
                Tag::PublicKeyTemplateAttribute
            ]
        );
        let v2 = pair.to_item(Tag::RequestPayload, &Ctx::new(ProtocolVersion::V2_0));
        assert_eq!(tags(&v2), [Tag::CommonAttributes, Tag::PublicKeyAttributes]);
    }

    #[test]
    fn register_writes_the_object_after_the_attributes() {
        let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![7; 16]);
        let mut register =
            RegisterRequest::new(Object::SymmetricKey(SymmetricKey::new(key)), aes());
        register.protection_storage_masks = Some(ProtectionStorageMasks::new([
            ProtectionStorageMask::Software,
        ]));
        let ctx = Ctx::new(ProtocolVersion::V2_0).strict();
        let item = register.to_item(Tag::RequestPayload, &ctx);
        assert_eq!(
            tags(&item),
            [
                Tag::ObjectType,
                Tag::Attributes,
                Tag::SymmetricKey,
                Tag::ProtectionStorageMasks
            ]
        );
        assert_eq!(RegisterRequest::from_item(&item, &ctx).unwrap(), register);
    }
}
