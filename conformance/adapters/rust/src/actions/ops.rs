//! KMIP operations: one client call per action, the result normalized to the documented shape.

use std::collections::BTreeMap;

use kmipkit::client::Client;
use kmipkit::message::{
    AddAttributeRequest, Attribute, AttributeEntry, AttributeReference, Attributes, CheckRequest,
    CreateKeyPairRequest, CreateRequest, CryptographicParameters, DateTime, DecryptRequest,
    DeleteAttributeRequest, DerivationParameters, DeriveKeyRequest, EncryptRequest, GetRequest,
    GetResponse, LocateRequest, MACRequest, ModifyAttributeRequest, Object, ReKeyRequest,
    RevokeRequest, SetAttributeRequest, SignRequest, SignatureVerifyRequest,
};
use kmipkit::spec::{
    self, BlockCipherMode, CryptographicAlgorithm, DerivationMethod, DigitalSignatureAlgorithm,
    HashingAlgorithm, ObjectType, PaddingMethod, ProtocolVersion, RevocationReasonCode,
    ValidityIndicator,
};
use serde_json::{Map, Value, json};

use super::{ActionError, Args, bad, enum_value};
use crate::values::hex;

/// The actions this module runs.
pub const ACTIONS: &[&str] = &[
    "create",
    "create_key_pair",
    "register",
    "derive_key",
    "locate",
    "get",
    "get_attributes",
    "get_attribute_list",
    "add_attribute",
    "set_attribute",
    "modify_attribute",
    "delete_attribute",
    "activate",
    "destroy",
    "archive",
    "recover",
    "check",
    "revoke",
    "rekey",
    "query",
    "discover_versions",
    "encrypt",
    "decrypt",
    "sign",
    "signature_verify",
    "mac",
];

/// An attribute from its KMIP name and plain value (the core's reader).
fn attribute(name: &str, value: &Value) -> Result<Attribute, ActionError> {
    Ok(Attribute::from_plain(name, value)?)
}

fn id(a: &Args) -> Result<String, ActionError> {
    a.text("id")
}

fn empty() -> Value {
    Value::Object(Map::new())
}

/// Runs one KMIP operation.
pub async fn run(c: &Client, action: &str, a: &Args<'_>) -> Result<Value, ActionError> {
    match action {
        "create" => create(c, a).await,
        "create_key_pair" => create_key_pair(c, a).await,
        "register" => register(c, a).await,
        "derive_key" => derive_key(c, a).await,
        "locate" => locate(c, a).await,
        "get" => get(c, a).await,
        "get_attributes" => get_attributes(c, a).await,
        "get_attribute_list" => {
            let refs = c.get_attribute_list(&id(a)?).await?;
            let mut names: Vec<String> = refs.iter().map(kmip_name_of_reference).collect();
            names.sort();
            Ok(json!({ "names": names }))
        }
        "add_attribute" | "set_attribute" | "modify_attribute" => {
            change_attribute(c, action, a).await
        }
        "delete_attribute" => {
            let reference = AttributeReference::by_name(&a.text("name")?);
            c.delete_attribute(DeleteAttributeRequest::new(Some(id(a)?), reference))
                .await?;
            Ok(empty())
        }
        "activate" => {
            c.activate(&id(a)?).await?;
            Ok(empty())
        }
        "destroy" => {
            c.destroy(&id(a)?).await?;
            Ok(empty())
        }
        "archive" => {
            c.archive(&id(a)?).await?;
            Ok(empty())
        }
        "recover" => {
            c.recover(&id(a)?).await?;
            Ok(empty())
        }
        "check" => {
            c.check(CheckRequest::new(Some(id(a)?))).await?;
            Ok(empty())
        }
        "revoke" => revoke(c, a).await,
        "rekey" => {
            let r = c.rekey(ReKeyRequest::new(Some(id(a)?))).await?;
            Ok(json!({ "id": r.unique_identifier }))
        }
        "query" => {
            let r = c.query_all().await?;
            let operations: Vec<String> = r.operation.iter().map(ToString::to_string).collect();
            let types: Vec<String> = r.object_type.iter().map(ToString::to_string).collect();
            Ok(json!({
                "operations": operations, "object_types": types,
                "vendor": r.vendor_identification,
            }))
        }
        "discover_versions" => {
            let offered = a
                .texts("offered")?
                .unwrap_or_default()
                .iter()
                .map(|v| {
                    v.parse::<ProtocolVersion>()
                        .map_err(|e| bad(format!("offered version {v:?}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let versions = c.discover_versions(offered).await?;
            let versions: Vec<String> = versions.iter().map(ToString::to_string).collect();
            Ok(json!({ "versions": versions }))
        }
        "encrypt" => encrypt(c, a).await,
        "decrypt" => decrypt(c, a).await,
        "sign" => {
            let mut request = SignRequest::new(Some(id(a)?), a.bytes("data")?);
            request.cryptographic_parameters = Some(rsa_pkcs1_sha256());
            let r = c.sign(request).await?;
            Ok(json!({ "signature": r.signature_data.map(|b| hex(&b.0)) }))
        }
        "signature_verify" => {
            let mut request =
                SignatureVerifyRequest::new(Some(id(a)?), a.bytes("data")?, a.bytes("signature")?);
            request.cryptographic_parameters = Some(rsa_pkcs1_sha256());
            let r = c.signature_verify(request).await?;
            Ok(json!({ "valid": r.validity_indicator == ValidityIndicator::Valid }))
        }
        "mac" => {
            let algorithm = a.opt_text("algorithm")?.unwrap_or("HMAC_SHA256".into());
            let mut params = CryptographicParameters::default();
            params.cryptographic_algorithm = Some(enum_value(
                "algorithm",
                &algorithm,
                CryptographicAlgorithm::from_name,
            )?);
            let mut request = MACRequest::new(Some(id(a)?), a.bytes("data")?);
            request.cryptographic_parameters = Some(params);
            let r = c.mac(request).await?;
            Ok(json!({ "mac": r.mac_data.map(|b| hex(&b.0)) }))
        }
        other => Err(bad(format!("unknown action {other:?}"))),
    }
}

async fn create(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let mut attributes = Attributes::default();
    let algorithm = a.opt_text("algorithm")?.unwrap_or("AES".into());
    attributes.push(attribute("Cryptographic Algorithm", &json!(algorithm))?);
    attributes.push(attribute(
        "Cryptographic Length",
        &json!(a.int("length", 256)?),
    )?);
    let usage = a
        .get("usage")
        .cloned()
        .unwrap_or(json!(["Encrypt", "Decrypt"]));
    attributes.push(attribute("Cryptographic Usage Mask", &usage)?);
    if let Some(name) = a.opt_text("name")? {
        attributes.push(attribute("Name", &json!(name))?);
    }
    let r = c
        .create(CreateRequest::new(ObjectType::SymmetricKey, attributes))
        .await?;
    Ok(json!({ "id": r.unique_identifier }))
}

async fn create_key_pair(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let mut common = Attributes::default();
    common.push(attribute("Cryptographic Algorithm", &json!("RSA"))?);
    common.push(attribute(
        "Cryptographic Length",
        &json!(a.int("length", 2048)?),
    )?);
    let mut private = Attributes::default();
    private.push(attribute("Cryptographic Usage Mask", &json!(["Sign"]))?);
    let mut public = Attributes::default();
    public.push(attribute("Cryptographic Usage Mask", &json!(["Verify"]))?);
    if let Some(name) = a.opt_text("name")? {
        private.push(attribute("Name", &json!(name))?);
        public.push(attribute("Name", &json!(format!("{name}-public")))?);
    }
    let r = c
        .create_key_pair(CreateKeyPairRequest::new(common, private, public))
        .await?;
    Ok(json!({
        "private_id": r.private_key_unique_identifier,
        "public_id": r.public_key_unique_identifier,
    }))
}

async fn register(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let object_type = enum_value(
        "object type",
        &a.text("object_type")?,
        ObjectType::from_name,
    )?;
    let algorithm = a
        .opt_text("algorithm")?
        .map(|n| enum_value("algorithm", &n, CryptographicAlgorithm::from_name))
        .transpose()?;
    let mut attributes = Attributes::default();
    if let Some(name) = a.opt_text("name")? {
        attributes.push(attribute("Name", &json!(name))?);
    }
    if let Some(usage) = a.get("usage") {
        attributes.push(attribute("Cryptographic Usage Mask", usage)?);
    }
    let id = c
        .register_material(object_type, a.bytes("value")?, algorithm, attributes)
        .await?;
    Ok(json!({ "id": id }))
}

async fn derive_key(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let base = a
        .texts("base")?
        .ok_or_else(|| bad("argument \"base\" is required"))?;
    let method = enum_value(
        "derivation method",
        &a.text("method")?,
        DerivationMethod::from_name,
    )?;
    let mut parameters = DerivationParameters::with_data(a.bytes("data")?);
    let hash = a.opt_text("hash")?.unwrap_or("SHA_256".into());
    let mut params = CryptographicParameters::default();
    params.hashing_algorithm = Some(enum_value(
        "hashing algorithm",
        &hash,
        HashingAlgorithm::from_name,
    )?);
    parameters.cryptographic_parameters = Some(params);
    parameters.salt = a.opt_bytes("salt")?.map(Into::into);
    parameters.iteration_count = a
        .opt_int("iterations")?
        .map(|n| i32::try_from(n).map_err(|_| bad("iterations out of range")))
        .transpose()?;
    let mut attributes = Attributes::default();
    let algorithm = a.opt_text("algorithm")?.unwrap_or("AES".into());
    attributes.push(attribute("Cryptographic Algorithm", &json!(algorithm))?);
    attributes.push(attribute(
        "Cryptographic Length",
        &json!(a.int("length", 256)?),
    )?);
    let request = DeriveKeyRequest::new(
        ObjectType::SymmetricKey,
        base,
        method,
        parameters,
        attributes,
    );
    let r = c.derive_key(request).await?;
    Ok(json!({ "id": r.unique_identifier }))
}

async fn locate(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let mut attributes = Attributes::default();
    if let Some(name) = a.opt_text("name")? {
        attributes.push(attribute("Name", &json!(name))?);
    }
    if let Some(t) = a.opt_text("object_type")? {
        attributes.push(attribute("Object Type", &json!(t))?);
    }
    if let Some(s) = a.opt_text("state")? {
        attributes.push(attribute("State", &json!(s))?);
    }
    let mut request = LocateRequest::new(attributes);
    request.maximum_items = a
        .opt_int("max_items")?
        .map(|n| i32::try_from(n).map_err(|_| bad("max_items out of range")))
        .transpose()?;
    let r = c.locate(request).await?;
    Ok(json!({ "ids": r.unique_identifier }))
}

async fn get(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let id = id(a)?;
    let got = match a.opt_text("wrapping_id")? {
        Some(k) => c.get_wrapped(&id, &k).await?,
        None => c.get(GetRequest::new(Some(id))).await?,
    };
    Ok(object_json(&got))
}

/// `{"object_type", "algorithm"?, "length"?, "material"?}` of a Get.
fn object_json(got: &GetResponse) -> Value {
    let mut out = Map::new();
    out.insert("object_type".into(), json!(got.object_type.to_string()));
    let material: Option<Vec<u8>> = match &got.object {
        Object::OpaqueObject(o) => Some(o.opaque_data_value.0.clone()),
        Object::Certificate(cert) => Some(cert.certificate_value.0.clone()),
        other => other.key_block().and_then(|block| {
            if let Some(alg) = block.cryptographic_algorithm {
                out.insert("algorithm".into(), json!(alg.to_string()));
            }
            if let Some(len) = block.cryptographic_length {
                out.insert("length".into(), json!(len));
            }
            block.key_bytes().map(<[u8]>::to_vec)
        }),
    };
    if let Some(m) = material {
        out.insert("material".into(), json!(hex(&m)));
    }
    Value::Object(out)
}

/// The KMIP (1.x) name of an attribute: `"Cryptographic Length"`.
fn kmip_name(attribute: &Attribute) -> String {
    AttributeEntry::from(attribute.clone()).name().into_owned()
}

fn kmip_name_of_reference(reference: &AttributeReference) -> String {
    match reference {
        AttributeReference::Tag(tag) => spec::attribute_name(*tag)
            .map(str::to_string)
            .unwrap_or_else(|| reference.name()),
        _ => reference.name(),
    }
}

async fn get_attributes(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let names = a.texts("names")?.unwrap_or_default();
    let refs = names
        .iter()
        .map(|n| AttributeReference::from_name(n))
        .collect();
    let r = c
        .get_attributes(kmipkit::message::GetAttributesRequest::new(
            Some(id(a)?),
            refs,
        ))
        .await?;
    // The first value of multi-valued attributes.
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for attribute in r.attributes.iter() {
        out.entry(kmip_name(attribute))
            .or_insert_with(|| attribute.value_plain());
    }
    Ok(json!({ "attributes": out }))
}

async fn change_attribute(c: &Client, action: &str, a: &Args<'_>) -> Result<Value, ActionError> {
    let name = a.text("name")?;
    let value = a
        .get("value")
        .ok_or_else(|| bad("argument \"value\" is required"))?;
    let attr = attribute(&name, value)?;
    let id = Some(id(a)?);
    match action {
        "add_attribute" => {
            c.add_attribute(AddAttributeRequest::new(id, attr)).await?;
        }
        "set_attribute" => {
            c.set_attribute(SetAttributeRequest::new(id, attr)).await?;
        }
        _ => {
            let mut request = ModifyAttributeRequest::new(id, attr);
            if let Some(current) = a.get("current") {
                request.current_attribute = Some(AttributeEntry::from(attribute(&name, current)?));
            }
            c.modify_attribute(request).await?;
        }
    }
    Ok(empty())
}

async fn revoke(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let reason = a
        .opt_text("reason")?
        .unwrap_or("CessationOfOperation".into());
    let code = enum_value(
        "revocation reason",
        &reason,
        RevocationReasonCode::from_name,
    )?;
    let mut request = RevokeRequest::new(Some(id(a)?), code);
    let date = match a.opt_int("compromise_date")? {
        Some(d) => Some(d),
        None if code == RevocationReasonCode::KeyCompromise => Some(now()),
        None => None,
    };
    request.compromise_occurrence_date = date.map(DateTime);
    c.revoke(request).await?;
    Ok(empty())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Block cipher mode, padding and tag length of Encrypt / Decrypt, and the algorithm, which
/// PyKMIP requires in them ("Encryption algorithm is required"): AES unless `algorithm` says.
fn cipher_params(a: &Args<'_>) -> Result<CryptographicParameters, ActionError> {
    let mut p = CryptographicParameters::default();
    let algorithm = a.opt_text("algorithm")?.unwrap_or("AES".into());
    p.cryptographic_algorithm = Some(enum_value(
        "algorithm",
        &algorithm,
        CryptographicAlgorithm::from_name,
    )?);
    p.block_cipher_mode = opt_enum(a, "mode", "block cipher mode", BlockCipherMode::from_name)?;
    p.padding_method = opt_enum(a, "padding", "padding method", PaddingMethod::from_name)?;
    if let Some(len) = a.opt_int("tag_length")? {
        p.tag_length = Some(i32::try_from(len).map_err(|_| bad("tag_length out of range"))?);
    }
    Ok(p)
}

/// The enumeration named by the optional argument `arg`, if given.
fn opt_enum<T>(
    a: &Args<'_>,
    arg: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, ActionError> {
    a.opt_text(arg)?
        .map(|name| enum_value(what, &name, parse))
        .transpose()
}

async fn encrypt(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let mut request = EncryptRequest::new(Some(id(a)?), a.bytes("data")?);
    request.cryptographic_parameters = Some(cipher_params(a)?);
    request.iv_counter_nonce = a.opt_bytes("iv")?.map(Into::into);
    request.authenticated_encryption_additional_data = a.opt_bytes("aad")?.map(Into::into);
    let r = c.encrypt(request).await?;
    let mut out = Map::new();
    out.insert(
        "data".into(),
        json!(r.data.map(|b| hex(&b.0)).unwrap_or_default()),
    );
    if let Some(iv) = r.iv_counter_nonce {
        out.insert("iv".into(), json!(hex(&iv.0)));
    }
    if let Some(tag) = r.authenticated_encryption_tag {
        out.insert("tag".into(), json!(hex(&tag.0)));
    }
    Ok(Value::Object(out))
}

async fn decrypt(c: &Client, a: &Args<'_>) -> Result<Value, ActionError> {
    let mut request = DecryptRequest::new(Some(id(a)?), a.bytes("data")?);
    request.cryptographic_parameters = Some(cipher_params(a)?);
    request.iv_counter_nonce = a.opt_bytes("iv")?.map(Into::into);
    request.authenticated_encryption_additional_data = a.opt_bytes("aad")?.map(Into::into);
    request.authenticated_encryption_tag = a.opt_bytes("tag")?.map(Into::into);
    let r = c.decrypt(request).await?;
    Ok(json!({ "data": r.data.map(|b| hex(&b.0)).unwrap_or_default() }))
}

/// RSA, PKCS#1 v1.5, SHA-256.
fn rsa_pkcs1_sha256() -> CryptographicParameters {
    let mut p = CryptographicParameters::default();
    p.digital_signature_algorithm = Some(DigitalSignatureAlgorithm::SHA_256WithRSAEncryption);
    p.padding_method = Some(PaddingMethod::PKCS1V1_5);
    p.cryptographic_algorithm = Some(CryptographicAlgorithm::RSA);
    p
}
