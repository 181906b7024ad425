//! Request and response payloads, typed by operation.

use super::codec::{Ctx, Field};
use super::operations::*;
use crate::error::Result;
use crate::spec::{Operation, Tag};
use crate::ttlv::Item;

macro_rules! operations {
    ($( $(#[$doc:meta])* $op:ident($req:ident, $resp:ident), )*) => {
        /// The payload of a request batch item, typed by its operation.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum RequestPayload {
            $( $(#[$doc])* $op($req), )*
            /// An operation without a typed payload here, kept as its `RequestPayload` item.
            Other(Operation, Item<'static>),
        }

        /// The payload of a response batch item, typed by its operation.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum ResponsePayload {
            $( $(#[$doc])* $op($resp), )*
            /// An operation without a typed payload here, kept as its `ResponsePayload` item.
            Other(Operation, Item<'static>),
        }

        impl RequestPayload {
            /// The operation this payload belongs to.
            pub fn operation(&self) -> Operation {
                match self {
                    $( Self::$op(_) => Operation::$op, )*
                    Self::Other(op, _) => *op,
                }
            }

            pub(crate) fn to_item(&self, ctx: &Ctx) -> Item<'static> {
                match self {
                    $( Self::$op(p) => p.to_item(Tag::RequestPayload, ctx), )*
                    Self::Other(_, item) => item.to_item(Tag::RequestPayload, ctx),
                }
            }

            pub(crate) fn from_item(op: Operation, item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
                $( if op == Operation::$op {
                    return <$req>::from_item(item, ctx).map(Self::$op);
                } )*
                Ok(Self::Other(op, item.clone().into_owned()))
            }
        }

        impl ResponsePayload {
            /// The operation this payload belongs to.
            pub fn operation(&self) -> Operation {
                match self {
                    $( Self::$op(_) => Operation::$op, )*
                    Self::Other(op, _) => *op,
                }
            }

            pub(crate) fn to_item(&self, ctx: &Ctx) -> Item<'static> {
                match self {
                    $( Self::$op(p) => p.to_item(Tag::ResponsePayload, ctx), )*
                    Self::Other(_, item) => item.to_item(Tag::ResponsePayload, ctx),
                }
            }

            pub(crate) fn from_item(op: Operation, item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
                $( if op == Operation::$op {
                    return <$resp>::from_item(item, ctx).map(Self::$op);
                } )*
                Ok(Self::Other(op, item.clone().into_owned()))
            }
        }

        $(
            impl From<$req> for RequestPayload {
                fn from(p: $req) -> Self {
                    Self::$op(p)
                }
            }
            impl From<$resp> for ResponsePayload {
                fn from(p: $resp) -> Self {
                    Self::$op(p)
                }
            }
        )*
    };
}

operations! {
    /// Create a managed object (symmetric key, secret data) on the server.
    Create(CreateRequest, CreateResponse),
    /// Create an asymmetric key pair.
    CreateKeyPair(CreateKeyPairRequest, CreateKeyPairResponse),
    /// Register client-supplied object.
    Register(RegisterRequest, RegisterResponse),
    /// Import an object under a client-chosen identifier, optionally unwrapping it (KMIP 1.4+).
    Import(ImportRequest, ImportResponse),
    /// Replace a symmetric key with a new one.
    ReKey(ReKeyRequest, ReKeyResponse),
    /// Replace a key pair with a new one.
    ReKeyKeyPair(ReKeyKeyPairRequest, ReKeyKeyPairResponse),
    /// Derive a key from existing objects.
    DeriveKey(DeriveKeyRequest, DeriveKeyResponse),
    /// Find objects by attributes.
    Locate(LocateRequest, LocateResponse),
    /// Check that an object may be used as described.
    Check(CheckRequest, CheckResponse),
    /// Fetch an object, optionally wrapped.
    Get(GetRequest, GetResponse),
    /// Fetch attributes.
    GetAttributes(GetAttributesRequest, GetAttributesResponse),
    /// List attribute names.
    GetAttributeList(GetAttributeListRequest, GetAttributeListResponse),
    /// Add an attribute.
    AddAttribute(AddAttributeRequest, AddAttributeResponse),
    /// Modify an attribute.
    ModifyAttribute(ModifyAttributeRequest, ModifyAttributeResponse),
    /// Delete an attribute.
    DeleteAttribute(DeleteAttributeRequest, DeleteAttributeResponse),
    /// Set an attribute (KMIP 2.0).
    SetAttribute(SetAttributeRequest, SetAttributeResponse),
    /// Activate an object.
    Activate(ActivateRequest, ActivateResponse),
    /// Revoke an object.
    Revoke(RevokeRequest, RevokeResponse),
    /// Destroy an object.
    Destroy(DestroyRequest, DestroyResponse),
    /// Archive an object.
    Archive(ArchiveRequest, ArchiveResponse),
    /// Recover an archived object.
    Recover(RecoverRequest, RecoverResponse),
    /// Ask the server what it supports.
    Query(QueryRequest, QueryResponse),
    /// Negotiate the protocol version.
    DiscoverVersions(DiscoverVersionsRequest, DiscoverVersionsResponse),
    /// Poll an asynchronous operation.
    Poll(PollRequest, PollResponse),
    /// Cancel an asynchronous operation.
    Cancel(CancelRequest, CancelResponse),
    /// Encrypt data on the server.
    Encrypt(EncryptRequest, EncryptResponse),
    /// Decrypt data on the server.
    Decrypt(DecryptRequest, DecryptResponse),
    /// Sign data.
    Sign(SignRequest, SignResponse),
    /// Verify a signature.
    SignatureVerify(SignatureVerifyRequest, SignatureVerifyResponse),
    /// Compute a MAC.
    MAC(MACRequest, MACResponse),
    /// Verify a MAC.
    MACVerify(MACVerifyRequest, MACVerifyResponse),
    /// Random bytes from the server.
    RNGRetrieve(RNGRetrieveRequest, RNGRetrieveResponse),
    /// Seed the server's random number generator.
    RNGSeed(RNGSeedRequest, RNGSeedResponse),
    /// Hash data.
    Hash(HashRequest, HashResponse),
}
