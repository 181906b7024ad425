//! Object lifecycle and metadata: Create, Activate, Locate, Get Attributes, Get Attribute List,
//! Modify / Delete / Set Attribute, Query, Discover Versions, Revoke and Destroy.

use kmipkit::client::Client;
use kmipkit::message::{
    Attribute, AttributeEntry, AttributeReference, Attributes, DeleteAttributeRequest,
    EncryptRequest, GetAttributesRequest, GetRequest, LocateRequest, ModifyAttributeRequest, Name,
    SetAttributeRequest,
};
use kmipkit::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, ObjectType, Operation, ProtocolVersion,
    ResultReason, RevocationReasonCode, State, Tag,
};

use crate::support::client::{one, refused, refused_as, saw};

pub async fn run(client: &Client, version: ProtocolVersion) {
    let name = format!("lifecycle-aes-{version}");
    let id = create_and_activate(client, &name).await;
    locate(client, &id, &name).await;
    attribute_list(client, &id).await;
    modify_and_delete(client, &id, &name, version).await;
    set_attribute(client, &id, version).await;
    query_and_versions(client, version).await;
    revoke_and_destroy(client, &id, version).await;
}

async fn state(client: &Client, id: &str) -> State {
    let request =
        GetAttributesRequest::new(Some(id.into()), vec![AttributeReference::Tag(Tag::State)]);
    let attributes = client
        .get_attributes(request)
        .await
        .expect("state")
        .attributes;
    one(&attributes, |a| match a {
        Attribute::State(s) => Some(*s),
        _ => None,
    })
}

fn names(attributes: &Attributes) -> Vec<String> {
    attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Name(n) => Some(n.name_value.clone()),
            _ => None,
        })
        .collect()
}

/// What PyKMIP says when it cannot decode a request: a message-level Invalid Message.
pub const PARSE_ERROR: &str =
    "Error parsing request message. See server logs for more information.";

/// What PyKMIP says when an operation raises something other than a KMIP error.
pub const GENERAL_FAILURE: &str = "Operation failed. See the server logs for more information.";

/// A reference PyKMIP's Delete Attribute reads: the 1.x name, or the 2.0 structure form.
/// Cosmian reads the Tag form at every version (it accepts the structure form at 2.x but deletes
/// nothing).
fn reference(tag: Tag, version: ProtocolVersion) -> AttributeReference {
    if version < ProtocolVersion::V2_0 || crate::tour_differs() {
        return AttributeReference::Tag(tag);
    }
    AttributeReference::Named {
        vendor_identification: Some(String::new()),
        name: kmipkit::spec::attribute_name(tag)
            .expect("a standard attribute")
            .to_string(),
    }
}

async fn create_and_activate(client: &Client, name: &str) -> String {
    let id = client.create_aes_key(name, 256).await.expect("create");
    assert!(!id.is_empty());
    let attributes = client.all_attributes(&id).await.expect("get attributes");
    let algorithm = one(&attributes, |a| match a {
        Attribute::CryptographicAlgorithm(x) => Some(*x),
        _ => None,
    });
    assert_eq!(algorithm, CryptographicAlgorithm::AES);
    let length = one(&attributes, |a| match a {
        Attribute::CryptographicLength(x) => Some(*x),
        _ => None,
    });
    assert_eq!(length, 256);
    let mask = one(&attributes, |a| match a {
        Attribute::CryptographicUsageMask(x) => Some(*x),
        _ => None,
    });
    assert_eq!(
        mask,
        CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt
    );
    let object_type = one(&attributes, |a| match a {
        Attribute::ObjectType(x) => Some(*x),
        _ => None,
    });
    assert_eq!(object_type, ObjectType::SymmetricKey);
    let unique_identifier = one(&attributes, |a| match a {
        Attribute::UniqueIdentifier(x) => Some(x.clone()),
        _ => None,
    });
    assert_eq!(unique_identifier, id);
    assert_eq!(names(&attributes), [name.to_string()]);
    assert_eq!(state(client, &id).await, State::PreActive);

    // Pre-active keys do not encrypt; the server says why.
    let mut encrypt = EncryptRequest::new(Some(id.clone()), b"x".as_slice());
    encrypt.cryptographic_parameters = Some(crate::crypto::cbc_pkcs5());
    let message = refused(
        client.encrypt(encrypt).await,
        ResultReason::PermissionDenied,
    );
    let why = if crate::tour_differs() {
        format!("Encrypt: key {id} is in state PreActive but operation requires one of [Active]")
    } else {
        "The encryption key must be in the Active state to be used for encryption.".into()
    };
    assert_eq!(message, Some(why));

    client.activate(&id).await.expect("activate");
    assert_eq!(state(client, &id).await, State::Active);
    // Both activate from PreActive only; Cosmian's reason is the lifecycle state.
    let reason = if crate::tour_differs() {
        ResultReason::WrongKeyLifecycleState
    } else {
        ResultReason::PermissionDenied
    };
    refused(client.activate(&id).await, reason);
    id
}

async fn locate(client: &Client, id: &str, name: &str) {
    assert_eq!(client.locate_by_name(name).await.expect("locate"), [id]);
    assert_eq!(
        client
            .locate_by_name("no-object-has-this-name")
            .await
            .expect("locate"),
        Vec::<String>::new()
    );
    // A second symmetric key, so that a limit of one has something to cut.
    let second = client
        .create_aes_key(&format!("{name}-second"), 128)
        .await
        .expect("create");
    let by_type = |maximum: Option<i32>| {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::ObjectType(ObjectType::SymmetricKey));
        let mut request = LocateRequest::new(attributes);
        request.maximum_items = maximum;
        client.locate(request)
    };
    let all = by_type(None).await.expect("locate all").unique_identifier;
    assert!(all.contains(&id.to_string()), "{all:?}");
    assert!(all.contains(&second), "{all:?}");
    let limited = by_type(Some(1))
        .await
        .expect("locate one")
        .unique_identifier;
    assert_eq!(limited.len(), 1, "{limited:?}");
    assert!(all.contains(&limited[0]));
}

async fn attribute_list(client: &Client, id: &str) {
    let list = client.get_attribute_list(id).await.expect("attribute list");
    for tag in [
        Tag::UniqueIdentifier,
        Tag::ObjectType,
        Tag::CryptographicAlgorithm,
        Tag::CryptographicLength,
        Tag::CryptographicUsageMask,
        Tag::State,
        Tag::Name,
        Tag::InitialDate,
    ] {
        assert!(
            list.contains(&AttributeReference::Tag(tag)),
            "{tag} missing from {list:?}"
        );
    }
}

/// Renames the key with Modify Attribute, then removes the name with Delete Attribute.
async fn modify_and_delete(client: &Client, id: &str, name: &str, version: ProtocolVersion) {
    let renamed = format!("{name}-renamed");
    let mut modify = ModifyAttributeRequest::new(
        Some(id.into()),
        Attribute::Name(Name::text(renamed.clone())),
    );
    if version >= ProtocolVersion::V2_0 {
        // A multi-valued attribute is modified by naming its current value (KMIP 2.0).
        modify.current_attribute = Some(AttributeEntry::from(Attribute::Name(Name::text(name))));
    }
    let modified = client.modify_attribute(modify).await.expect("modify");
    assert_eq!(modified.unique_identifier, id);
    if version < ProtocolVersion::V2_0 {
        // KMIP 1.x echoes the attribute as modified, with its index.
        let entry = modified.attribute.expect("modified attribute");
        assert_eq!(
            entry.attribute,
            Attribute::Name(Name::text(renamed.clone()))
        );
    }
    assert_eq!(client.locate_by_name(&renamed).await.expect("locate"), [id]);
    assert!(
        client
            .locate_by_name(name)
            .await
            .expect("locate")
            .is_empty()
    );

    // Required attributes cannot be deleted.
    let state = DeleteAttributeRequest::new(Some(id.into()), reference(Tag::State, version));
    let (reason, why) = if crate::tour_differs() {
        (
            ResultReason::AttributeReadOnly,
            "DENIED: this attribute is server-managed and cannot be deleted by the user",
        )
    } else {
        (
            ResultReason::PermissionDenied,
            "Cannot delete a required attribute.",
        )
    };
    if crate::tour_differs() && version >= ProtocolVersion::V2_0 {
        // Cosmian refuses it at 1.x but answers success at 2.x (the State stays: see below).
        client
            .delete_attribute(state)
            .await
            .expect("delete State at 2.x");
    } else {
        let message = refused(client.delete_attribute(state).await, reason);
        assert_eq!(message.as_deref(), Some(why));
    }

    let delete = DeleteAttributeRequest::new(Some(id.into()), reference(Tag::Name, version));
    // PyKMIP's 2.0 quirks (Cosmian reads both reference forms).
    if version >= ProtocolVersion::V2_0 && !crate::tour_differs() {
        // PyKMIP reads a 2.0 Delete Attribute's Attribute Reference only in its structure
        // form (Vendor Identification + Attribute Name); the Tag enumeration form, which its
        // Get Attributes does accept, fails the whole message.
        let enumeration =
            DeleteAttributeRequest::new(Some(id.into()), AttributeReference::Tag(Tag::Name));
        let message = refused_as(
            client.delete_attribute(enumeration).await,
            None,
            ResultReason::InvalidMessage,
        );
        assert_eq!(message.as_deref(), Some(PARSE_ERROR));
        // The instance to delete, by value (KMIP 2.0): PyKMIP decodes it, then trips over its
        // own Name class (`'Name' object has no attribute 'value'`) — a General Failure.
        let mut by_value =
            DeleteAttributeRequest::new(Some(id.into()), reference(Tag::Name, version));
        by_value.attribute_reference = None;
        by_value.current_attribute = Some(AttributeEntry::from(Attribute::Name(Name::text(
            renamed.clone(),
        ))));
        let message = refused(
            client.delete_attribute(by_value).await,
            ResultReason::GeneralFailure,
        );
        assert_eq!(message.as_deref(), Some(GENERAL_FAILURE));
    }
    let mut delete = delete;
    if crate::tour_differs() && version >= ProtocolVersion::V2_0 {
        // Cosmian at 2.x answers success to a reference but deletes only by value.
        delete.attribute_reference = None;
        delete.current_attribute = Some(AttributeEntry::from(Attribute::Name(Name::text(
            renamed.clone(),
        ))));
    }
    let deleted = client.delete_attribute(delete).await.expect("delete");
    assert_eq!(deleted.unique_identifier, id);
    if version < ProtocolVersion::V2_0 {
        let entry = deleted.attribute.expect("deleted attribute");
        assert_eq!(
            entry.attribute,
            Attribute::Name(Name::text(renamed.clone()))
        );
    }
    let attributes = client.all_attributes(id).await.expect("attributes");
    assert!(names(&attributes).is_empty(), "{attributes:?}");
    assert!(
        client
            .locate_by_name(&renamed)
            .await
            .expect("locate")
            .is_empty()
    );
}

/// Set Attribute exists from KMIP 2.0: at 1.x kmipkit refuses to send it (strict encoding), so
/// no server ever sees a request its version does not define.
async fn set_attribute(client: &Client, id: &str, version: ProtocolVersion) {
    let set = |attribute: Attribute| {
        client.set_attribute(SetAttributeRequest::new(Some(id.into()), attribute))
    };
    if version < ProtocolVersion::V2_0 {
        let err = set(Attribute::Sensitive(true))
            .await
            .expect_err("refused before sending");
        saw(&err);
        assert_eq!(err.kind(), kmipkit::ErrorKind::Encode, "{err}");
        assert!(err.to_string().contains("SetAttribute"), "{err}");
        assert!(err.to_string().contains("2.0"), "{err}");
        return;
    }
    let sensitive = || async {
        let reference = AttributeReference::Tag(Tag::Sensitive);
        let request = GetAttributesRequest::new(Some(id.into()), vec![reference]);
        let attributes = client
            .get_attributes(request)
            .await
            .expect("Sensitive")
            .attributes;
        one(&attributes, |a| match a {
            Attribute::Sensitive(x) => Some(*x),
            _ => None,
        })
    };
    assert!(!sensitive().await);
    let done = set(Attribute::Sensitive(true))
        .await
        .expect("set Sensitive");
    assert_eq!(done.unique_identifier, id);
    assert!(sensitive().await);
    if crate::tour_differs() {
        // Cosmian sets a second Name without complaint; the State it refuses to set.
        set(Attribute::Name(Name::text("second-name")))
            .await
            .expect("set Name");
        refused(
            set(Attribute::State(State::Deactivated)).await,
            ResultReason::AttributeReadOnly,
        );
        return;
    }
    refused(
        set(Attribute::Name(Name::text("second-name"))).await,
        ResultReason::MultiValuedAttribute,
    );
    refused(
        set(Attribute::State(State::Deactivated)).await,
        ResultReason::ReadOnlyAttribute,
    );
}

async fn query_and_versions(client: &Client, version: ProtocolVersion) {
    let query = client.query_all().await.expect("query");
    for operation in [
        Operation::Create,
        Operation::CreateKeyPair,
        Operation::Register,
        Operation::DeriveKey,
        Operation::Locate,
        Operation::Get,
        Operation::GetAttributes,
        Operation::GetAttributeList,
        Operation::Activate,
        Operation::Revoke,
        Operation::Destroy,
        Operation::Query,
        Operation::DiscoverVersions,
        Operation::Encrypt,
        Operation::Decrypt,
        Operation::Sign,
        Operation::SignatureVerify,
        Operation::MAC,
    ] {
        assert!(
            query.operation.contains(&operation),
            "{operation} missing from {:?}",
            query.operation
        );
    }
    let all = client
        .discover_versions(Vec::new())
        .await
        .expect("discover");
    let mut expected = vec![
        ProtocolVersion::V2_0,
        ProtocolVersion::V1_4,
        ProtocolVersion::V1_3,
        ProtocolVersion::V1_2,
        ProtocolVersion::V1_1,
        ProtocolVersion::V1_0,
    ];
    let offered = vec![ProtocolVersion::V2_1, version, ProtocolVersion::V1_1];
    let common = client.discover_versions(offered).await.expect("discover");
    if crate::tour_differs() {
        // Cosmian lists 34 operations, the attribute ones and those PyKMIP lacks among them,
        // and speaks 2.1 too.
        for operation in [
            Operation::ReKey,
            Operation::Check,
            Operation::Hash,
            Operation::RNGRetrieve,
            Operation::MACVerify,
            Operation::Import,
            Operation::Export,
            Operation::AddAttribute,
        ] {
            assert!(query.operation.contains(&operation), "{operation}");
        }
        // 34 at 1.x, 38 at 2.x.
        assert!(query.operation.len() >= 34, "{:?}", query.operation);
        assert_eq!(query.vendor_identification.as_deref(), Some("cosmian"));
        expected.insert(0, ProtocolVersion::V2_1);
        assert_eq!(all, expected);
        assert_eq!(
            common,
            [ProtocolVersion::V2_1, version, ProtocolVersion::V1_1]
        );
        return;
    }
    // PyKMIP does not list what it lacks (nor, oddly, the attribute operations it has).
    assert!(!query.operation.contains(&Operation::ReKey));
    assert_eq!(
        query.vendor_identification.as_deref(),
        Some("PyKMIP 0.11.0 Software Server")
    );
    assert_eq!(all, expected);
    assert_eq!(common, [version, ProtocolVersion::V1_1]);
}

async fn revoke_and_destroy(client: &Client, id: &str, version: ProtocolVersion) {
    let cosmian = crate::tour_differs();
    // An active key cannot be destroyed.
    let (reason, why) = if cosmian {
        (ResultReason::WrongKeyLifecycleState, "DENIED")
    } else {
        (
            ResultReason::PermissionDenied,
            "Object is active and cannot be destroyed.",
        )
    };
    let message = refused(client.destroy(id).await, reason);
    assert_eq!(message.as_deref(), Some(why));
    client
        .revoke_for(id, RevocationReasonCode::CessationOfOperation)
        .await
        .expect("revoke");
    assert_eq!(state(client, id).await, State::Deactivated);
    client.destroy(id).await.expect("destroy");
    // Cosmian keeps the destroyed object's record and says so.
    let gone = if cosmian {
        ResultReason::ObjectDestroyed
    } else {
        ResultReason::ItemNotFound
    };
    // Cosmian: at 2.x the key was made Sensitive (set_attribute), which its Get says first.
    let get_gone = if cosmian && version >= ProtocolVersion::V2_0 {
        ResultReason::Sensitive
    } else {
        gone
    };
    let message = refused(client.get(GetRequest::new(Some(id.into()))).await, get_gone);
    assert!(message.is_some());
    if cosmian {
        // Destroying it again is accepted (idempotent).
        client.destroy(id).await.expect("destroy again");
    } else {
        refused(client.destroy(id).await, gone);
    }
}
