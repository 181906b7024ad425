//! Structured attribute values (Name, Link, Digest, Cryptographic Parameters, ...).

use super::codec::Bytes;
use crate::kmip_struct;
use crate::spec::{
    AlternativeNameType, BlockCipherMode, CryptographicAlgorithm, DigitalSignatureAlgorithm,
    HashingAlgorithm, KeyFormatType, KeyRoleType, KeyValueLocationType, LinkType, MaskGenerator,
    NameType, PaddingMethod, RecommendedCurve, RevocationReasonCode, UsageLimitsUnit,
};

kmip_struct! {
    /// A Name attribute: a text name and how to interpret it.
    pub struct Name {
        /// The name.
        name_value: String = NameValue,
        /// Usually `UninterpretedTextString`.
        name_type: NameType = NameType,
    }
}

impl Name {
    /// An uninterpreted text name, the kind applications look keys up by.
    ///
    /// ```
    /// let name = kmipkit::message::Name::text("payments-kek");
    /// assert_eq!(name.name_value, "payments-kek");
    /// ```
    pub fn text(value: impl Into<String>) -> Self {
        Self {
            name_value: value.into(),
            name_type: NameType::UninterpretedTextString,
            extensions: Vec::new(),
        }
    }
}

kmip_struct! {
    /// A Link from one managed object to another.
    pub struct Link {
        /// The relationship (for example `PublicKeyLink`, `ReplacementObjectLink`).
        link_type: LinkType = LinkType,
        /// The linked object's unique identifier.
        linked_object_identifier: String = LinkedObjectIdentifier,
    }
}

kmip_struct! {
    /// A Digest of an object's key material.
    pub struct Digest {
        /// Hash algorithm used.
        hashing_algorithm: HashingAlgorithm = HashingAlgorithm,
        /// The digest (absent when the server cannot compute it).
        digest_value: Option<Bytes> = DigestValue,
        /// Key format the digest was computed over.
        key_format_type: Option<KeyFormatType> = KeyFormatType,
    }
}

kmip_struct! {
    /// Cryptographic Parameters: mode, padding, hashing and related options of an operation.
    #[derive(Default)]
    pub struct CryptographicParameters {
        /// Block cipher mode (CBC, GCM, ...).
        block_cipher_mode: Option<BlockCipherMode> = BlockCipherMode,
        /// Padding method.
        padding_method: Option<PaddingMethod> = PaddingMethod,
        /// Hashing algorithm.
        hashing_algorithm: Option<HashingAlgorithm> = HashingAlgorithm,
        /// Key role (for payment keys).
        key_role_type: Option<KeyRoleType> = KeyRoleType,
        /// Digital signature algorithm.
        digital_signature_algorithm: Option<DigitalSignatureAlgorithm> = DigitalSignatureAlgorithm,
        /// Cryptographic algorithm.
        cryptographic_algorithm: Option<CryptographicAlgorithm> = CryptographicAlgorithm,
        /// Whether the server picks a random IV.
        random_iv: Option<bool> = RandomIV,
        /// IV length in bits.
        iv_length: Option<i32> = IVLength,
        /// Authentication tag length in bytes (GCM).
        tag_length: Option<i32> = TagLength,
        /// Length of the fixed field of the IV.
        fixed_field_length: Option<i32> = FixedFieldLength,
        /// Length of the invocation field of the IV.
        invocation_field_length: Option<i32> = InvocationFieldLength,
        /// Counter length for CTR mode.
        counter_length: Option<i32> = CounterLength,
        /// Initial counter value.
        initial_counter_value: Option<i32> = InitialCounterValue,
        /// Salt length (PSS).
        salt_length: Option<i32> = SaltLength,
        /// Mask generator (OAEP, PSS).
        mask_generator: Option<MaskGenerator> = MaskGenerator,
        /// Hash used by the mask generator.
        mask_generator_hashing_algorithm: Option<HashingAlgorithm> = MaskGeneratorHashingAlgorithm,
        /// OAEP label.
        p_source: Option<Bytes> = PSource,
        /// Trailer field (PSS).
        trailer_field: Option<i32> = TrailerField,
    }
}

kmip_struct! {
    /// Cryptographic Domain Parameters for key-pair generation.
    #[derive(Default)]
    pub struct CryptographicDomainParameters {
        /// Length of Q in bits (DSA, DH).
        qlength: Option<i32> = Qlength,
        /// Named elliptic curve.
        recommended_curve: Option<RecommendedCurve> = RecommendedCurve,
    }
}

kmip_struct! {
    /// Usage Limits: how much a key may still be used.
    pub struct UsageLimits {
        /// Total allowed.
        usage_limits_total: i64 = UsageLimitsTotal,
        /// Remaining.
        usage_limits_count: Option<i64> = UsageLimitsCount,
        /// Unit (bytes or objects).
        usage_limits_unit: UsageLimitsUnit = UsageLimitsUnit,
    }
}

kmip_struct! {
    /// Why an object was revoked.
    pub struct RevocationReason {
        /// The reason code.
        revocation_reason_code: RevocationReasonCode = RevocationReasonCode,
        /// Free-text explanation.
        revocation_message: Option<String> = RevocationMessage,
    }
}

kmip_struct! {
    /// Application Specific Information: a namespace and data.
    pub struct ApplicationSpecificInformation {
        /// The application namespace.
        application_namespace: String = ApplicationNamespace,
        /// The data (optional in KMIP 1.3 and later, when the server generates it).
        application_data: Option<String> = ApplicationData,
    }
}

kmip_struct! {
    /// Alternative Name of an object.
    pub struct AlternativeName {
        /// The value.
        alternative_name_value: String = AlternativeNameValue,
        /// What kind of name it is.
        alternative_name_type: AlternativeNameType = AlternativeNameType,
    }
}

kmip_struct! {
    /// Where key material kept outside the server can be found.
    pub struct KeyValueLocation {
        /// The location.
        key_value_location_value: String = KeyValueLocationValue,
        /// How to read the location.
        key_value_location_type: KeyValueLocationType = KeyValueLocationType,
    }
}

kmip_struct! {
    /// X.509 certificate identifier (issuer and serial number).
    pub struct X509CertificateIdentifier {
        /// DER issuer distinguished name.
        issuer_distinguished_name: Bytes = IssuerDistinguishedName,
        /// Serial number bytes.
        certificate_serial_number: Bytes = CertificateSerialNumber,
    }
}

kmip_struct! {
    /// X.509 certificate subject.
    pub struct X509CertificateSubject {
        /// DER subject distinguished name.
        subject_distinguished_name: Bytes = SubjectDistinguishedName,
        /// Subject alternative names.
        subject_alternative_name: Vec<Bytes> = SubjectAlternativeName,
    }
}

kmip_struct! {
    /// X.509 certificate issuer.
    pub struct X509CertificateIssuer {
        /// DER issuer distinguished name.
        issuer_distinguished_name: Bytes = IssuerDistinguishedName,
        /// Issuer alternative names.
        issuer_alternative_name: Vec<Bytes> = IssuerAlternativeName,
    }
}

kmip_struct! {
    /// Certificate identifier of KMIP 1.0 (text issuer and serial number).
    pub struct CertificateIdentifier {
        /// Issuer.
        issuer: String = Issuer,
        /// Serial number.
        serial_number: Option<String> = SerialNumber,
    }
}

kmip_struct! {
    /// Certificate subject of KMIP 1.0.
    pub struct CertificateSubject {
        /// Subject distinguished name.
        certificate_subject_distinguished_name: String = CertificateSubjectDistinguishedName,
        /// Subject alternative names.
        certificate_subject_alternative_name: Vec<String> = CertificateSubjectAlternativeName,
    }
}

kmip_struct! {
    /// Certificate issuer of KMIP 1.0.
    pub struct CertificateIssuer {
        /// Issuer distinguished name.
        certificate_issuer_distinguished_name: String = CertificateIssuerDistinguishedName,
        /// Issuer alternative names.
        certificate_issuer_alternative_name: Vec<String> = CertificateIssuerAlternativeName,
    }
}
