//! Register of bytes the caller supplies, with the object defaults of each kind.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::message::{
    Attributes, Certificate, KeyBlock, Object, OpaqueObject, RegisterRequest, SecretData,
    SymmetricKey,
};
use crate::spec::{
    CertificateType, CryptographicAlgorithm, ObjectType, OpaqueDataType, SecretDataType,
};

/// The opaque data type registered opaque objects get: KMIP defines none, and PyKMIP accepts
/// only its own vendor value (0x80000000, its "None").
const OPAQUE_DATA_TYPE: OpaqueDataType = OpaqueDataType(0x8000_0000);

/// The object a Register of `material` as `object_type` sends, with these defaults:
///
/// | object type    | object                                                          |
/// |----------------|-----------------------------------------------------------------|
/// | `SymmetricKey` | raw key of `algorithm` (default AES), length from the bytes      |
/// | `SecretData`   | secret data of type Password                                    |
/// | `OpaqueObject` | opaque data of type 0x80000000 (PyKMIP's only one)              |
/// | `Certificate`  | an X.509 certificate (DER)                                      |
///
/// Other object types, and an `algorithm` for anything but a symmetric key, are refused with
/// [`Error::Encode`] naming what is accepted.
///
/// ```
/// use kmipkit::client::catalog::registrable;
/// use kmipkit::message::Object;
/// use kmipkit::spec::{CryptographicAlgorithm, ObjectType};
/// let key = registrable(ObjectType::SymmetricKey, vec![7; 32], None).unwrap();
/// let block = key.key_block().unwrap();
/// assert_eq!(block.cryptographic_algorithm, Some(CryptographicAlgorithm::AES));
/// assert_eq!(block.cryptographic_length, Some(256));
/// assert!(registrable(ObjectType::PrivateKey, vec![1], None).is_err());
/// ```
pub fn registrable(
    object_type: ObjectType,
    material: Vec<u8>,
    algorithm: Option<CryptographicAlgorithm>,
) -> Result<Object> {
    if algorithm.is_some() && object_type != ObjectType::SymmetricKey {
        return Err(refused(format!(
            "an algorithm applies to a SymmetricKey only, not to a {}; leave it out",
            object_type
        )));
    }
    Ok(match object_type {
        ObjectType::SymmetricKey => {
            let algorithm = algorithm.unwrap_or(CryptographicAlgorithm::AES);
            Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(algorithm, material)))
        }
        ObjectType::SecretData => {
            Object::SecretData(SecretData::new(SecretDataType::Password, material))
        }
        ObjectType::OpaqueObject => {
            Object::OpaqueObject(OpaqueObject::new(OPAQUE_DATA_TYPE, material))
        }
        ObjectType::Certificate => {
            Object::Certificate(Certificate::new(CertificateType::X_509, material))
        }
        other => {
            return Err(refused(format!(
                "cannot register a {other} from bytes; use SymmetricKey, SecretData, \
                 OpaqueObject or Certificate"
            )));
        }
    })
}

fn refused(reason: String) -> Error {
    Error::Encode {
        what: "Register request".into(),
        reason,
    }
}

impl Client {
    /// Registers `material` as an object of `object_type` (the defaults of [`registrable`])
    /// with `attributes`; returns its unique identifier. Like every creating operation it is
    /// never sent twice by failover.
    ///
    /// ```no_run
    /// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
    /// use kmipkit::message::{Attribute, Attributes, Name};
    /// use kmipkit::spec::{CryptographicAlgorithm, ObjectType};
    /// let mut attributes = Attributes::default();
    /// attributes.push(Attribute::Name(Name::text("mac-key")));
    /// let id = client
    ///     .register_material(
    ///         ObjectType::SymmetricKey,
    ///         vec![0x42; 32],
    ///         Some(CryptographicAlgorithm::HMAC_SHA256),
    ///         attributes,
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn register_material(
        &self,
        object_type: ObjectType,
        material: Vec<u8>,
        algorithm: Option<CryptographicAlgorithm>,
        attributes: Attributes,
    ) -> Result<String> {
        let object = registrable(object_type, material, algorithm)?;
        let request = RegisterRequest::new(object, attributes);
        Ok(self.register(request).await?.unique_identifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{CryptographicAlgorithm as Alg, KeyFormatType};

    #[test]
    fn each_kind_gets_its_defaults() {
        let key = registrable(
            ObjectType::SymmetricKey,
            vec![1; 16],
            Some(Alg::HMAC_SHA256),
        );
        let key = key.unwrap();
        let block = key.key_block().unwrap();
        assert_eq!(block.key_format_type, KeyFormatType::Raw);
        assert_eq!(block.cryptographic_algorithm, Some(Alg::HMAC_SHA256));
        assert_eq!(block.cryptographic_length, Some(128));

        let Ok(Object::SecretData(s)) = registrable(ObjectType::SecretData, b"pw".to_vec(), None)
        else {
            panic!("not secret data")
        };
        assert_eq!(s.secret_data_type, SecretDataType::Password);

        let Ok(Object::OpaqueObject(o)) = registrable(ObjectType::OpaqueObject, vec![9], None)
        else {
            panic!("not an opaque object")
        };
        assert_eq!(o.opaque_data_type, OPAQUE_DATA_TYPE);
        assert_eq!(o.opaque_data_value.0, [9]);

        let Ok(Object::Certificate(c)) = registrable(ObjectType::Certificate, vec![0x30], None)
        else {
            panic!("not a certificate")
        };
        assert_eq!(c.certificate_type, CertificateType::X_509);
    }

    #[test]
    fn other_kinds_and_misplaced_algorithms_are_refused_by_name() {
        let err = registrable(ObjectType::PrivateKey, vec![1], None).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Encode);
        let text = err.to_string();
        assert!(
            text.contains("PrivateKey") && text.contains("SymmetricKey"),
            "{text}"
        );

        let err = registrable(ObjectType::SecretData, vec![1], Some(Alg::AES)).unwrap_err();
        assert!(err.to_string().contains("SymmetricKey only"), "{err}");
        // An unknown (vendor) object type is named by its number.
        let err = registrable(ObjectType(0x8000_0010), vec![1], None).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Encode);
    }

    #[test]
    fn refusals_do_not_quote_the_material() {
        let secret = b"hunter2-hunter2".to_vec();
        let err = registrable(ObjectType::PublicKey, secret, None).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert!(!format!("{err:?}").contains("hunter2"));
    }
}
