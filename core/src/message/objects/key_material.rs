//! Key Material: key bytes, or a transparent key structure chosen by the Key Format Type.

use crate::error::Result;
use crate::kmip_struct;
use crate::message::codec::{BigInt, Bytes, Ctx, Field, Required, wrong_type};
use crate::spec::{KeyFormatType, RecommendedCurve, Tag};
use crate::ttlv::{Item, ItemType, Value};

/// Key Material.
///
/// Bytes for the Raw, Opaque, PKCS#1, PKCS#8, ECPrivateKey and X.509 formats (and for a key
/// wrapped with the No Encoding option); a typed structure for the transparent formats.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum KeyMaterial {
    /// The key bytes (`Debug` shows only their length).
    Bytes(Bytes),
    /// Transparent Symmetric Key.
    TransparentSymmetricKey(TransparentSymmetricKey),
    /// Transparent DSA Private Key.
    TransparentDSAPrivateKey(TransparentDSAPrivateKey),
    /// Transparent DSA Public Key.
    TransparentDSAPublicKey(TransparentDSAPublicKey),
    /// Transparent RSA Private Key.
    TransparentRSAPrivateKey(TransparentRSAPrivateKey),
    /// Transparent RSA Public Key.
    TransparentRSAPublicKey(TransparentRSAPublicKey),
    /// Transparent DH Private Key.
    TransparentDHPrivateKey(TransparentDHPrivateKey),
    /// Transparent DH Public Key.
    TransparentDHPublicKey(TransparentDHPublicKey),
    /// Transparent EC Private Key (also the 1.x ECDSA, ECDH and ECMQV private key formats).
    TransparentECPrivateKey(TransparentECPrivateKey),
    /// Transparent EC Public Key (also the 1.x ECDSA, ECDH and ECMQV public key formats).
    TransparentECPublicKey(TransparentECPublicKey),
    /// A structure of an extension key format, kept as its `KeyMaterial` item.
    Other(Item<'static>),
}

impl KeyMaterial {
    /// Reads a structure kept as [`KeyMaterial::Other`] as the transparent key `format` names.
    pub(crate) fn typed(self, format: KeyFormatType, ctx: &Ctx) -> Result<Self> {
        let Self::Other(item) = self else {
            return Ok(self);
        };
        if !matches!(item.value, Value::Structure(_)) {
            return Ok(Self::Other(item));
        }
        let item = &item;
        Ok(match format {
            KeyFormatType::TransparentSymmetricKey => {
                Self::TransparentSymmetricKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentDSAPrivateKey => {
                Self::TransparentDSAPrivateKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentDSAPublicKey => {
                Self::TransparentDSAPublicKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentRSAPrivateKey => {
                Self::TransparentRSAPrivateKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentRSAPublicKey => {
                Self::TransparentRSAPublicKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentDHPrivateKey => {
                Self::TransparentDHPrivateKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentDHPublicKey => {
                Self::TransparentDHPublicKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentECPrivateKey
            | KeyFormatType::TransparentECDSAPrivateKey
            | KeyFormatType::TransparentECDHPrivateKey
            | KeyFormatType::TransparentECMQVPrivateKey => {
                Self::TransparentECPrivateKey(Field::from_item(item, ctx)?)
            }
            KeyFormatType::TransparentECPublicKey
            | KeyFormatType::TransparentECDSAPublicKey
            | KeyFormatType::TransparentECDHPublicKey
            | KeyFormatType::TransparentECMQVPublicKey => {
                Self::TransparentECPublicKey(Field::from_item(item, ctx)?)
            }
            _ => Self::Other(item.clone()),
        })
    }
}

impl Required for KeyMaterial {}
impl Field for KeyMaterial {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        match self {
            Self::Bytes(b) => b.to_item(tag, ctx),
            Self::TransparentSymmetricKey(k) => k.to_item(tag, ctx),
            Self::TransparentDSAPrivateKey(k) => k.to_item(tag, ctx),
            Self::TransparentDSAPublicKey(k) => k.to_item(tag, ctx),
            Self::TransparentRSAPrivateKey(k) => k.to_item(tag, ctx),
            Self::TransparentRSAPublicKey(k) => k.to_item(tag, ctx),
            Self::TransparentDHPrivateKey(k) => k.to_item(tag, ctx),
            Self::TransparentDHPublicKey(k) => k.to_item(tag, ctx),
            Self::TransparentECPrivateKey(k) => k.to_item(tag, ctx),
            Self::TransparentECPublicKey(k) => k.to_item(tag, ctx),
            Self::Other(item) => item.to_item(tag, ctx),
        }
    }

    /// Bytes, or a structure kept as [`KeyMaterial::Other`] until the Key Block types it.
    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match &item.value {
            Value::ByteString(_) => Bytes::from_item(item, ctx).map(Self::Bytes),
            Value::Structure(_) => Ok(Self::Other(item.clone().into_owned())),
            other => Err(wrong_type(
                item.tag,
                ItemType::ByteString,
                other.item_type(),
            )),
        }
    }
}

/// A Big Integer that is secret (a private exponent, a prime): `Debug` shows only its length, and
/// its bytes are zeroized on drop.
///
/// ```
/// use kmipkit::message::{BigInt, SecretBigInt};
/// let d = SecretBigInt(BigInt(vec![0x12, 0x34]));
/// assert_eq!(format!("{d:?}"), "SecretBigInt(<2 bytes>)");
/// # fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
/// wipes_on_drop(&d);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBigInt(pub BigInt);

impl Drop for SecretBigInt {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self.0.0.as_mut_slice());
    }
}

impl zeroize::ZeroizeOnDrop for SecretBigInt {}

impl std::fmt::Debug for SecretBigInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBigInt(<{} bytes>)", self.0.0.len())
    }
}

impl Required for SecretBigInt {}
impl Field for SecretBigInt {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        self.0.to_item(tag, ctx)
    }
    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        BigInt::from_item(item, ctx).map(Self)
    }
}

kmip_struct! {
    /// Transparent Symmetric Key.
    pub struct TransparentSymmetricKey {
        /// The key bytes.
        key: Bytes = Key,
    }
}

kmip_struct! {
    /// Transparent DSA Private Key.
    pub struct TransparentDSAPrivateKey {
        /// Prime modulus.
        p: BigInt = P,
        /// Prime divisor of P-1.
        q: BigInt = Q,
        /// Generator.
        g: BigInt = G,
        /// Private key.
        x: SecretBigInt = X,
    }
}

kmip_struct! {
    /// Transparent DSA Public Key.
    pub struct TransparentDSAPublicKey {
        /// Prime modulus.
        p: BigInt = P,
        /// Prime divisor of P-1.
        q: BigInt = Q,
        /// Generator.
        g: BigInt = G,
        /// Public key.
        y: BigInt = Y,
    }
}

kmip_struct! {
    /// Transparent RSA Private Key (PKCS#1 components).
    pub struct TransparentRSAPrivateKey {
        /// Modulus.
        modulus: BigInt = Modulus,
        /// Private exponent.
        private_exponent: Option<SecretBigInt> = PrivateExponent,
        /// Public exponent.
        public_exponent: Option<BigInt> = PublicExponent,
        /// First prime factor.
        p: Option<SecretBigInt> = P,
        /// Second prime factor.
        q: Option<SecretBigInt> = Q,
        /// d mod (p-1).
        prime_exponent_p: Option<SecretBigInt> = PrimeExponentP,
        /// d mod (q-1).
        prime_exponent_q: Option<SecretBigInt> = PrimeExponentQ,
        /// CRT coefficient q^-1 mod p.
        crt_coefficient: Option<SecretBigInt> = CRTCoefficient,
    }
}

kmip_struct! {
    /// Transparent RSA Public Key.
    pub struct TransparentRSAPublicKey {
        /// Modulus.
        modulus: BigInt = Modulus,
        /// Public exponent.
        public_exponent: BigInt = PublicExponent,
    }
}

kmip_struct! {
    /// Transparent DH Private Key.
    pub struct TransparentDHPrivateKey {
        /// Prime.
        p: BigInt = P,
        /// Prime factor of P-1.
        q: Option<BigInt> = Q,
        /// Generator.
        g: BigInt = G,
        /// (P-1)/Q.
        j: Option<BigInt> = J,
        /// Private key.
        x: SecretBigInt = X,
    }
}

kmip_struct! {
    /// Transparent DH Public Key.
    pub struct TransparentDHPublicKey {
        /// Prime.
        p: BigInt = P,
        /// Prime factor of P-1.
        q: Option<BigInt> = Q,
        /// Generator.
        g: BigInt = G,
        /// (P-1)/Q.
        j: Option<BigInt> = J,
        /// Public key.
        y: BigInt = Y,
    }
}

kmip_struct! {
    /// Transparent EC Private Key.
    pub struct TransparentECPrivateKey {
        /// The curve.
        recommended_curve: RecommendedCurve = RecommendedCurve,
        /// Private scalar.
        d: SecretBigInt = D,
    }
}

kmip_struct! {
    /// Transparent EC Public Key.
    pub struct TransparentECPublicKey {
        /// The curve.
        recommended_curve: RecommendedCurve = RecommendedCurve,
        /// Encoded public point.
        q_string: Bytes = QString,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::KeyBlock;
    use crate::spec::ProtocolVersion;

    fn big(tag: Tag, bytes: &[u8]) -> Item<'static> {
        Item::new(tag, Value::BigInteger(bytes.to_vec().into()))
    }

    fn key_block_item(format: KeyFormatType, material: Vec<Item<'static>>) -> Item<'static> {
        let value = Item::structure(
            Tag::KeyValue,
            vec![Item::structure(Tag::KeyMaterial, material)],
        );
        let format = Item::new(Tag::KeyFormatType, Value::Enumeration(format.0));
        Item::structure(Tag::KeyBlock, vec![format, value])
    }

    #[test]
    fn transparent_key_material_is_typed_by_the_key_format_type() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let exponent = big(Tag::PublicExponent, &[0, 0, 0, 0, 0, 1, 0, 1]);
        let rsa = key_block_item(
            KeyFormatType::TransparentRSAPublicKey,
            vec![big(Tag::Modulus, &[0xC5; 8]), exponent],
        );
        let block = KeyBlock::from_item(&rsa, &ctx).unwrap();
        let Some(KeyMaterial::TransparentRSAPublicKey(public)) = block.key_material() else {
            panic!("{block:?}")
        };
        assert_eq!(public.public_exponent.0, [0, 0, 0, 0, 0, 1, 0, 1]);
        assert_eq!(block.to_item(Tag::KeyBlock, &ctx), rsa);

        let curve = Item::new(
            Tag::RecommendedCurve,
            Value::Enumeration(RecommendedCurve::P_256.0),
        );
        let ec = key_block_item(
            KeyFormatType::TransparentECDSAPrivateKey,
            vec![curve, big(Tag::D, &[0x5E; 32])],
        );
        let block = KeyBlock::from_item(&ec, &ctx).unwrap();
        let Some(KeyMaterial::TransparentECPrivateKey(private)) = block.key_material() else {
            panic!("{block:?}")
        };
        assert_eq!(private.recommended_curve, RecommendedCurve::P_256);
        assert_eq!(format!("{:?}", private.d), "SecretBigInt(<32 bytes>)");
        assert_eq!(block.to_item(Tag::KeyBlock, &ctx), ec);
    }

    #[test]
    fn extension_formats_stay_raw_and_unknown_children_are_refused_strictly() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let key = Item::new(Tag::Key, Value::ByteString(vec![1].into()));
        let vendor = key_block_item(KeyFormatType(0x8000_0001), vec![key.clone()]);
        let block = KeyBlock::from_item(&vendor, &ctx).unwrap();
        assert!(matches!(block.key_material(), Some(KeyMaterial::Other(_))));
        assert_eq!(block.to_item(Tag::KeyBlock, &ctx), vendor);

        let odd = key_block_item(
            KeyFormatType::TransparentSymmetricKey,
            vec![key, big(Tag::Modulus, &[1])],
        );
        let err = KeyBlock::from_item(&odd, &ctx).unwrap_err().to_string();
        assert!(
            err.contains("KeyBlock/KeyValue/KeyMaterial/Modulus"),
            "{err}"
        );
    }
}
