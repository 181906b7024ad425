"""One function per scenario action, each a call of the public `kmipkit` API with its result
normalized to the shape of conformance/scenarios/README.md (bytes as lowercase hex)."""

from __future__ import annotations

import os
import time
from typing import Any, BinaryIO, Callable, Dict, List, Optional, cast

import kmipkit
from kmipkit import envelope, ttlv
from kmipkit.enums import (
    CryptographicAlgorithmName, DerivationMethodName, ObjectTypeName, RevocationReason)

from steps import JSON, Args, Hex

Result = Dict[str, JSON]


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
        return Hex.of(bytes(value))
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

def create(a: Args) -> Result:
    attrs: Dict[str, JSON] = {
        "cryptographic_algorithm": a.text("algorithm", "AES"),
        "cryptographic_length": a.integer("length", 256),
        "cryptographic_usage_mask": list(a.get("usage", ["Encrypt", "Decrypt"])),
    }
    if a.has("name"):
        attrs["name"] = a.text("name")
    return {"id": a.client().create("SymmetricKey", attrs)}


def create_key_pair(a: Args) -> Result:
    common = {"cryptographic_algorithm": "RSA", "cryptographic_length": a.integer("length", 2048)}
    private: Dict[str, JSON] = {"cryptographic_usage_mask": ["Sign"]}
    public: Dict[str, JSON] = {"cryptographic_usage_mask": ["Verify"]}
    if a.has("name"):
        private["name"] = a.text("name")
        public["name"] = a.text("name") + "-public"
    pair = a.client().create_key_pair(common, private, public)
    return {"private_id": pair.private_key_id, "public_id": pair.public_key_id}


def register(a: Args) -> Result:
    attrs: Dict[str, JSON] = {}
    if a.has("name"):
        attrs["name"] = a.text("name")
    if a.has("usage"):
        attrs["cryptographic_usage_mask"] = list(a.get("usage"))
    uid = a.client().register(
        a.data("value"), cast(ObjectTypeName, a.text("object_type")), attrs or None,
        cast(Optional[CryptographicAlgorithmName], a.opt_text("algorithm")))
    return {"id": uid}


def derive_key(a: Args) -> Result:
    attrs = {"cryptographic_algorithm": a.text("algorithm", "AES"), "cryptographic_length": a.integer("length", 256)}
    uid = a.client().derive_key(
        [str(b) for b in a.need("base")], cast(DerivationMethodName, a.text("method")), a.data("data"), attrs,
        {"hashing_algorithm": a.text("hash", "SHA_256")}, a.opt_bytes("salt"), a.opt_int("iterations"),
    )
    return {"id": uid}


def locate(a: Args) -> Result:
    attrs = {key: a.get(arg) for arg, key in (("name", "name"), ("object_type", "object_type"), ("state", "state"))
             if a.has(arg)}
    return {"ids": a.client().locate(attrs or None, a.opt_int("max_items"))}


def get(a: Args) -> Result:
    obj = a.client().get(a.text("id"), a.opt_text("wrapping_id"))
    out: Result = {"object_type": obj.object_type}
    if obj.cryptographic_algorithm is not None:
        out["algorithm"] = obj.cryptographic_algorithm
    if obj.cryptographic_length is not None:
        out["length"] = obj.cryptographic_length
    if obj.secret is not None:
        out["material"] = Hex.of(obj.material())
    return out


def get_attributes(a: Args) -> Result:
    names = [python_name(str(n)) for n in a.get("names", [])]
    attrs = a.client().get_attributes(a.text("id"), names)
    return {"attributes": {kmip_name(k): plain(v) for k, v in attrs.items()}}


def get_attribute_list(a: Args) -> Result:
    return {"names": sorted(kmip_name(n) for n in a.client().get_attribute_list(a.text("id")))}


def add_attribute(a: Args) -> Result:
    a.client().add_attribute(a.text("id"), python_name(a.text("name")), a.need("value"))
    return {}


def set_attribute(a: Args) -> Result:
    a.client().set_attribute(a.text("id"), python_name(a.text("name")), a.need("value"))
    return {}


def modify_attribute(a: Args) -> Result:
    a.client().modify_attribute(a.text("id"), python_name(a.text("name")), a.need("value"), a.get("current"))
    return {}


def delete_attribute(a: Args) -> Result:
    a.client().delete_attribute(a.text("id"), python_name(a.text("name")))
    return {}


def lifecycle(method: str) -> Callable[[Args], Result]:
    def run(a: Args) -> Result:
        getattr(a.client(), method)(a.text("id"))
        return {}
    return run


def revoke(a: Args) -> Result:
    reason = a.text("reason", "CessationOfOperation")
    date = a.opt_int("compromise_date")
    if date is None and reason == "KeyCompromise":
        date = int(time.time())
    a.client().revoke(a.text("id"), cast(RevocationReason, reason), None, date)
    return {}


def rekey(a: Args) -> Result:
    return {"id": a.client().rekey(a.text("id"))}


def query(a: Args) -> Result:
    q = a.client().query()
    return {"operations": q.operations, "object_types": q.object_types, "vendor": q.vendor_identification}


def discover_versions(a: Args) -> Result:
    return {"versions": a.client().discover_versions([str(v) for v in a.get("offered", [])])}


def encrypt(a: Args) -> Result:
    r = a.client().encrypt(a.text("id"), a.data("data"), crypto_params(a), a.opt_bytes("iv"), a.opt_bytes("aad"))
    out: Result = {"data": Hex.of(r.data)}
    if r.iv is not None:
        out["iv"] = Hex.of(r.iv)
    if r.tag is not None:
        out["tag"] = Hex.of(r.tag)
    return out


def decrypt(a: Args) -> Result:
    data = a.client().decrypt(a.text("id"), a.data("data"), crypto_params(a), a.opt_bytes("iv"),
                              a.opt_bytes("aad"), a.opt_bytes("tag"))
    return {"data": Hex.of(data)}


_SIGNING = {"cryptographic_algorithm": "RSA", "padding_method": "PKCS1V1_5", "hashing_algorithm": "SHA_256"}


def sign(a: Args) -> Result:
    return {"signature": Hex.of(a.client().sign(a.text("id"), a.data("data"), _SIGNING))}


def signature_verify(a: Args) -> Result:
    return {"valid": a.client().signature_verify(a.text("id"), a.data("data"), a.data("signature"), _SIGNING)}


def mac(a: Args) -> Result:
    algorithm = cast(CryptographicAlgorithmName, a.text("algorithm", "HMAC_SHA256"))
    return {"mac": Hex.of(a.client().mac(a.text("id"), a.data("data"), algorithm))}


# --- envelope encryption -------------------------------------------------------------------

def streamed(a: Args, data: bytes, run: Callable[[BinaryIO, BinaryIO], object]) -> bytes:
    """`run(src, dst)` over real files in the scratch directory; the output's bytes."""
    src_path, dst_path = a.s.scratch("in"), a.s.scratch("out")
    try:
        with open(src_path, "wb") as f:
            f.write(data)
        with open(src_path, "rb") as src, open(dst_path, "wb") as dst:
            run(src, dst)
        with open(dst_path, "rb") as f:
            return f.read()
    finally:
        for path in (src_path, dst_path):
            if os.path.exists(path):
                os.remove(path)


def model1(a: Args, kek: str) -> kmipkit.Model1:
    """The model of the KEK's current version, as a user makes it."""
    return kmipkit.Model1.current(a.client(), kek, a.cache())


def model1_kek(a: Args) -> Result:
    kek = model1(a, a.text("kek")).ensure_kek()
    return {"version": kek.version, "id": kek.uid}


def model1_encrypt(a: Args) -> Result:
    m, data, ctx = model1(a, a.text("kek")), a.data("plaintext"), a.context()
    if a.flag("stream"):
        return {"ciphertext": Hex.of(streamed(a, data, lambda src, dst: m.encrypt_stream(src, dst, ctx)))}
    return {"ciphertext": Hex.of(m.encrypt(data, ctx))}


def model1_decrypt(a: Args) -> Result:
    ct, ctx = a.data("ciphertext"), a.context()
    kek = a.opt_text("kek") or envelope.header(ct)["key"].name
    m = model1(a, kek)
    if a.flag("stream"):
        return {"plaintext": Hex.of(streamed(a, ct, lambda src, dst: m.decrypt_stream(src, dst, ctx)))}
    return {"plaintext": Hex.of(m.decrypt(ct, ctx))}


def model1_rotate(a: Args) -> Result:
    # A new version after the current one, as `kmipkit key rotate --kek` does; refused
    # (ProtocolError from kek()) when the KEK does not exist yet.
    current = model1(a, a.text("kek"))
    current.kek()
    return {"version": kmipkit.Model1(a.client(), current.kek_name, current.kek_version + 1).ensure_kek().version}


def model1_rewrap(a: Args) -> Result:
    rotation = kmipkit.Model1Rotation(model1(a, a.text("kek")))
    return {"ciphertext": Hex.of(rotation.rewrap(a.data("ciphertext")))}


def model1_is_current(a: Args) -> Result:
    rotation = kmipkit.Model1Rotation(model1(a, a.text("kek")))
    return {"current": rotation.is_current(a.data("ciphertext"))}


def model2(a: Args) -> kmipkit.Model2:
    return kmipkit.Model2(a.client(), a.text("prefix"), a.cache())


def model2_encrypt(a: Args) -> Result:
    m, uid, data, ctx = model2(a), a.text("id"), a.data("plaintext"), a.context()
    if a.flag("stream"):
        return {"ciphertext": Hex.of(streamed(a, data, lambda src, dst: m.encrypt_stream(uid, src, dst, ctx)))}
    return {"ciphertext": Hex.of(m.encrypt(uid, data, ctx))}


def model2_decrypt(a: Args) -> Result:
    m, ct, ctx, prefix = model2(a), a.data("ciphertext"), a.context(), a.text("prefix")
    uid = a.opt_text("id")
    if uid is None:  # the id the ciphertext names (its key name is prefix + id)
        name = envelope.header(ct)["key"].name
        uid = name[len(prefix):] if name.startswith(prefix) else name
    if a.flag("stream"):
        return {"plaintext": Hex.of(streamed(a, ct, lambda src, dst: m.decrypt_stream(uid, src, dst, ctx)))}
    return {"plaintext": Hex.of(m.decrypt(uid, ct, ctx))}


def model2_key(a: Args) -> Result:
    key = model2(a).key_for(a.text("id"))
    return {"version": key.version, "id": key.uid}


def model2_rotate(a: Args) -> Result:
    rotation, uid = kmipkit.Model2Rotation(model2(a)), a.text("id")
    added = rotation.add_version(uid)
    rotation.promote(uid, added.version)
    return {"version": added.version}


def model2_reencrypt(a: Args) -> Result:
    ct = a.data("ciphertext")
    out: List[bytes] = []
    kmipkit.Model2Rotation(model2(a)).reencrypt_all(a.text("id"), [(0, a.context(), ct)], lambda _, new: out.append(new))
    return {"ciphertext": Hex.of(out[0] if out else ct)}  # not handed to the sink: already current


def header(a: Args) -> Result:
    h = envelope.header(a.data("ciphertext"))
    key: kmipkit.KeyRef = h["key"]
    return {"model": 1 if h.get("wrapped_dek") else 2, "key_name": key.name, "key_version": key.version}


def cache_stats(a: Args) -> Result:
    stats = a.s.key_cache().stats()
    return {"hits": stats["hits"], "misses": stats["misses"], "entries": stats["entries"]}


# --- files and the codec -------------------------------------------------------------------

def _path(a: Args) -> str:
    """`path`: absolute (`{{shared}}/...`), or relative to the scratch directory."""
    return os.path.join(a.s.work, a.text("path"))


def _vector(a: Args) -> str:
    """`file`: relative to conformance/vectors (or absolute)."""
    return os.path.join(a.s.vectors, a.text("file"))


def write_file(a: Args) -> Result:
    path = _path(a)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(a.data("data"))
    return {}


def read_file(a: Args) -> Result:
    with open(_path(a), "rb") as f:
        return {"data": Hex.of(f.read())}


def codec_ttlv(a: Args) -> Result:
    with open(_vector(a), "r", encoding="ascii") as f:
        data = bytes.fromhex("".join(f.read().split()))
    codec = ttlv.TextCodec()
    return {
        "ttlv": Hex.of(data),
        "via_xml": Hex.of(codec.xml_to_ttlv(codec.ttlv_to_xml(data))),
        "via_json": Hex.of(codec.json_to_ttlv(codec.ttlv_to_json(data))),
    }


def codec_xml(a: Args) -> Result:
    with open(_vector(a), "r", encoding="utf-8") as f:
        text = f.read()
    codec = ttlv.TextCodec()
    messages = codec.xml_messages_to_ttlv(text)
    return {
        "count": len(messages),
        "ttlv": [Hex.of(m) for m in messages],
        "via_xml": [Hex.of(codec.xml_to_ttlv(codec.ttlv_to_xml(m))) for m in messages],
        "via_json": [Hex.of(codec.json_to_ttlv(codec.ttlv_to_json(m))) for m in messages],
    }


ACTIONS: Dict[str, Callable[[Args], Result]] = {
    "create": create, "create_key_pair": create_key_pair, "register": register, "derive_key": derive_key,
    "locate": locate, "get": get, "get_attributes": get_attributes, "get_attribute_list": get_attribute_list,
    "add_attribute": add_attribute, "set_attribute": set_attribute, "modify_attribute": modify_attribute,
    "delete_attribute": delete_attribute, "activate": lifecycle("activate"), "destroy": lifecycle("destroy"),
    "archive": lifecycle("archive"), "recover": lifecycle("recover"), "check": lifecycle("check"),
    "revoke": revoke, "rekey": rekey, "query": query, "discover_versions": discover_versions,
    "encrypt": encrypt, "decrypt": decrypt, "sign": sign, "signature_verify": signature_verify, "mac": mac,
    "model1_kek": model1_kek, "model1_encrypt": model1_encrypt, "model1_decrypt": model1_decrypt,
    "model1_rotate": model1_rotate, "model1_rewrap": model1_rewrap, "model1_is_current": model1_is_current,
    "model2_encrypt": model2_encrypt, "model2_decrypt": model2_decrypt, "model2_key": model2_key, "model2_rotate": model2_rotate,
    "model2_reencrypt": model2_reencrypt, "header": header, "cache_stats": cache_stats,
    "write_file": write_file, "read_file": read_file, "codec_ttlv": codec_ttlv, "codec_xml": codec_xml,
}

SECRET_FIELDS: Dict[str, List[str]] = {
    "get": ["material"], "decrypt": ["data"], "model1_decrypt": ["plaintext"], "model2_decrypt": ["plaintext"],
    "read_file": ["data"],
}
"""Result fields never shown in failure details (key bytes and plaintexts)."""
