//! Cryptographic operations performed by the server: Encrypt, Decrypt, Sign, Signature Verify,
//! MAC, MAC Verify, RNG Retrieve, RNG Seed and Hash.
//!
//! Data, IVs, tags, MACs and signatures are [`Bytes`], whose `Debug` shows only the length.
//! The streaming members (Correlation Value, Init and Final Indicator) exist from KMIP 1.3,
//! the authenticated-encryption members and Digested Data from KMIP 1.4.

use crate::kmip_struct;
use crate::message::{Bytes, CryptographicParameters};
use crate::spec::ValidityIndicator;

kmip_struct! {
    /// Encrypt request.
    pub struct EncryptRequest {
        /// The key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Mode, padding, IV handling; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The plaintext.
        data: Option<Bytes> = Data,
        /// IV, counter or nonce, when the mode needs one and the server is not to pick it.
        iv_counter_nonce: Option<Bytes> = IVCounterNonce,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
        /// Additional authenticated data (AEAD modes such as GCM).
        authenticated_encryption_additional_data: Option<Bytes> = AuthenticatedEncryptionAdditionalData,
    }
}

kmip_struct! {
    /// Encrypt response.
    pub struct EncryptResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// The ciphertext.
        data: Option<Bytes> = Data,
        /// The IV the server generated (Random IV).
        iv_counter_nonce: Option<Bytes> = IVCounterNonce,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// The authentication tag (AEAD modes, last part).
        authenticated_encryption_tag: Option<Bytes> = AuthenticatedEncryptionTag,
    }
}

kmip_struct! {
    /// Decrypt request.
    pub struct DecryptRequest {
        /// The key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Mode and padding; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The ciphertext.
        data: Option<Bytes> = Data,
        /// IV, counter or nonce used to encrypt.
        iv_counter_nonce: Option<Bytes> = IVCounterNonce,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
        /// Additional authenticated data (AEAD modes).
        authenticated_encryption_additional_data: Option<Bytes> = AuthenticatedEncryptionAdditionalData,
        /// The authentication tag to check (AEAD modes).
        authenticated_encryption_tag: Option<Bytes> = AuthenticatedEncryptionTag,
    }
}

kmip_struct! {
    /// Decrypt response.
    pub struct DecryptResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// The plaintext.
        data: Option<Bytes> = Data,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

kmip_struct! {
    /// Sign request.
    pub struct SignRequest {
        /// The private key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Signature algorithm, padding, hash; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The data to sign.
        data: Option<Bytes> = Data,
        /// Or its digest, already computed.
        digested_data: Option<Bytes> = DigestedData,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
    }
}

kmip_struct! {
    /// Sign response.
    pub struct SignResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// The signature (absent until the last part).
        signature_data: Option<Bytes> = SignatureData,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

kmip_struct! {
    /// Signature Verify request.
    pub struct SignatureVerifyRequest {
        /// The public key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Signature algorithm, padding, hash; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The signed data.
        data: Option<Bytes> = Data,
        /// Or its digest.
        digested_data: Option<Bytes> = DigestedData,
        /// The signature to check.
        signature_data: Option<Bytes> = SignatureData,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
    }
}

kmip_struct! {
    /// Signature Verify response.
    pub struct SignatureVerifyResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// Valid, invalid or unknown.
        validity_indicator: ValidityIndicator = ValidityIndicator,
        /// Data recovered from the signature, for schemes that allow it.
        data: Option<Bytes> = Data,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

kmip_struct! {
    /// MAC request.
    pub struct MACRequest {
        /// The MAC key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The MAC algorithm; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The data.
        data: Option<Bytes> = Data,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
    }
}

kmip_struct! {
    /// MAC response.
    pub struct MACResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// The MAC (absent until the last part).
        mac_data: Option<Bytes> = MACData,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

kmip_struct! {
    /// MAC Verify request.
    pub struct MACVerifyRequest {
        /// The MAC key; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The MAC algorithm; the key's own parameters when absent.
        cryptographic_parameters: Option<CryptographicParameters> = CryptographicParameters,
        /// The data.
        data: Option<Bytes> = Data,
        /// The MAC to check.
        mac_data: Option<Bytes> = MACData,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
    }
}

kmip_struct! {
    /// MAC Verify response.
    pub struct MACVerifyResponse {
        /// The key used.
        unique_identifier: String = UniqueIdentifier,
        /// Valid, invalid or unknown.
        validity_indicator: ValidityIndicator = ValidityIndicator,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

kmip_struct! {
    /// RNG Retrieve request: random bytes from the server.
    pub struct RNGRetrieveRequest {
        /// How many bytes.
        data_length: i32 = DataLength,
    }
}

kmip_struct! {
    /// RNG Retrieve response.
    pub struct RNGRetrieveResponse {
        /// The random bytes.
        data: Bytes = Data,
    }
}

kmip_struct! {
    /// RNG Seed request: entropy for the server's generator.
    pub struct RNGSeedRequest {
        /// The seed.
        data: Bytes = Data,
    }
}

kmip_struct! {
    /// RNG Seed response.
    pub struct RNGSeedResponse {
        /// How many of the bytes the server used.
        data_length: i32 = DataLength,
    }
}

kmip_struct! {
    /// Hash request.
    pub struct HashRequest {
        /// The hashing algorithm.
        cryptographic_parameters: CryptographicParameters = CryptographicParameters,
        /// The data.
        data: Option<Bytes> = Data,
        /// Continues a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
        /// First part of a multi-part operation.
        init_indicator: Option<bool> = InitIndicator,
        /// Last part of a multi-part operation.
        final_indicator: Option<bool> = FinalIndicator,
    }
}

kmip_struct! {
    /// Hash response.
    pub struct HashResponse {
        /// The digest (absent until the last part).
        data: Option<Bytes> = Data,
        /// Pass to the next part of a multi-part operation.
        correlation_value: Option<Bytes> = CorrelationValue,
    }
}

/// Defines `new(unique_identifier, data)` for single-part keyed requests.
macro_rules! single_part {
    ($($ty:ident { $($none:ident),* }: $doc:literal,)*) => {$(
        impl $ty {
            #[doc = $doc]
            pub fn new(unique_identifier: Option<String>, data: impl Into<Bytes>) -> Self {
                Self {
                    unique_identifier,
                    data: Some(data.into()),
                    $($none: None,)*
                    extensions: Vec::new(),
                }
            }
        }
    )*};
}

single_part! {
    EncryptRequest {
        cryptographic_parameters, iv_counter_nonce, correlation_value, init_indicator,
        final_indicator, authenticated_encryption_additional_data
    }: "Encrypts `data` with key `unique_identifier` (the ID placeholder when `None`).",
    DecryptRequest {
        cryptographic_parameters, iv_counter_nonce, correlation_value, init_indicator,
        final_indicator, authenticated_encryption_additional_data, authenticated_encryption_tag
    }: "Decrypts `data` with key `unique_identifier` (the ID placeholder when `None`).",
    SignRequest {
        cryptographic_parameters, digested_data, correlation_value, init_indicator,
        final_indicator
    }: "Signs `data` with private key `unique_identifier` (the ID placeholder when `None`).",
    MACRequest {
        cryptographic_parameters, correlation_value, init_indicator, final_indicator
    }: "Computes the MAC of `data` with key `unique_identifier` (the ID placeholder when `None`).",
}

impl RNGRetrieveRequest {
    /// Asks for `data_length` random bytes.
    pub fn new(data_length: i32) -> Self {
        Self {
            data_length,
            extensions: Vec::new(),
        }
    }
}

impl HashRequest {
    /// Hashes `data` as `cryptographic_parameters` say (its Hashing Algorithm).
    pub fn new(cryptographic_parameters: CryptographicParameters, data: impl Into<Bytes>) -> Self {
        Self {
            cryptographic_parameters,
            data: Some(data.into()),
            correlation_value: None,
            init_indicator: None,
            final_indicator: None,
            extensions: Vec::new(),
        }
    }
}

impl SignatureVerifyRequest {
    /// Checks `signature` over `data` with public key `unique_identifier`.
    pub fn new(
        unique_identifier: Option<String>,
        data: impl Into<Bytes>,
        signature: impl Into<Bytes>,
    ) -> Self {
        Self {
            unique_identifier,
            cryptographic_parameters: None,
            data: Some(data.into()),
            digested_data: None,
            signature_data: Some(signature.into()),
            correlation_value: None,
            init_indicator: None,
            final_indicator: None,
            extensions: Vec::new(),
        }
    }
}

impl MACVerifyRequest {
    /// Checks `mac` over `data` with key `unique_identifier`.
    pub fn new(
        unique_identifier: Option<String>,
        data: impl Into<Bytes>,
        mac: impl Into<Bytes>,
    ) -> Self {
        Self {
            unique_identifier,
            cryptographic_parameters: None,
            data: Some(data.into()),
            mac_data: Some(mac.into()),
            correlation_value: None,
            init_indicator: None,
            final_indicator: None,
            extensions: Vec::new(),
        }
    }
}

impl RNGSeedRequest {
    /// Offers `seed` to the server's random number generator.
    pub fn new(seed: impl Into<Bytes>) -> Self {
        Self {
            data: seed.into(),
            extensions: Vec::new(),
        }
    }
}
