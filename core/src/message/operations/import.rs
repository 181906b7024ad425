//! Import payloads (KMIP 1.4 and later): store an object under an identifier the client
//! chooses, unwrapping it first when asked.

use crate::kmip_struct;
use crate::message::{Attributes, Object};
use crate::spec::{KeyWrapType, ObjectType};

kmip_struct! {
    /// Import: store `object` under `unique_identifier`. With Key Wrap Type Not Wrapped the
    /// server unwraps a wrapped key first (with the key its Key Wrapping Data names) and fails
    /// if it cannot; otherwise it stores the object as given.
    pub struct ImportRequest {
        /// The identifier the object gets (the client's choice).
        unique_identifier: String = UniqueIdentifier,
        /// What kind of object it is.
        object_type: ObjectType = ObjectType,
        /// Replace an object that already has this identifier (default: refuse).
        replace_existing: Option<bool> = ReplaceExisting,
        /// Not Wrapped: unwrap before storing; As Registered: store as given.
        key_wrap_type: Option<KeyWrapType> = KeyWrapType,
        /// Its attributes (1.4 `Attribute` items, 2.x `Attributes`).
        attributes: Option<Attributes> = Attribute | Attributes,
        /// The object, under its own tag.
        object: Object = SymmetricKey | Certificate | PublicKey | PrivateKey | SplitKey | Template
            | SecretData | OpaqueObject | PGPKey | CertificateRequest,
    }
}

kmip_struct! {
    /// The imported object.
    pub struct ImportResponse {
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
    }
}

impl ImportRequest {
    /// Import `object` as `unique_identifier` with `attributes`; the Object Type is the
    /// object's, an existing object of that identifier is not replaced, and a wrapped key is
    /// stored as given unless [`ImportRequest::key_wrap_type`] says Not Wrapped.
    ///
    /// ```
    /// use kmipkit::message::{Attributes, ImportRequest, KeyBlock, Object, SymmetricKey};
    /// use kmipkit::spec::{CryptographicAlgorithm, KeyWrapType};
    /// let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![7u8; 32]);
    /// let mut import =
    ///     ImportRequest::new("my-id", Object::SymmetricKey(SymmetricKey::new(key)), Attributes::default());
    /// import.key_wrap_type = Some(KeyWrapType::NotWrapped);
    /// assert_eq!(import.unique_identifier, "my-id");
    /// ```
    pub fn new(
        unique_identifier: impl Into<String>,
        object: Object,
        attributes: Attributes,
    ) -> Self {
        Self {
            unique_identifier: unique_identifier.into(),
            object_type: object.object_type(),
            replace_existing: None,
            key_wrap_type: None,
            attributes: Some(attributes),
            object,
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Attribute, Ctx, Field, KeyBlock, SymmetricKey};
    use crate::spec::{CryptographicAlgorithm, ProtocolVersion, Tag};

    #[test]
    fn round_trips_in_1_4_and_2_1() {
        let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![7u8; 32]);
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicLength(256));
        let mut import = ImportRequest::new(
            "id-1",
            Object::SymmetricKey(SymmetricKey::new(key)),
            attributes,
        );
        import.key_wrap_type = Some(KeyWrapType::NotWrapped);
        for version in [ProtocolVersion::V1_4, ProtocolVersion::V2_1] {
            let ctx = Ctx::new(version).strict();
            let item = import.to_item(Tag::RequestPayload, &ctx);
            let tags: Vec<Tag> = item.children().iter().map(|c| c.tag).collect();
            let attributes_tag = match version {
                ProtocolVersion::V1_4 => Tag::Attribute,
                _ => Tag::Attributes,
            };
            assert!(tags.contains(&attributes_tag), "{version}: {tags:?}");
            assert_eq!(ImportRequest::from_item(&item, &ctx).unwrap(), import);
        }
    }
}
