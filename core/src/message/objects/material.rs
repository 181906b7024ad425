//! [`Object::material`]: the bytes a fetched object carries, decided once for every front end.
//!
//! The C library's `kmipkit_client_get` and Python's `Client.get` both hand the caller an
//! object's bytes; which field holds them (key material, secret data, opaque data, a
//! certificate's value) and which of them are secret is decided here, so the two cannot drift.

use super::Object;
use crate::keys::SecretBytes;

/// The bytes a fetched object carries, from [`Object::material`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Material<'a> {
    /// A certificate's encoded value (DER for X.509): public, so borrowed as it is.
    Certificate(&'a [u8]),
    /// Key material (as the server sent it: wrapped bytes stay wrapped), secret data or opaque
    /// data: copied into [`SecretBytes`], which is zeroized on drop, because the caller cannot
    /// tell a key from other data in an opaque object either.
    Secret(SecretBytes),
}

impl Material<'_> {
    /// The bytes, whichever kind they are (for a front end that protects them all alike).
    pub fn expose(&self) -> &[u8] {
        match self {
            Self::Certificate(bytes) => bytes,
            Self::Secret(secret) => secret.expose(),
        }
    }
}

impl Object {
    /// The bytes this object carries: a certificate's value, the key bytes of a key, split key,
    /// PGP key or secret data object ([`super::KeyBlock::key_bytes`]: wrapped as a whole, as
    /// Cosmian KMS sends it, or as key material, as PyKMIP does — the same bytes), or opaque
    /// data. `None` for an object with no bytes to give: a template, a certificate request, a
    /// transparent key (its material is a structure) or a key block without a value.
    ///
    /// ```
    /// use kmipkit::message::{Certificate, KeyBlock, Material, Object, SymmetricKey};
    /// use kmipkit::spec::{CertificateType, CryptographicAlgorithm};
    ///
    /// let key = Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(
    ///     CryptographicAlgorithm::AES,
    ///     vec![7u8; 32],
    /// )));
    /// let Some(Material::Secret(bytes)) = key.material() else { panic!("a key is secret") };
    /// assert_eq!(bytes.expose(), &[7u8; 32][..]); // zeroized when `bytes` drops
    ///
    /// let cert = Object::Certificate(Certificate::new(CertificateType::X_509, vec![0x30, 0x82]));
    /// assert!(matches!(cert.material(), Some(Material::Certificate(&[0x30, 0x82]))));
    /// ```
    pub fn material(&self) -> Option<Material<'_>> {
        match self {
            Self::Certificate(c) => Some(Material::Certificate(&c.certificate_value.0)),
            Self::OpaqueObject(o) => {
                Some(Material::Secret(o.opaque_data_value.0.as_slice().into()))
            }
            other => Some(Material::Secret(other.key_block()?.key_bytes()?.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attributes;
    use crate::message::{OpaqueObject, SecretData, Template};
    use crate::spec::{OpaqueDataType, SecretDataType};

    fn secret(object: &Object) -> Vec<u8> {
        match object.material() {
            Some(Material::Secret(s)) => s.expose().to_vec(),
            other => panic!("expected secret bytes, got {other:?}"),
        }
    }

    #[test]
    fn opaque_and_secret_data_are_secret() {
        let opaque =
            Object::OpaqueObject(OpaqueObject::new(OpaqueDataType(0x8000_0000), vec![1, 2]));
        assert_eq!(secret(&opaque), [1, 2]);
        let password =
            Object::SecretData(SecretData::new(SecretDataType::Password, b"pw".as_slice()));
        assert_eq!(secret(&password), b"pw");
    }

    #[test]
    fn a_template_has_no_bytes() {
        let template = Object::Template(Template {
            attributes: Attributes::default(),
            extensions: Vec::new(),
        });
        assert!(template.material().is_none());
    }

    #[test]
    fn expose_reads_either_kind() {
        let opaque = Object::OpaqueObject(OpaqueObject::new(OpaqueDataType(0x8000_0000), vec![9]));
        assert_eq!(opaque.material().unwrap().expose(), [9]);
        let cert = Object::Certificate(super::super::Certificate::new(
            crate::spec::CertificateType::X_509,
            vec![3],
        ));
        assert_eq!(cert.material().unwrap().expose(), [3]);
    }
}
