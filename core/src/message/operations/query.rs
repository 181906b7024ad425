//! Server discovery: Discover Versions, Query, and the capability structures a Query returns.

use crate::error::Result;
use crate::kmip_struct;
use crate::message::codec::{Ctx, Field, Required, Slot, Struct, read_member, wrong_type};
use crate::message::{Attributes, ProtectionStorageMasks};
use crate::spec::{
    self, AttestationType, ClientRegistrationMethod, CryptographicAlgorithm, DRBGAlgorithm,
    DestroyAction, FIPS186Variation, HashingAlgorithm, ObjectType, Operation, ProfileName,
    ProtocolVersion, QueryFunction, RNGAlgorithm, RNGMode, RecommendedCurve, ShreddingAlgorithm,
    Tag, UnwrapMode, ValidationAuthorityType, ValidationType,
};
use crate::ttlv::{Item, ItemType, Value};

kmip_struct! {
    /// Discover Versions request: the versions the client can speak, preferred first.
    pub struct DiscoverVersionsRequest {
        /// Client versions; empty asks for every version the server supports.
        protocol_version: Vec<ProtocolVersion> = ProtocolVersion,
    }
}

kmip_struct! {
    /// Discover Versions response: the versions both sides support, the server's preference first.
    pub struct DiscoverVersionsResponse {
        /// Supported versions; empty when there is none in common.
        protocol_version: Vec<ProtocolVersion> = ProtocolVersion,
    }
}

kmip_struct! {
    /// Query request: what to ask the server about.
    pub struct QueryRequest {
        /// The questions (operations, objects, server information, ...).
        query_function: Vec<QueryFunction> = QueryFunction,
    }
}

kmip_struct! {
    /// Query response: what the server supports, for the functions asked.
    pub struct QueryResponse {
        /// Supported operations.
        operation: Vec<Operation> = Operation,
        /// Supported object types.
        object_type: Vec<ObjectType> = ObjectType,
        /// The vendor, with Query Server Information.
        vendor_identification: Option<String> = VendorIdentification,
        /// Vendor-specific server details.
        server_information: Option<ServerInformation> = ServerInformation,
        /// Application namespaces the server generates data for.
        application_namespace: Vec<String> = ApplicationNamespace,
        /// Supported vendor extensions (KMIP 1.1+).
        extension_information: Vec<ExtensionInformation> = ExtensionInformation,
        /// Supported attestation types (KMIP 1.2+).
        attestation_type: Vec<AttestationType> = AttestationType,
        /// Random number generators (KMIP 1.3+).
        rng_parameters: Vec<RNGParameters> = RNGParameters,
        /// Supported profiles (KMIP 1.3+).
        profile_information: Vec<ProfileInformation> = ProfileInformation,
        /// Formal validations the server claims (KMIP 1.3+).
        validation_information: Vec<ValidationInformation> = ValidationInformation,
        /// Server capabilities (KMIP 1.3+).
        capability_information: Vec<CapabilityInformation> = CapabilityInformation,
        /// Supported client registration methods (KMIP 1.3+).
        client_registration_method: Vec<ClientRegistrationMethod> = ClientRegistrationMethod,
        /// Attribute defaults per object type (KMIP 2.0+).
        defaults_information: Option<DefaultsInformation> = DefaultsInformation,
        /// Supported protection storage masks (KMIP 2.0+).
        protection_storage_masks: Option<ProtectionStorageMasks> = ProtectionStorageMasks,
    }
}

/// Server Information: vendor-defined details about the server.
///
/// KMIP 2.0 names some fields (server name, version, build, ...); those are typed. Everything
/// else is vendor-defined in every version, so it is kept as items whatever its tag, and
/// never refused, even when decoding strictly.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ServerInformation {
    /// Server Name (KMIP 2.0+).
    pub server_name: Option<String>,
    /// Server Serial Number (KMIP 2.0+).
    pub server_serial_number: Option<String>,
    /// Server Version (KMIP 2.0+).
    pub server_version: Option<String>,
    /// Server Load (KMIP 2.0+).
    pub server_load: Option<String>,
    /// Product Name (KMIP 2.0+).
    pub product_name: Option<String>,
    /// Build Level (KMIP 2.0+).
    pub build_level: Option<String>,
    /// Build Date (KMIP 2.0+).
    pub build_date: Option<String>,
    /// Cluster Info (KMIP 2.0+).
    pub cluster_info: Option<String>,
    /// The vendor-specific children, in order.
    pub vendor_specific: Vec<Item<'static>>,
}

const SERVER_INFORMATION_TAGS: [Tag; 8] = [
    Tag::ServerName,
    Tag::ServerSerialNumber,
    Tag::ServerVersion,
    Tag::ServerLoad,
    Tag::ProductName,
    Tag::BuildLevel,
    Tag::BuildDate,
    Tag::ClusterInfo,
];

impl ServerInformation {
    /// One line for people: the server name, version and product name that the server gave,
    /// in that order, joined by spaces (what the C and Python `query` call `server_information`).
    /// Empty when it gave none of them.
    ///
    /// ```
    /// use kmipkit::message::ServerInformation;
    /// let mut info = ServerInformation::default();
    /// info.server_name = Some("PyKMIP".into());
    /// info.product_name = Some("kmip-server".into());
    /// assert_eq!(info.summary(), "PyKMIP kmip-server");
    /// ```
    pub fn summary(&self) -> String {
        [&self.server_name, &self.server_version, &self.product_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn fields(&self) -> [&Option<String>; 8] {
        [
            &self.server_name,
            &self.server_serial_number,
            &self.server_version,
            &self.server_load,
            &self.product_name,
            &self.build_level,
            &self.build_date,
            &self.cluster_info,
        ]
    }
}

impl Struct for ServerInformation {
    fn to_children(&self, ctx: &Ctx) -> Vec<Item<'static>> {
        let mut out = Vec::new();
        for (field, tag) in self.fields().into_iter().zip(SERVER_INFORMATION_TAGS) {
            field.write(tag, ctx, &mut out);
        }
        out.extend(self.vendor_specific.iter().cloned());
        out
    }

    fn from_children(children: &[Item<'_>], ctx: &Ctx) -> Result<Self> {
        let text = |tag: Tag| read_member::<Option<String>>(children, &[tag], ctx);
        Ok(Self {
            server_name: text(Tag::ServerName)?,
            server_serial_number: text(Tag::ServerSerialNumber)?,
            server_version: text(Tag::ServerVersion)?,
            server_load: text(Tag::ServerLoad)?,
            product_name: text(Tag::ProductName)?,
            build_level: text(Tag::BuildLevel)?,
            build_date: text(Tag::BuildDate)?,
            cluster_info: text(Tag::ClusterInfo)?,
            vendor_specific: children
                .iter()
                .filter(|c| !SERVER_INFORMATION_TAGS.contains(&c.tag))
                .map(|c| c.clone().into_owned())
                .collect(),
        })
    }
}

kmip_struct! {
    /// Extension Information: one vendor extension tag the server supports.
    pub struct ExtensionInformation {
        /// Name of the extension.
        extension_name: String = ExtensionName,
        /// Its tag value (with Query Extension Map).
        extension_tag: Option<i32> = ExtensionTag,
        /// Its item type (with Query Extension Map).
        extension_type: Option<ExtensionType> = ExtensionType,
        /// Its enumeration value, when it extends an enumeration (KMIP 2.0+).
        extension_enumeration: Option<i32> = ExtensionEnumeration,
        /// Whether it is an attribute (KMIP 2.0+).
        extension_attribute: Option<bool> = ExtensionAttribute,
        /// The tag of the structure it may appear in (KMIP 2.0+).
        extension_parent_structure_tag: Option<i32> = ExtensionParentStructureTag,
        /// Description (KMIP 2.0+).
        extension_description: Option<String> = ExtensionDescription,
    }
}

/// The item type of an extension: an Integer in KMIP 1.x, an `ItemType` enumeration in 2.x.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionType(pub spec::ItemType);

impl Required for ExtensionType {}
impl Field for ExtensionType {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        if ctx.v2() {
            return self.0.to_item(tag, ctx);
        }
        Item::new(tag, Value::Integer(self.0.0 as i32))
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match &item.value {
            Value::Integer(v) => Ok(Self(spec::ItemType(*v as u32))),
            Value::Enumeration(_) => spec::ItemType::from_item(item, ctx).map(Self),
            other => Err(wrong_type(item.tag, ItemType::Integer, other.item_type())),
        }
    }
}

kmip_struct! {
    /// RNG Parameters: describes one random number generator of the server.
    pub struct RNGParameters {
        /// The algorithm (`Unspecified` when the server does not say).
        rng_algorithm: RNGAlgorithm = RNGAlgorithm,
        /// Underlying cryptographic algorithm.
        cryptographic_algorithm: Option<CryptographicAlgorithm> = CryptographicAlgorithm,
        /// Its length in bits.
        cryptographic_length: Option<i32> = CryptographicLength,
        /// Underlying hash.
        hashing_algorithm: Option<HashingAlgorithm> = HashingAlgorithm,
        /// DRBG construction.
        drbg_algorithm: Option<DRBGAlgorithm> = DRBGAlgorithm,
        /// Elliptic curve (Dual EC DRBG).
        recommended_curve: Option<RecommendedCurve> = RecommendedCurve,
        /// FIPS 186 variation.
        fips186_variation: Option<FIPS186Variation> = FIPS186Variation,
        /// Whether prediction resistance is on.
        prediction_resistance: Option<bool> = PredictionResistance,
    }
}

kmip_struct! {
    /// Profile Information: a profile the server supports and where.
    pub struct ProfileInformation {
        /// The profile.
        profile_name: ProfileName = ProfileName,
        /// Version of the profile (KMIP 2.0+).
        profile_version: Option<ProfileVersion> = ProfileVersion,
        /// Where the server offers it.
        server_uri: Option<String> = ServerURI,
        /// On which port.
        server_port: Option<i32> = ServerPort,
    }
}

kmip_struct! {
    /// A profile version (KMIP 2.0+).
    pub struct ProfileVersion {
        /// Major number.
        profile_version_major: i32 = ProfileVersionMajor,
        /// Minor number.
        profile_version_minor: Option<i32> = ProfileVersionMinor,
    }
}

kmip_struct! {
    /// Validation Information: a formal validation (FIPS 140, Common Criteria, ...) of the server.
    pub struct ValidationInformation {
        /// Who validated.
        validation_authority_type: ValidationAuthorityType = ValidationAuthorityType,
        /// The authority's country.
        validation_authority_country: Option<String> = ValidationAuthorityCountry,
        /// The authority's URI.
        validation_authority_uri: Option<String> = ValidationAuthorityURI,
        /// Major version of the validation standard.
        validation_version_major: i32 = ValidationVersionMajor,
        /// Minor version of the validation standard.
        validation_version_minor: Option<i32> = ValidationVersionMinor,
        /// Kind of component validated.
        validation_type: ValidationType = ValidationType,
        /// Level reached.
        validation_level: i32 = ValidationLevel,
        /// Certificate identifier.
        validation_certificate_identifier: Option<String> = ValidationCertificateIdentifier,
        /// Certificate URI.
        validation_certificate_uri: Option<String> = ValidationCertificateURI,
        /// The vendor's URI for the validation.
        validation_vendor_uri: Option<String> = ValidationVendorURI,
        /// Profiles covered.
        validation_profile: Vec<String> = ValidationProfile,
    }
}

kmip_struct! {
    /// Capability Information: optional protocol features the server has.
    pub struct CapabilityInformation {
        /// Streaming (multi-part) cryptographic operations.
        streaming_capability: Option<bool> = StreamingCapability,
        /// Asynchronous operations.
        asynchronous_capability: Option<bool> = AsynchronousCapability,
        /// Attestation.
        attestation_capability: Option<bool> = AttestationCapability,
        /// Batch Undo (KMIP 1.4+).
        batch_undo_capability: Option<bool> = BatchUndoCapability,
        /// Batch Continue (KMIP 1.4+).
        batch_continue_capability: Option<bool> = BatchContinueCapability,
        /// How registered wrapped keys are stored.
        unwrap_mode: Option<UnwrapMode> = UnwrapMode,
        /// What Destroy does to key material.
        destroy_action: Option<DestroyAction> = DestroyAction,
        /// How key material is shredded.
        shredding_algorithm: Option<ShreddingAlgorithm> = ShreddingAlgorithm,
        /// How the RNG is instantiated.
        rng_mode: Option<RNGMode> = RNGMode,
        /// Quantum-safe operation (KMIP 2.0+).
        quantum_safe_capability: Option<bool> = QuantumSafeCapability,
    }
}

kmip_struct! {
    /// Defaults Information (KMIP 2.0+): attribute values the server uses when a client omits them.
    pub struct DefaultsInformation {
        /// Defaults, per object type.
        object_defaults: Vec<ObjectDefaults> = ObjectDefaults,
    }
}

kmip_struct! {
    /// Object Defaults (KMIP 2.0+): default attributes for one object type.
    pub struct ObjectDefaults {
        /// The object type.
        object_type: ObjectType = ObjectType,
        /// The default attributes.
        attributes: Attributes = Attributes,
    }
}

impl DiscoverVersionsRequest {
    /// Asks which of `versions` (every version when empty) the server supports.
    ///
    /// ```
    /// use kmipkit::message::DiscoverVersionsRequest;
    /// use kmipkit::spec::ProtocolVersion;
    /// let req = DiscoverVersionsRequest::new(vec![ProtocolVersion::V2_0, ProtocolVersion::V1_4]);
    /// assert_eq!(req.protocol_version[0], ProtocolVersion::V2_0);
    /// ```
    pub fn new(versions: Vec<ProtocolVersion>) -> Self {
        Self {
            protocol_version: versions,
            extensions: Vec::new(),
        }
    }
}

impl QueryRequest {
    /// Asks the server about `functions`.
    pub fn new(functions: Vec<QueryFunction>) -> Self {
        Self {
            query_function: functions,
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ProtocolVersion;

    #[test]
    fn server_information_keeps_vendor_content_even_when_strict() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let vendor = Item::new(Tag::VendorIdentification, Value::TextString("acme".into()));
        let item = Item::structure(
            Tag::ServerInformation,
            vec![
                Item::new(Tag::ServerName, Value::TextString("kms-1".into())),
                vendor.clone(),
            ],
        );
        let info = ServerInformation::from_item(&item, &ctx).unwrap();
        assert_eq!(info.server_name.as_deref(), Some("kms-1"));
        assert_eq!(info.vendor_specific, [vendor]);
        assert_eq!(info.to_item(Tag::ServerInformation, &ctx), item);
    }
}
