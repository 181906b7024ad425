//! Locate, Check and Get payloads.

use crate::kmip_struct;
use crate::message::{Attributes, Interval, KeyWrappingSpecification, Object};
use crate::spec::{
    CryptographicUsageMask, KeyCompressionType, KeyFormatType, KeyWrapType, ObjectGroupMember,
    ObjectType, StorageStatusMask,
};

kmip_struct! {
    /// Locate: find objects whose attributes match.
    pub struct LocateRequest {
        /// Return at most this many identifiers.
        maximum_items: Option<i32> = MaximumItems,
        /// Skip this many matches first (KMIP 1.3+).
        offset_items: Option<i32> = OffsetItems,
        /// Search on-line, archived and/or destroyed objects (absent: on-line only).
        storage_status_mask: Option<StorageStatusMask> = StorageStatusMask,
        /// Default or fresh group members.
        object_group_member: Option<ObjectGroupMember> = ObjectGroupMember,
        /// Attributes to match (1.x bare `Attribute` items, 2.x `Attributes`; empty matches all).
        attributes: Attributes = Attribute | Attributes,
    }
}

kmip_struct! {
    /// The matching objects.
    pub struct LocateResponse {
        /// Total number of matches, if the server counts them (KMIP 1.3+).
        located_items: Option<i32> = LocatedItems,
        /// The identifiers returned.
        unique_identifier: Vec<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Check: ask whether an object may be used as described.
    pub struct CheckRequest {
        /// The object (absent: the ID placeholder).
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Usage to be allowed, in Usage Limits units.
        usage_limits_count: Option<i64> = UsageLimitsCount,
        /// Intended cryptographic usage.
        cryptographic_usage_mask: Option<CryptographicUsageMask> = CryptographicUsageMask,
        /// Lease time wanted.
        lease_time: Option<Interval> = LeaseTime,
    }
}

kmip_struct! {
    /// The outcome of a check: the values the server refused, if any.
    pub struct CheckResponse {
        /// The object (absent on some failures).
        unique_identifier: Option<String> = UniqueIdentifier,
        /// The usage limits count the policy allows, when the request asked for more.
        usage_limits_count: Option<i64> = UsageLimitsCount,
        /// The usage mask, when the policy rejects it.
        cryptographic_usage_mask: Option<CryptographicUsageMask> = CryptographicUsageMask,
        /// The lease time the server may grant, when the request asked for more.
        lease_time: Option<Interval> = LeaseTime,
    }
}

kmip_struct! {
    /// Get: fetch an object, optionally in another format or wrapped.
    pub struct GetRequest {
        /// The object (absent: the ID placeholder).
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Key format wanted.
        key_format_type: Option<KeyFormatType> = KeyFormatType,
        /// Return the key as stored wrapped, or not wrapped (KMIP 1.4+).
        key_wrap_type: Option<KeyWrapType> = KeyWrapType,
        /// Elliptic-curve public key compression wanted.
        key_compression_type: Option<KeyCompressionType> = KeyCompressionType,
        /// How to wrap the returned key.
        key_wrapping_specification: Option<KeyWrappingSpecification> = KeyWrappingSpecification,
    }
}

kmip_struct! {
    /// The object.
    pub struct GetResponse {
        /// Its type.
        object_type: ObjectType = ObjectType,
        /// Its unique identifier.
        unique_identifier: String = UniqueIdentifier,
        /// The object, under its own tag.
        object: Object = SymmetricKey | Certificate | PublicKey | PrivateKey | SplitKey | Template
            | SecretData | OpaqueObject | PGPKey | CertificateRequest,
    }
}

impl LocateRequest {
    /// Locate the objects matching every one of `attributes`.
    pub fn new(attributes: Attributes) -> Self {
        Self {
            maximum_items: None,
            offset_items: None,
            storage_status_mask: None,
            object_group_member: None,
            attributes,
            extensions: Vec::new(),
        }
    }
}

impl CheckRequest {
    /// Check `unique_identifier` (`None`: the ID placeholder) with no further criteria.
    pub fn new(unique_identifier: Option<String>) -> Self {
        Self {
            unique_identifier,
            usage_limits_count: None,
            cryptographic_usage_mask: None,
            lease_time: None,
            extensions: Vec::new(),
        }
    }
}

impl GetRequest {
    /// Get `unique_identifier` (`None`: the ID placeholder) in its stored format.
    ///
    /// ```
    /// use kmipkit::message::{EncryptionKeyInformation, GetRequest, KeyWrappingSpecification};
    /// let mut request = GetRequest::new(Some("dek-7".into()));
    /// request.key_wrapping_specification =
    ///     Some(KeyWrappingSpecification::encrypt(EncryptionKeyInformation::new("kek-1", None)));
    /// assert!(request.key_wrapping_specification.is_some());
    /// ```
    pub fn new(unique_identifier: Option<String>) -> Self {
        Self {
            unique_identifier,
            key_format_type: None,
            key_wrap_type: None,
            key_compression_type: None,
            key_wrapping_specification: None,
            extensions: Vec::new(),
        }
    }
}
