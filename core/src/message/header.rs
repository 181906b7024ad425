//! Message headers, protocol version and authentication.

use super::codec::{Bytes, Ctx, DateTime, Field, Required};
use crate::error::{Error, Result};
use zeroize::Zeroizing;

use crate::kmip_struct;
use crate::spec::{
    AttestationType, BatchErrorContinuationOption, CredentialType, ProtocolVersion, Tag,
};
use crate::ttlv::{Item, Value};

impl Required for ProtocolVersion {}
impl Field for ProtocolVersion {
    fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
        Item::structure(
            tag,
            vec![
                Item::new(Tag::ProtocolVersionMajor, Value::Integer(self.major)),
                Item::new(Tag::ProtocolVersionMinor, Value::Integer(self.minor)),
            ],
        )
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let part = |tag: Tag| match item.child(tag) {
            Some(c) => i32::from_item(c, ctx),
            None => Err(Error::model(
                format!("{:?}/{tag:?}", item.tag),
                "required item is missing",
            )),
        };
        Ok(ProtocolVersion {
            major: part(Tag::ProtocolVersionMajor)?,
            minor: part(Tag::ProtocolVersionMinor)?,
        })
    }
}

kmip_struct! {
    /// The header of a request message.
    pub struct RequestHeader {
        /// Protocol version of the request.
        protocol_version: ProtocolVersion = ProtocolVersion,
        /// Largest response the client accepts, in bytes.
        maximum_response_size: Option<i32> = MaximumResponseSize,
        /// Client Correlation Value (KMIP 1.4+), echoed in logs.
        client_correlation_value: Option<String> = ClientCorrelationValue,
        /// Server Correlation Value (KMIP 1.4+).
        server_correlation_value: Option<String> = ServerCorrelationValue,
        /// Asynchronous Indicator.
        asynchronous_indicator: Option<bool> = AsynchronousIndicator,
        /// Attestation Capable Indicator.
        attestation_capable_indicator: Option<bool> = AttestationCapableIndicator,
        /// Attestation types the client supports.
        attestation_type: Vec<AttestationType> = AttestationType,
        /// Credentials.
        authentication: Option<Authentication> = Authentication,
        /// What to do when a batch item fails.
        batch_error_continuation_option: Option<BatchErrorContinuationOption> = BatchErrorContinuationOption,
        /// Whether batch items must run in order.
        batch_order_option: Option<bool> = BatchOrderOption,
        /// When the client sent the request.
        time_stamp: Option<DateTime> = TimeStamp,
        /// Number of batch items.
        batch_count: i32 = BatchCount,
    }
}

kmip_struct! {
    /// The header of a response message.
    pub struct ResponseHeader {
        /// Protocol version of the response.
        protocol_version: ProtocolVersion = ProtocolVersion,
        /// When the server answered.
        time_stamp: DateTime = TimeStamp,
        /// Nonce for attestation.
        nonce: Option<Nonce> = Nonce,
        /// Server hashed password (KMIP 2.0).
        server_hashed_password: Option<Bytes> = ServerHashedPassword,
        /// Attestation types the server requires.
        attestation_type: Vec<AttestationType> = AttestationType,
        /// Client Correlation Value.
        client_correlation_value: Option<String> = ClientCorrelationValue,
        /// Server Correlation Value.
        server_correlation_value: Option<String> = ServerCorrelationValue,
        /// Number of batch items.
        batch_count: i32 = BatchCount,
    }
}

impl RequestHeader {
    /// A header for `version` announcing `batch_count` items; every optional member empty.
    ///
    /// ```
    /// use kmipkit::message::RequestHeader;
    /// use kmipkit::spec::ProtocolVersion;
    /// let mut header = RequestHeader::new(ProtocolVersion::V1_4, 1);
    /// header.maximum_response_size = Some(1 << 20);
    /// assert_eq!(header.batch_count, 1);
    /// ```
    pub fn new(protocol_version: ProtocolVersion, batch_count: i32) -> Self {
        Self {
            protocol_version,
            maximum_response_size: None,
            client_correlation_value: None,
            server_correlation_value: None,
            asynchronous_indicator: None,
            attestation_capable_indicator: None,
            attestation_type: Vec::new(),
            authentication: None,
            batch_error_continuation_option: None,
            batch_order_option: None,
            time_stamp: None,
            batch_count,
            extensions: Vec::new(),
        }
    }
}

impl ResponseHeader {
    /// A header for `version`, stamped `time_stamp`, announcing `batch_count` items.
    pub fn new(protocol_version: ProtocolVersion, time_stamp: DateTime, batch_count: i32) -> Self {
        Self {
            protocol_version,
            time_stamp,
            nonce: None,
            server_hashed_password: None,
            attestation_type: Vec::new(),
            client_correlation_value: None,
            server_correlation_value: None,
            batch_count,
            extensions: Vec::new(),
        }
    }
}

impl Authentication {
    /// Authentication with one credential.
    pub fn new(credential: Credential) -> Self {
        Self {
            credential: vec![credential],
            extensions: Vec::new(),
        }
    }
}

kmip_struct! {
    /// A server nonce.
    pub struct Nonce {
        /// Nonce identifier.
        nonce_id: Bytes = NonceID,
        /// Nonce value.
        nonce_value: Bytes = NonceValue,
    }
}

kmip_struct! {
    /// The Authentication structure: one or more credentials.
    pub struct Authentication {
        /// Credentials (KMIP 1.x sends one).
        credential: Vec<Credential> = Credential,
    }
}

/// A credential. Passwords are redacted from `Debug`.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Credential {
    /// Username and optional password.
    UsernameAndPassword {
        /// The user name.
        username: String,
        /// The password, if any; wiped from memory when dropped.
        password: Option<Zeroizing<String>>,
    },
    /// Any other credential type, kept as its Credential Value item.
    Other {
        /// The credential type.
        credential_type: CredentialType,
        /// The Credential Value item.
        value: Item<'static>,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UsernameAndPassword { username, password } => f
                .debug_struct("UsernameAndPassword")
                .field("username", username)
                .field("password", &password.as_ref().map(|_| "<redacted>"))
                .finish(),
            Self::Other {
                credential_type, ..
            } => f
                .debug_struct("Other")
                .field("credential_type", credential_type)
                .finish_non_exhaustive(),
        }
    }
}

impl Required for Credential {}
impl Field for Credential {
    fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
        let (credential_type, value) = match self {
            Self::UsernameAndPassword { username, password } => {
                let mut children = vec![Item::new(
                    Tag::Username,
                    Value::TextString(username.clone().into()),
                )];
                if let Some(p) = password {
                    children.push(Item::new(
                        Tag::Password,
                        Value::TextString(p.as_str().to_owned().into()),
                    ));
                }
                (
                    CredentialType::UsernameAndPassword,
                    Item::structure(Tag::CredentialValue, children),
                )
            }
            Self::Other {
                credential_type,
                value,
            } => (*credential_type, value.clone()),
        };
        Item::structure(
            tag,
            vec![
                Item::new(Tag::CredentialType, Value::Enumeration(credential_type.0)),
                value,
            ],
        )
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let missing =
            |what: &str| Error::model(format!("{:?}", item.tag), format!("{what} is missing"));
        let credential_type = CredentialType::from_item(
            item.child(Tag::CredentialType)
                .ok_or_else(|| missing("CredentialType"))?,
            ctx,
        )?;
        let value = item
            .child(Tag::CredentialValue)
            .ok_or_else(|| missing("CredentialValue"))?;
        if credential_type == CredentialType::UsernameAndPassword
            && value
                .children()
                .iter()
                .all(|c| matches!(c.tag, Tag::Username | Tag::Password))
        {
            let username = value
                .child(Tag::Username)
                .ok_or_else(|| missing("Username"))?;
            return Ok(Self::UsernameAndPassword {
                username: String::from_item(username, ctx)?,
                password: value
                    .child(Tag::Password)
                    .map(|p| String::from_item(p, ctx).map(Zeroizing::new))
                    .transpose()?,
            });
        }
        Ok(Self::Other {
            credential_type,
            value: value.clone().into_owned(),
        })
    }
}
