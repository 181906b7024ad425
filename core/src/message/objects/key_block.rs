//! Key Block, Key Value and the key wrapping structures.

use super::key_material::KeyMaterial;
use crate::error::Result;
use crate::kmip_struct;
use crate::message::attribute::Attributes;
use crate::message::attribute_values::CryptographicParameters;
use crate::message::codec::{
    Bytes, Ctx, Field, Required, Slot, Struct, in_parent, read_member, unclaimed, wrong_type,
};
use crate::spec::{
    BlockCipherMode, CryptographicAlgorithm, EncodingOption, KeyCompressionType, KeyFormatType,
    Tag, WrappingMethod,
};
use crate::ttlv::{Item, ItemType, Value};

/// The key of a cryptographic object, with its format, algorithm and wrapping.
///
/// The Key Format Type decides how a structured Key Material is read (transparent keys).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KeyBlock {
    /// Format of the key material (Raw, PKCS#8, Transparent ..., Opaque for secret data).
    pub key_format_type: KeyFormatType,
    /// Elliptic-curve public key compression.
    pub key_compression_type: Option<KeyCompressionType>,
    /// The key value; absent when the server keeps the key material elsewhere.
    pub key_value: Option<KeyValue>,
    /// Algorithm of the key (absent for secret data and opaque keys).
    pub cryptographic_algorithm: Option<CryptographicAlgorithm>,
    /// Length of the key in bits.
    pub cryptographic_length: Option<i32>,
    /// How the key value is wrapped, when it is.
    pub key_wrapping_data: Option<KeyWrappingData>,
    /// Children this version of kmipkit does not know, kept in order and re-encoded after the known ones.
    pub extensions: Vec<Item<'static>>,
}

impl KeyBlock {
    /// A plaintext symmetric key in Raw format; the length is taken from the key bytes.
    pub fn symmetric(algorithm: CryptographicAlgorithm, key: impl Into<Bytes>) -> Self {
        let key = key.into();
        let bits = i32::try_from(key.0.len().saturating_mul(8)).unwrap_or(i32::MAX);
        Self {
            cryptographic_algorithm: Some(algorithm),
            cryptographic_length: Some(bits),
            ..Self::new(KeyFormatType::Raw, KeyMaterial::Bytes(key))
        }
    }

    /// Opaque bytes, the format of secret data.
    pub fn opaque(bytes: impl Into<Bytes>) -> Self {
        Self::new(KeyFormatType::Opaque, KeyMaterial::Bytes(bytes.into()))
    }

    /// A plaintext key block holding `key_material` in `key_format_type`.
    pub fn new(key_format_type: KeyFormatType, key_material: KeyMaterial) -> Self {
        Self {
            key_format_type,
            key_compression_type: None,
            key_value: Some(KeyValue::Structure(KeyValueStructure {
                key_material,
                attributes: None,
                extensions: Vec::new(),
            })),
            cryptographic_algorithm: None,
            cryptographic_length: None,
            key_wrapping_data: None,
            extensions: Vec::new(),
        }
    }

    /// The key material, unless the key value is absent or wrapped as a whole.
    ///
    /// With the No Encoding option only the key material is wrapped: these are then wrapped bytes.
    pub fn key_material(&self) -> Option<&KeyMaterial> {
        match &self.key_value {
            Some(KeyValue::Structure(v)) => Some(&v.key_material),
            _ => None,
        }
    }

    /// The key's bytes as the server sent them: the wrapped bytes when the whole Key Value is
    /// wrapped (a Byte String: what Cosmian KMS sends for a wrapped Get, as the specification
    /// has it), else Byte String key material (Raw, Opaque, or key material wrapped with the No
    /// Encoding option, as PyKMIP sends it). `None` for a transparent key's structure or when
    /// the value is absent.
    ///
    /// ```
    /// use kmipkit::message::KeyBlock;
    /// use kmipkit::spec::CryptographicAlgorithm;
    /// let block = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![7u8; 32]);
    /// assert_eq!(block.key_bytes(), Some(&[7u8; 32][..]));
    /// ```
    pub fn key_bytes(&self) -> Option<&[u8]> {
        match &self.key_value {
            Some(KeyValue::Wrapped(bytes)) => Some(&bytes.0),
            Some(KeyValue::Structure(v)) => match &v.key_material {
                KeyMaterial::Bytes(bytes) => Some(&bytes.0),
                _ => None,
            },
            None => None,
        }
    }

    /// Whether the key value is wrapped.
    pub fn is_wrapped(&self) -> bool {
        self.key_wrapping_data.is_some()
    }
}

const KEY_BLOCK_TAGS: &[Tag] = &[
    Tag::KeyFormatType,
    Tag::KeyCompressionType,
    Tag::KeyValue,
    Tag::CryptographicAlgorithm,
    Tag::CryptographicLength,
    Tag::KeyWrappingData,
];

impl Struct for KeyBlock {
    fn to_children(&self, ctx: &Ctx) -> Vec<Item<'static>> {
        let mut out = Vec::new();
        self.key_format_type
            .write(Tag::KeyFormatType, ctx, &mut out);
        self.key_compression_type
            .write(Tag::KeyCompressionType, ctx, &mut out);
        self.key_value.write(Tag::KeyValue, ctx, &mut out);
        self.cryptographic_algorithm
            .write(Tag::CryptographicAlgorithm, ctx, &mut out);
        self.cryptographic_length
            .write(Tag::CryptographicLength, ctx, &mut out);
        self.key_wrapping_data
            .write(Tag::KeyWrappingData, ctx, &mut out);
        out.extend(self.extensions.iter().cloned());
        out
    }

    fn from_children(children: &[Item<'_>], ctx: &Ctx) -> Result<Self> {
        let key_format_type = read_member(children, &[Tag::KeyFormatType], ctx)?;
        let mut key_value: Option<KeyValue> = read_member(children, &[Tag::KeyValue], ctx)?;
        if let Some(KeyValue::Structure(value)) = &mut key_value {
            let material = std::mem::replace(
                &mut value.key_material,
                KeyMaterial::Bytes(Bytes::default()),
            );
            value.key_material = material
                .typed(key_format_type, ctx)
                .map_err(|e| in_parent(e, Tag::KeyValue))?;
        }
        Ok(Self {
            key_format_type,
            key_compression_type: read_member(children, &[Tag::KeyCompressionType], ctx)?,
            key_value,
            cryptographic_algorithm: read_member(children, &[Tag::CryptographicAlgorithm], ctx)?,
            cryptographic_length: read_member(children, &[Tag::CryptographicLength], ctx)?,
            key_wrapping_data: read_member(children, &[Tag::KeyWrappingData], ctx)?,
            extensions: unclaimed(children, KEY_BLOCK_TAGS, ctx)?,
        })
    }
}

/// A Key Value: a structure in the clear, or a byte string when wrapped as a whole.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum KeyValue {
    /// The Key Value structure: key material and attributes. With the No Encoding wrapping
    /// option its key material is the wrapped key bytes.
    Structure(KeyValueStructure),
    /// A wrapped, TTLV-encoded Key Value structure.
    Wrapped(Bytes),
}

impl Required for KeyValue {}
impl Field for KeyValue {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        match self {
            Self::Structure(v) => v.to_item(tag, ctx),
            Self::Wrapped(b) => b.to_item(tag, ctx),
        }
    }

    /// Reads the value; a structured Key Material stays untyped until its Key Block reads it.
    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match &item.value {
            Value::ByteString(_) => Bytes::from_item(item, ctx).map(Self::Wrapped),
            Value::Structure(_) => KeyValueStructure::from_item(item, ctx).map(Self::Structure),
            other => Err(wrong_type(item.tag, ItemType::Structure, other.item_type())),
        }
    }
}

kmip_struct! {
    /// The Key Value structure: the key material and attributes bound to it.
    pub struct KeyValueStructure {
        /// The key material: bytes, or a transparent key structure.
        key_material: KeyMaterial = KeyMaterial,
        /// Attributes wrapped with the key (1.x `Attribute` items, 2.x `Attributes`).
        attributes: Option<Attributes> = Attribute | Attributes,
    }
}

kmip_struct! {
    /// How a Key Value was wrapped.
    pub struct KeyWrappingData {
        /// Encrypt, MAC/sign, or both (in either order).
        wrapping_method: WrappingMethod = WrappingMethod,
        /// The key that encrypted the value.
        encryption_key_information: Option<EncryptionKeyInformation> = EncryptionKeyInformation,
        /// The key that MACed or signed the value.
        mac_signature_key_information: Option<MACSignatureKeyInformation> = MACSignatureKeyInformation,
        /// The MAC or signature.
        mac_signature: Option<Bytes> = MACSignature,
        /// IV, counter or nonce, if the wrapping method needs one.
        iv_counter_nonce: Option<Bytes> = IVCounterNonce,
        /// Encoding of the wrapped value (absent: TTLV encoded).
        encoding_option: Option<EncodingOption> = EncodingOption,
    }
}

kmip_struct! {
    /// The key used to encrypt a wrapped key, and how.
    pub struct EncryptionKeyInformation {
        /// The wrapping key.
        unique_identifier: String = UniqueIdentifier,
        /// Mode, padding and related parameters (else the key's own attribute applies).
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
    }
}

kmip_struct! {
    /// The key used to MAC or sign a wrapped key, and how.
    pub struct MACSignatureKeyInformation {
        /// The MAC key, or the private (or public) key of the signature.
        unique_identifier: String = UniqueIdentifier,
        /// Parameters of the MAC or signature.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
    }
}

kmip_struct! {
    /// How the server should wrap a key it returns (Get, Export).
    pub struct KeyWrappingSpecification {
        /// Encrypt, MAC/sign, or both.
        wrapping_method: WrappingMethod = WrappingMethod,
        /// The key to encrypt with.
        encryption_key_information: Option<EncryptionKeyInformation> = EncryptionKeyInformation,
        /// The key to MAC or sign with.
        mac_signature_key_information: Option<MACSignatureKeyInformation> = MACSignatureKeyInformation,
        /// Names of attributes to wrap together with the key material.
        attribute_name: Vec<String> = AttributeName,
        /// Encoding of the wrapped value (absent: TTLV encoded).
        encoding_option: Option<EncodingOption> = EncodingOption,
    }
}

impl EncryptionKeyInformation {
    /// The wrapping key `unique_identifier`, with optional parameters.
    pub fn new(
        unique_identifier: impl Into<String>,
        parameters: Option<CryptographicParameters>,
    ) -> Self {
        Self {
            unique_identifier: unique_identifier.into(),
            cryptographic_parameters: parameters,
            extensions: Vec::new(),
        }
    }
}

impl KeyWrappingSpecification {
    /// Encrypt the returned key with the key `encryption_key`.
    ///
    /// ```
    /// use kmipkit::message::{EncryptionKeyInformation, KeyWrappingSpecification};
    /// let spec = KeyWrappingSpecification::encrypt(EncryptionKeyInformation::new("kek-1", None));
    /// assert_eq!(spec.encryption_key_information.unwrap().unique_identifier, "kek-1");
    /// ```
    pub fn encrypt(encryption_key: EncryptionKeyInformation) -> Self {
        Self {
            wrapping_method: WrappingMethod::Encrypt,
            encryption_key_information: Some(encryption_key),
            mac_signature_key_information: None,
            attribute_name: Vec::new(),
            encoding_option: None,
            extensions: Vec::new(),
        }
    }

    /// AES key wrap (RFC 3394, NIST Key Wrap mode) of the returned key under the key
    /// `wrapping_key`, the wrapped bytes sent as they are (encoding option No Encoding, sent
    /// explicitly: PyKMIP refuses the default, TTLV encoding).
    ///
    /// ```
    /// use kmipkit::message::KeyWrappingSpecification;
    /// use kmipkit::spec::{BlockCipherMode, EncodingOption};
    /// let spec = KeyWrappingSpecification::aes_key_wrap("kek-1");
    /// let key = spec.encryption_key_information.unwrap();
    /// assert_eq!(key.unique_identifier, "kek-1");
    /// let mode = key.cryptographic_parameters.unwrap().block_cipher_mode;
    /// assert_eq!(mode, Some(BlockCipherMode::NISTKeyWrap));
    /// assert_eq!(spec.encoding_option, Some(EncodingOption::NoEncoding));
    /// ```
    pub fn aes_key_wrap(wrapping_key: impl Into<String>) -> Self {
        let parameters = CryptographicParameters {
            block_cipher_mode: Some(BlockCipherMode::NISTKeyWrap),
            ..Default::default()
        };
        let key = EncryptionKeyInformation::new(wrapping_key, Some(parameters));
        let mut spec = Self::encrypt(key);
        spec.encoding_option = Some(EncodingOption::NoEncoding);
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attribute;
    use crate::spec::ProtocolVersion;

    #[test]
    fn a_key_value_wrapped_as_a_whole_is_a_byte_string() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let wrapped = Item::structure(
            Tag::KeyBlock,
            vec![
                Item::new(Tag::KeyFormatType, Value::Enumeration(KeyFormatType::Raw.0)),
                Item::new(Tag::KeyValue, Value::ByteString(vec![9; 40].into())),
            ],
        );
        let block = KeyBlock::from_item(&wrapped, &ctx).unwrap();
        assert!(matches!(&block.key_value, Some(KeyValue::Wrapped(b)) if b.0.len() == 40));
        assert_eq!(block.key_material(), None);
        assert_eq!(block.key_bytes(), Some(&[9u8; 40][..]));
        assert_eq!(block.to_item(Tag::KeyBlock, &ctx), wrapped);
    }

    #[test]
    fn key_value_attributes_follow_the_version() {
        let mut block = KeyBlock::symmetric(CryptographicAlgorithm::AES, vec![1; 16]);
        assert_eq!(block.cryptographic_length, Some(128));
        let Some(KeyValue::Structure(value)) = &mut block.key_value else {
            unreachable!()
        };
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicLength(128));
        value.attributes = Some(attributes);
        let key_value_tags = |version| {
            let ctx = Ctx::new(version).strict();
            let item = block.to_item(Tag::KeyBlock, &ctx);
            assert_eq!(KeyBlock::from_item(&item, &ctx).unwrap(), block);
            let value = item.child(Tag::KeyValue).unwrap();
            value.children().iter().map(|c| c.tag).collect::<Vec<_>>()
        };
        assert_eq!(
            key_value_tags(ProtocolVersion::V1_4),
            [Tag::KeyMaterial, Tag::Attribute]
        );
        assert_eq!(
            key_value_tags(ProtocolVersion::V2_0),
            [Tag::KeyMaterial, Tag::Attributes]
        );
    }
}
