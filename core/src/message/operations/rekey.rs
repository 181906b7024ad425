//! Re-key, Re-key Key Pair and Derive Key payloads.

use crate::kmip_struct;
use crate::message::{
    Attributes, Bytes, CryptographicParameters, Interval, ProtectionStorageMasks,
};
use crate::spec::{DerivationMethod, ObjectType};

kmip_struct! {
    /// Re-key: replace a symmetric key with a new one.
    pub struct ReKeyRequest {
        /// The key to replace (absent: the ID placeholder).
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Time between the new key's Initial Date and its Activation Date.
        offset: Option<Interval> = Offset,
        /// Attributes of the new key (1.x `TemplateAttribute`, 2.x `Attributes`).
        attributes: Option<Attributes> = TemplateAttribute | Attributes,
        /// Where the server may store it (KMIP 2.0).
        protection_storage_masks: Option<ProtectionStorageMasks> = ProtectionStorageMasks,
    }
}

kmip_struct! {
    /// The replacement key.
    pub struct ReKeyResponse {
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
        /// Attributes the server set implicitly (KMIP 1.x).
        attributes: Option<Attributes> = TemplateAttribute | Attributes,
    }
}

kmip_struct! {
    /// Re-key Key Pair: replace an asymmetric key pair with a new one.
    pub struct ReKeyKeyPairRequest {
        /// The private key of the pair to replace (absent: the ID placeholder).
        private_key_unique_identifier: Option<String> = PrivateKeyUniqueIdentifier,
        /// Time between the new keys' Initial Date and their Activation Date.
        offset: Option<Interval> = Offset,
        /// Attributes of both new keys.
        common_attributes: Option<Attributes> = CommonTemplateAttribute | CommonAttributes,
        /// Attributes of the new private key.
        private_key_attributes: Option<Attributes> = PrivateKeyTemplateAttribute | PrivateKeyAttributes,
        /// Attributes of the new public key.
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
    /// The replacement key pair.
    pub struct ReKeyKeyPairResponse {
        /// The new private key.
        private_key_unique_identifier: String = PrivateKeyUniqueIdentifier,
        /// The new public key.
        public_key_unique_identifier: String = PublicKeyUniqueIdentifier,
        /// Attributes the server set implicitly on the private key (KMIP 1.x).
        private_key_attributes: Option<Attributes> = PrivateKeyTemplateAttribute | PrivateKeyAttributes,
        /// Attributes the server set implicitly on the public key (KMIP 1.x).
        public_key_attributes: Option<Attributes> = PublicKeyTemplateAttribute | PublicKeyAttributes,
    }
}

kmip_struct! {
    /// Parameters of a key derivation.
    pub struct DerivationParameters {
        /// PRF or cipher parameters.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// Initialization vector.
        initialization_vector: Option<Bytes> = InitializationVector,
        /// Data to derive from (repeated in KMIP 2.0+).
        derivation_data: Vec<Bytes> = DerivationData,
        /// Salt (PBKDF2).
        salt: Option<Bytes> = Salt,
        /// Iteration count (PBKDF2).
        iteration_count: Option<i32> = IterationCount,
    }
}

kmip_struct! {
    /// Derive Key: make a key or secret data from existing objects.
    pub struct DeriveKeyRequest {
        /// What to create.
        object_type: ObjectType = ObjectType,
        /// The objects to derive from.
        unique_identifier: Vec<String> = UniqueIdentifier,
        /// How to derive.
        derivation_method: DerivationMethod = DerivationMethod,
        /// Derivation inputs.
        derivation_parameters: DerivationParameters = DerivationParameters,
        /// Attributes of the new object (1.x `TemplateAttribute`, 2.x `Attributes`).
        attributes: Attributes = TemplateAttribute | Attributes,
    }
}

kmip_struct! {
    /// The derived object.
    pub struct DeriveKeyResponse {
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
        /// Attributes the server set implicitly (KMIP 1.x).
        attributes: Option<Attributes> = TemplateAttribute | Attributes,
    }
}

impl ReKeyRequest {
    /// Re-key `unique_identifier` (`None`: the ID placeholder) with no further options.
    pub fn new(unique_identifier: Option<String>) -> Self {
        Self {
            unique_identifier,
            offset: None,
            attributes: None,
            protection_storage_masks: None,
            extensions: Vec::new(),
        }
    }
}

impl ReKeyKeyPairRequest {
    /// Re-key the pair of `private_key_unique_identifier` (`None`: the ID placeholder).
    pub fn new(private_key_unique_identifier: Option<String>) -> Self {
        Self {
            private_key_unique_identifier,
            offset: None,
            common_attributes: None,
            private_key_attributes: None,
            public_key_attributes: None,
            common_protection_storage_masks: None,
            private_protection_storage_masks: None,
            public_protection_storage_masks: None,
            extensions: Vec::new(),
        }
    }
}

impl DerivationParameters {
    /// Parameters holding only `derivation_data`.
    pub fn with_data(derivation_data: impl Into<Bytes>) -> Self {
        Self {
            cryptographic_parameters: None,
            initialization_vector: None,
            derivation_data: vec![derivation_data.into()],
            salt: None,
            iteration_count: None,
            extensions: Vec::new(),
        }
    }
}

impl DeriveKeyRequest {
    /// Derive an object of `object_type` from `unique_identifiers` by `method`.
    pub fn new(
        object_type: ObjectType,
        unique_identifiers: Vec<String>,
        method: DerivationMethod,
        parameters: DerivationParameters,
        attributes: Attributes,
    ) -> Self {
        Self {
            object_type,
            unique_identifier: unique_identifiers,
            derivation_method: method,
            derivation_parameters: parameters,
            attributes,
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Attribute, Ctx, Field};
    use crate::spec::{ProtocolVersion, Tag};

    #[test]
    fn derive_key_round_trips_in_both_attribute_shapes() {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicLength(256));
        let derive = DeriveKeyRequest::new(
            ObjectType::SymmetricKey,
            vec!["base-1".into()],
            DerivationMethod::HMAC,
            DerivationParameters::with_data(b"context".as_slice()),
            attributes,
        );
        for (version, shape) in [
            (ProtocolVersion::V1_4, Tag::TemplateAttribute),
            (ProtocolVersion::V2_0, Tag::Attributes),
        ] {
            let ctx = Ctx::new(version).strict();
            let item = derive.to_item(Tag::RequestPayload, &ctx);
            let tags: Vec<Tag> = item.children().iter().map(|c| c.tag).collect();
            assert_eq!(
                tags,
                [
                    Tag::ObjectType,
                    Tag::UniqueIdentifier,
                    Tag::DerivationMethod,
                    Tag::DerivationParameters,
                    shape
                ]
            );
            assert_eq!(DeriveKeyRequest::from_item(&item, &ctx).unwrap(), derive);
        }
    }

    #[test]
    fn rekey_by_id_placeholder_is_an_empty_payload() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let item = ReKeyRequest::new(None).to_item(Tag::RequestPayload, &ctx);
        assert!(item.children().is_empty());
    }
}
