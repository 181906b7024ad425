"""The KMIP operations of conformance/scenarios/README.md, one function each: a call of the
public `kmipkit` client with its result normalized to the README's shape (bytes as lowercase
hex). The step runner around them is pyrunner's."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Optional, cast

import kmipkit
from kmipkit.enums import (
    CryptographicAlgorithmName, DerivationMethodName, ObjectTypeName, RevocationReason)

from pyrunner.args import Args
from pyrunner.runner import Result
from pyrunner.values import JSON
from session import Session


# --- names and values ----------------------------------------------------------------------

def python_name(kmip: str) -> str:
    """`Cryptographic Length` -> `cryptographic_length` (vendor `x-` names unchanged)."""
    if kmip.startswith(("x-", "y-")):
        return kmip
    return kmip.strip().lower().replace(" ", "_")


def kmip_name(python: str) -> str:
    """`cryptographic_length` -> `Cryptographic Length`."""
    if python.startswith(("x-", "y-")):
        return python
    return " ".join(w[:1].upper() + w[1:] for w in python.split("_"))


def plain(value: Any) -> JSON:
    """An attribute value as plain JSON (bytes as hex, structures as objects)."""
    if isinstance(value, kmipkit.ApplicationSpecificInformation):
        return {"ApplicationNamespace": value.application_namespace, "ApplicationData": value.application_data}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def crypto_params(a: Args) -> Dict[str, JSON]:
    """Cryptographic Parameters of encrypt/decrypt. PyKMIP requires the algorithm in them; the
    scenarios' keys are AES (`algorithm` may say otherwise)."""
    params: Dict[str, JSON] = {"cryptographic_algorithm": a.text("algorithm", "AES")}
    for arg, key in (("mode", "block_cipher_mode"), ("padding", "padding_method"), ("tag_length", "tag_length")):
        if a.has(arg):
            params[key] = a.get(arg)
    return params


# --- KMIP operations -----------------------------------------------------------------------

def create(s: Session, a: Args) -> Result:
    attrs: Dict[str, JSON] = {
        "cryptographic_algorithm": a.text("algorithm", "AES"),
        "cryptographic_length": a.integer("length", 256),
        "cryptographic_usage_mask": a.texts("usage", ["Encrypt", "Decrypt"]),
    }
    if a.has("name"):
        attrs["name"] = a.text("name")
    return {"id": s.client(a).create("SymmetricKey", attrs)}


def create_key_pair(s: Session, a: Args) -> Result:
    common = {"cryptographic_algorithm": "RSA", "cryptographic_length": a.integer("length", 2048)}
    private: Dict[str, JSON] = {"cryptographic_usage_mask": ["Sign"]}
    public: Dict[str, JSON] = {"cryptographic_usage_mask": ["Verify"]}
    if a.has("name"):
        private["name"] = a.text("name")
        public["name"] = a.text("name") + "-public"
    pair = s.client(a).create_key_pair(common, private, public)
    return {"private_id": pair.private_key_id, "public_id": pair.public_key_id}


def register(s: Session, a: Args) -> Result:
    attrs: Dict[str, JSON] = {}
    if a.has("name"):
        attrs["name"] = a.text("name")
    if a.has("usage"):
        attrs["cryptographic_usage_mask"] = a.texts("usage")
    uid = s.client(a).register(
        a.data("value"), cast(ObjectTypeName, a.text("object_type")), attrs or None,
        cast(Optional[CryptographicAlgorithmName], a.opt_text("algorithm")))
    return {"id": uid}


def derive_key(s: Session, a: Args) -> Result:
    attrs = {"cryptographic_algorithm": a.text("algorithm", "AES"), "cryptographic_length": a.integer("length", 256)}
    uid = s.client(a).derive_key(
        a.texts("base"), cast(DerivationMethodName, a.text("method")), a.data("data"), attrs,
        {"hashing_algorithm": a.text("hash", "SHA_256")}, a.opt_data("salt"), a.opt_int("iterations"),
    )
    return {"id": uid}


def locate(s: Session, a: Args) -> Result:
    attrs = {key: a.get(arg) for arg, key in (("name", "name"), ("object_type", "object_type"), ("state", "state"))
             if a.has(arg)}
    return {"ids": s.client(a).locate(attrs or None, a.opt_int("max_items"))}


def get(s: Session, a: Args) -> Result:
    obj = s.client(a).get(a.text("id"), a.opt_text("wrapping_id"))
    out: Result = {"object_type": obj.object_type}
    if obj.cryptographic_algorithm is not None:
        out["algorithm"] = obj.cryptographic_algorithm
    if obj.cryptographic_length is not None:
        out["length"] = obj.cryptographic_length
    if obj.secret is not None:
        out["material"] = obj.material().hex()
    return out


def get_attributes(s: Session, a: Args) -> Result:
    names = [python_name(n) for n in a.texts("names", [])]
    attrs = s.client(a).get_attributes(a.text("id"), names)
    return {"attributes": {kmip_name(k): plain(v) for k, v in attrs.items()}}


def get_attribute_list(s: Session, a: Args) -> Result:
    return {"names": sorted(kmip_name(n) for n in s.client(a).get_attribute_list(a.text("id")))}


def add_attribute(s: Session, a: Args) -> Result:
    s.client(a).add_attribute(a.text("id"), python_name(a.text("name")), a.need("value"))
    return {}


def set_attribute(s: Session, a: Args) -> Result:
    s.client(a).set_attribute(a.text("id"), python_name(a.text("name")), a.need("value"))
    return {}


def modify_attribute(s: Session, a: Args) -> Result:
    s.client(a).modify_attribute(a.text("id"), python_name(a.text("name")), a.need("value"), a.get("current"))
    return {}


def delete_attribute(s: Session, a: Args) -> Result:
    s.client(a).delete_attribute(a.text("id"), python_name(a.text("name")))
    return {}


def lifecycle(method: str) -> Callable[[Session, Args], Result]:
    def run(s: Session, a: Args) -> Result:
        getattr(s.client(a), method)(a.text("id"))
        return {}
    return run


def revoke(s: Session, a: Args) -> Result:
    reason = a.text("reason", "CessationOfOperation")
    date = a.opt_int("compromise_date")
    if date is None and reason == "KeyCompromise":
        date = int(time.time())
    s.client(a).revoke(a.text("id"), cast(RevocationReason, reason), None, date)
    return {}


def rekey(s: Session, a: Args) -> Result:
    return {"id": s.client(a).rekey(a.text("id"))}


def query(s: Session, a: Args) -> Result:
    q = s.client(a).query()
    return {"operations": q.operations, "object_types": q.object_types, "vendor": q.vendor_identification}


def discover_versions(s: Session, a: Args) -> Result:
    return {"versions": s.client(a).discover_versions(a.texts("offered", []))}


def encrypt(s: Session, a: Args) -> Result:
    r = s.client(a).encrypt(a.text("id"), a.data("data"), crypto_params(a), a.opt_data("iv"), a.opt_data("aad"))
    out: Result = {"data": r.data.hex()}
    if r.iv is not None:
        out["iv"] = r.iv.hex()
    if r.tag is not None:
        out["tag"] = r.tag.hex()
    return out


def decrypt(s: Session, a: Args) -> Result:
    data = s.client(a).decrypt(a.text("id"), a.data("data"), crypto_params(a), a.opt_data("iv"),
                              a.opt_data("aad"), a.opt_data("tag"))
    return {"data": data.hex()}


# The parameters the scenarios README fixes for sign / signature_verify (as PyKMIP's own client
# sends them): RSA, PKCS#1 v1.5, SHA-256 with RSA encryption.
_SIGNING = {"cryptographic_algorithm": "RSA", "padding_method": "PKCS1V1_5",
            "digital_signature_algorithm": "SHA_256WithRSAEncryption"}


def sign(s: Session, a: Args) -> Result:
    return {"signature": s.client(a).sign(a.text("id"), a.data("data"), _SIGNING).hex()}


def signature_verify(s: Session, a: Args) -> Result:
    return {"valid": s.client(a).signature_verify(a.text("id"), a.data("data"), a.data("signature"), _SIGNING)}


def mac(s: Session, a: Args) -> Result:
    algorithm = cast(CryptographicAlgorithmName, a.text("algorithm", "HMAC_SHA256"))
    return {"mac": s.client(a).mac(a.text("id"), a.data("data"), algorithm).hex()}


KMIP_ACTIONS: Dict[str, Callable[[Session, Args], Result]] = {
    "create": create, "create_key_pair": create_key_pair, "register": register, "derive_key": derive_key,
    "locate": locate, "get": get, "get_attributes": get_attributes, "get_attribute_list": get_attribute_list,
    "add_attribute": add_attribute, "set_attribute": set_attribute, "modify_attribute": modify_attribute,
    "delete_attribute": delete_attribute, "activate": lifecycle("activate"), "destroy": lifecycle("destroy"),
    "archive": lifecycle("archive"), "recover": lifecycle("recover"), "check": lifecycle("check"),
    "revoke": revoke, "rekey": rekey, "query": query, "discover_versions": discover_versions,
    "encrypt": encrypt, "decrypt": decrypt, "sign": sign, "signature_verify": signature_verify, "mac": mac,
}
