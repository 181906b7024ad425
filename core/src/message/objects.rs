//! Managed objects: the keys, certificates and data that Register sends and Get returns.
//!
//! An [`Object`] is written under its own tag (`SymmetricKey`, `Certificate`, ...); the payload's
//! Object Type names the same kind. Cryptographic objects carry their key in a [`KeyBlock`].

mod key_block;
mod key_material;
mod material;

pub use key_block::*;
pub use key_material::*;
pub use material::Material;

use super::attribute::Attributes;
use super::codec::{BigInt, Bytes, Ctx, Field, Required, tag_name};
use crate::error::{Error, Result};
use crate::kmip_struct;
use crate::spec::{
    CertificateRequestType, CertificateType, ObjectType, OpaqueDataType, SecretDataType,
    SplitKeyMethod, Tag,
};
use crate::ttlv::Item;

kmip_struct! {
    /// A symmetric key.
    pub struct SymmetricKey {
        /// The key and its format.
        key_block: KeyBlock = KeyBlock,
    }
}

kmip_struct! {
    /// The public part of an asymmetric key pair.
    pub struct PublicKey {
        /// The key and its format.
        key_block: KeyBlock = KeyBlock,
    }
}

kmip_struct! {
    /// The private part of an asymmetric key pair.
    pub struct PrivateKey {
        /// The key and its format.
        key_block: KeyBlock = KeyBlock,
    }
}

kmip_struct! {
    /// A shared secret that is not a key, such as a password or a seed.
    pub struct SecretData {
        /// What kind of secret it is.
        secret_data_type: SecretDataType = SecretDataType,
        /// The secret, in a key block.
        key_block: KeyBlock = KeyBlock,
    }
}

kmip_struct! {
    /// Data the server stores without interpreting it.
    pub struct OpaqueObject {
        /// What kind of data it is.
        opaque_data_type: OpaqueDataType = OpaqueDataType,
        /// The data.
        opaque_data_value: Bytes = OpaqueDataValue,
    }
}

kmip_struct! {
    /// A certificate (X.509 DER, PGP).
    pub struct Certificate {
        /// The certificate format.
        certificate_type: CertificateType = CertificateType,
        /// The encoded certificate.
        certificate_value: Bytes = CertificateValue,
    }
}

kmip_struct! {
    /// A certificate request (KMIP 2.0 managed object).
    pub struct CertificateRequest {
        /// The request format (CRMF, PKCS#10, PEM).
        certificate_request_type: CertificateRequestType = CertificateRequestType,
        /// The encoded request.
        certificate_request_value: Bytes = CertificateRequestValue,
    }
}

kmip_struct! {
    /// A template: a named set of attributes (KMIP 1.x, deprecated since 1.3).
    pub struct Template {
        /// The attributes, written as 1.x `Attribute` items.
        attributes: Attributes = Attribute | Attributes,
    }
}

kmip_struct! {
    /// One part of a key split among several holders.
    pub struct SplitKey {
        /// Total number of parts.
        split_key_parts: i32 = SplitKeyParts,
        /// Which part this is (1 to `split_key_parts`).
        key_part_identifier: i32 = KeyPartIdentifier,
        /// Parts needed to rebuild the key.
        split_key_threshold: i32 = SplitKeyThreshold,
        /// How the key was split.
        split_key_method: SplitKeyMethod = SplitKeyMethod,
        /// Prime field size, for polynomial sharing over a prime field.
        prime_field_size: Option<BigInt> = PrimeFieldSize,
        /// This part, in a key block.
        key_block: KeyBlock = KeyBlock,
    }
}

kmip_struct! {
    /// An OpenPGP key (KMIP 1.2+).
    pub struct PGPKey {
        /// The OpenPGP key version.
        pgp_key_version: i32 = PGPKeyVersion,
        /// The key, in a key block.
        key_block: KeyBlock = KeyBlock,
    }
}

/// A managed object as carried by Register and Get; each variant is written under its own tag.
///
/// ```
/// use kmipkit::message::{KeyBlock, KeyMaterial, Object, SymmetricKey};
/// use kmipkit::spec::{CryptographicAlgorithm, ObjectType};
/// let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![0; 32]);
/// let object = Object::SymmetricKey(SymmetricKey::new(key));
/// assert_eq!(object.object_type(), ObjectType::SymmetricKey);
/// assert!(matches!(object.key_block().unwrap().key_material(), Some(KeyMaterial::Bytes(b)) if b.0.len() == 32));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum Object {
    /// A certificate.
    Certificate(Certificate),
    /// A symmetric key.
    SymmetricKey(SymmetricKey),
    /// A public key.
    PublicKey(PublicKey),
    /// A private key.
    PrivateKey(PrivateKey),
    /// A split key part.
    SplitKey(SplitKey),
    /// A template (KMIP 1.x).
    Template(Template),
    /// Secret data.
    SecretData(SecretData),
    /// An opaque object.
    OpaqueObject(OpaqueObject),
    /// An OpenPGP key.
    PGPKey(PGPKey),
    /// A certificate request (KMIP 2.0).
    CertificateRequest(CertificateRequest),
}

impl Object {
    /// The Object Type that names this kind of object.
    pub fn object_type(&self) -> ObjectType {
        match self {
            Self::Certificate(_) => ObjectType::Certificate,
            Self::SymmetricKey(_) => ObjectType::SymmetricKey,
            Self::PublicKey(_) => ObjectType::PublicKey,
            Self::PrivateKey(_) => ObjectType::PrivateKey,
            Self::SplitKey(_) => ObjectType::SplitKey,
            Self::Template(_) => ObjectType::Template,
            Self::SecretData(_) => ObjectType::SecretData,
            Self::OpaqueObject(_) => ObjectType::OpaqueObject,
            Self::PGPKey(_) => ObjectType::PGPKey,
            Self::CertificateRequest(_) => ObjectType::CertificateRequest,
        }
    }

    /// The tag the object is written under.
    pub fn tag(&self) -> Tag {
        match self {
            Self::Certificate(_) => Tag::Certificate,
            Self::SymmetricKey(_) => Tag::SymmetricKey,
            Self::PublicKey(_) => Tag::PublicKey,
            Self::PrivateKey(_) => Tag::PrivateKey,
            Self::SplitKey(_) => Tag::SplitKey,
            Self::Template(_) => Tag::Template,
            Self::SecretData(_) => Tag::SecretData,
            Self::OpaqueObject(_) => Tag::OpaqueObject,
            Self::PGPKey(_) => Tag::PGPKey,
            Self::CertificateRequest(_) => Tag::CertificateRequest,
        }
    }

    /// The key block of a key, split key, PGP key or secret data object.
    pub fn key_block(&self) -> Option<&KeyBlock> {
        match self {
            Self::SymmetricKey(o) => Some(&o.key_block),
            Self::PublicKey(o) => Some(&o.key_block),
            Self::PrivateKey(o) => Some(&o.key_block),
            Self::SplitKey(o) => Some(&o.key_block),
            Self::SecretData(o) => Some(&o.key_block),
            Self::PGPKey(o) => Some(&o.key_block),
            Self::Certificate(_)
            | Self::Template(_)
            | Self::OpaqueObject(_)
            | Self::CertificateRequest(_) => None,
        }
    }
}

/// Written under the variant's own tag, whatever tag the parent asks for.
impl Required for Object {}
impl Field for Object {
    fn to_item(&self, _tag: Tag, ctx: &Ctx) -> Item<'static> {
        let tag = self.tag();
        match self {
            Self::Certificate(o) => o.to_item(tag, ctx),
            Self::SymmetricKey(o) => o.to_item(tag, ctx),
            Self::PublicKey(o) => o.to_item(tag, ctx),
            Self::PrivateKey(o) => o.to_item(tag, ctx),
            Self::SplitKey(o) => o.to_item(tag, ctx),
            Self::Template(o) => o.to_item(tag, ctx),
            Self::SecretData(o) => o.to_item(tag, ctx),
            Self::OpaqueObject(o) => o.to_item(tag, ctx),
            Self::PGPKey(o) => o.to_item(tag, ctx),
            Self::CertificateRequest(o) => o.to_item(tag, ctx),
        }
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        Ok(match item.tag {
            Tag::Certificate => Self::Certificate(Field::from_item(item, ctx)?),
            Tag::SymmetricKey => Self::SymmetricKey(Field::from_item(item, ctx)?),
            Tag::PublicKey => Self::PublicKey(Field::from_item(item, ctx)?),
            Tag::PrivateKey => Self::PrivateKey(Field::from_item(item, ctx)?),
            Tag::SplitKey => Self::SplitKey(Field::from_item(item, ctx)?),
            Tag::Template => Self::Template(Field::from_item(item, ctx)?),
            Tag::SecretData => Self::SecretData(Field::from_item(item, ctx)?),
            Tag::OpaqueObject => Self::OpaqueObject(Field::from_item(item, ctx)?),
            Tag::PGPKey => Self::PGPKey(Field::from_item(item, ctx)?),
            Tag::CertificateRequest => Self::CertificateRequest(Field::from_item(item, ctx)?),
            other => return Err(Error::model(tag_name(other), "is not a managed object")),
        })
    }
}

macro_rules! key_object_new {
    ($($name:ident),*) => {$(
        impl $name {
            /// The object holding `key_block`.
            pub fn new(key_block: KeyBlock) -> Self {
                Self { key_block, extensions: Vec::new() }
            }
        }
    )*};
}

key_object_new!(SymmetricKey, PublicKey, PrivateKey);

impl Certificate {
    /// A certificate of `certificate_type` (for example X.509) with its encoded `value`.
    pub fn new(certificate_type: CertificateType, value: impl Into<Bytes>) -> Self {
        Self {
            certificate_type,
            certificate_value: value.into(),
            extensions: Vec::new(),
        }
    }
}

impl OpaqueObject {
    /// Opaque data of `opaque_data_type` holding `value`.
    pub fn new(opaque_data_type: OpaqueDataType, value: impl Into<Bytes>) -> Self {
        Self {
            opaque_data_type,
            opaque_data_value: value.into(),
            extensions: Vec::new(),
        }
    }
}

impl SecretData {
    /// Secret data of `secret_data_type` (for example a password) holding raw `bytes`.
    pub fn new(secret_data_type: SecretDataType, bytes: impl Into<Bytes>) -> Self {
        Self {
            secret_data_type,
            key_block: KeyBlock::opaque(bytes),
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ProtocolVersion;

    #[test]
    fn an_object_under_a_foreign_tag_is_refused() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let err = Object::from_item(&Item::structure(Tag::KeyBlock, vec![]), &ctx).unwrap_err();
        assert!(err.to_string().contains("KeyBlock"), "{err}");
    }

    #[test]
    fn an_object_is_written_under_its_own_tag() {
        let ctx = Ctx::new(ProtocolVersion::V2_0).strict();
        let object =
            Object::SecretData(SecretData::new(SecretDataType::Password, b"pw".as_slice()));
        let item = object.to_item(Tag::SymmetricKey, &ctx);
        assert_eq!(item.tag, Tag::SecretData);
        assert_eq!(Object::from_item(&item, &ctx).unwrap(), object);
    }
}
