"""Each action of conformance/scenarios/README.md as one request to the C adapter process
(adapter.c executes it through kmipkit.h) and its reply shaped as the README's result. Here:
the arguments with their defaults, and result names and shapes; no call of the library."""

from __future__ import annotations

import json
import os
import re
import time
from typing import Callable, Dict, List, Tuple

from protocol import Request, Value, texts
from pyrunner.args import Args
from pyrunner.errors import StepError
from pyrunner.runner import Result
from pyrunner.values import JSON
from session import Session

UNSUPPORTED: Dict[str, str] = {}
"""Actions with no C function, and why (conformance/expected-failures.json lists the scenarios):
none."""


def kmip_name(name: str) -> str:
    """An attribute's name as the C API gives it (`CryptographicLength`, the tag name) as the
    README writes it (`Cryptographic Length`); vendor names (`x-...`) and spaced names unchanged."""
    if " " in name or name.startswith(("x-", "y-")):
        return name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def attributes(reply: Result) -> Dict[str, JSON]:
    """The `attr_names[]` / `attr_values[]` pairs of a reply: the first value of each name."""
    out: Dict[str, JSON] = {}
    for name, value in zip(reply.get("attr_names", []), reply.get("attr_values", [])):
        out.setdefault(kmip_name(str(name)), value)
    return out


def context(a: Args) -> List[Tuple[str, Value]]:
    """A raw context as `ctx_raw`, a key-value one as `ctx_key` / `ctx_value` pairs; absent (or
    no bytes): none, the empty context."""
    value = a.context()
    if isinstance(value, bytes):
        return [("ctx_raw", value)] if value else []
    pairs: List[Tuple[str, Value]] = []
    for key, text in value.items():
        pairs += [("ctx_key", key), ("ctx_value", text)]
    return pairs


def flag(a: Args, name: str) -> Value:
    """A boolean option: sent only when true (the C side tests presence)."""
    return True if a.flag(name) else None


def call(s: Session, a: Args, args: Request) -> Result:
    """The step's action with its client's configuration."""
    return s.process.call(a.action, [("config", a.config), *args])


# --- KMIP operations -----------------------------------------------------------------------

def create(s: Session, a: Args) -> Result:
    return call(s, a, [("name", a.opt_text("name")), ("length", a.integer("length", 256)),
                       ("usage", json.dumps(a.texts("usage", ["Encrypt", "Decrypt"]))),
                       ("algorithm", a.text("algorithm", "AES"))])


def create_key_pair(s: Session, a: Args) -> Result:
    return call(s, a, [("name", a.opt_text("name")), ("length", a.integer("length", 2048))])


def register(s: Session, a: Args) -> Result:
    usage = json.dumps(a.texts("usage")) if a.has("usage") else None
    return call(s, a, [("object_type", a.text("object_type")), ("value", a.data("value")),
                       ("name", a.opt_text("name")), ("algorithm", a.opt_text("algorithm")), ("usage", usage)])


def derive_key(s: Session, a: Args) -> Result:
    return call(s, a, [*texts(a.texts("base"), "base"), ("method", a.text("method")), ("data", a.data("data")),
                       ("length", a.integer("length", 256)), ("algorithm", a.text("algorithm", "AES")),
                       ("hash", a.text("hash", "SHA_256")), ("salt", a.opt_data("salt")),
                       ("iterations", a.opt_int("iterations"))])


def locate(s: Session, a: Args) -> Result:
    reply = call(s, a, [("name", a.opt_text("name")), ("object_type", a.opt_text("object_type")),
                        ("state", a.opt_text("state")), ("max_items", a.opt_int("max_items"))])
    return {"ids": reply.get("ids", [])}


def get(s: Session, a: Args) -> Result:
    reply = call(s, a, [("id", a.text("id")), ("wrapping_id", a.opt_text("wrapping_id"))])
    attrs = attributes(reply)
    out: Result = {"object_type": attrs.get("Object Type"), "material": reply["material"]}
    for name, key in (("Cryptographic Algorithm", "algorithm"), ("Cryptographic Length", "length")):
        if name in attrs:
            out[key] = attrs[name]
    return out


def get_attributes(s: Session, a: Args) -> Result:
    return {"attributes": attributes(call(s, a, [("id", a.text("id")), *texts(a.texts("names", []), "names")]))}


def get_attribute_list(s: Session, a: Args) -> Result:
    reply = call(s, a, [("id", a.text("id"))])
    return {"names": sorted(kmip_name(str(n)) for n in reply.get("names", []))}


def change_attribute(s: Session, a: Args) -> Result:
    current = json.dumps(a.get("current")) if a.has("current") else None
    call(s, a, [("id", a.text("id")), ("name", a.text("name")), ("value", json.dumps(a.need("value"))),
                ("current", current)])
    return {}


def with_id(s: Session, a: Args) -> Result:
    """activate, destroy, archive, recover, check, delete_attribute (`name`), rekey."""
    return call(s, a, [("id", a.text("id")), ("name", a.opt_text("name"))])


def revoke(s: Session, a: Args) -> Result:
    reason = a.text("reason", "CessationOfOperation")
    date = a.opt_int("compromise_date")
    if date is None and reason == "KeyCompromise":
        date = int(time.time())
    call(s, a, [("id", a.text("id")), ("reason", reason), ("compromise_date", date)])
    return {}


def query(s: Session, a: Args) -> Result:
    q = call(s, a, [])["query"]
    if not isinstance(q, dict):
        raise StepError(f"query: not a JSON object: {q!r:.80}")
    return {"operations": q.get("operations"), "object_types": q.get("object_types"),
            "vendor": q.get("vendor_identification")}


def discover_versions(s: Session, a: Args) -> Result:
    return {"versions": call(s, a, texts(a.texts("offered", []), "offered")).get("versions", [])}


def crypt(s: Session, a: Args) -> Result:
    """encrypt and decrypt. PyKMIP requires the algorithm in the parameters: always sent."""
    return call(s, a, [("id", a.text("id")), ("data", a.data("data")), ("algorithm", a.text("algorithm", "AES")),
                       ("mode", a.opt_text("mode")), ("padding", a.opt_text("padding")),
                       ("tag_length", a.opt_int("tag_length")), ("iv", a.opt_data("iv")),
                       ("aad", a.opt_data("aad")), ("tag", a.opt_data("tag"))])


# The parameters the scenarios README fixes for sign / signature_verify.
_SIGNING: Request = [("algorithm", "RSA"), ("padding", "PKCS1V1_5"),
                     ("signature_algorithm", "SHA_256WithRSAEncryption")]


def sign(s: Session, a: Args) -> Result:
    return call(s, a, [("id", a.text("id")), ("data", a.data("data")), *_SIGNING])


def signature_verify(s: Session, a: Args) -> Result:
    return call(s, a, [("id", a.text("id")), ("data", a.data("data")), ("signature", a.data("signature")),
                       *_SIGNING])


def mac(s: Session, a: Args) -> Result:
    return call(s, a, [("id", a.text("id")), ("data", a.data("data")),
                       ("algorithm", a.text("algorithm", "HMAC_SHA256"))])


# --- envelope encryption -------------------------------------------------------------------

def model1(s: Session, a: Args) -> Result:
    """model1_kek, model1_encrypt, model1_decrypt (without `kek`: the KEK the ciphertext names),
    model1_rotate, model1_rewrap, model1_is_current."""
    return call(s, a, [("kek", a.opt_text("kek")), ("plaintext", a.opt_data("plaintext")),
                       ("ciphertext", a.opt_data("ciphertext")), *context(a), ("stream", flag(a, "stream")),
                       ("cache", flag(a, "cache"))])


def model2(s: Session, a: Args) -> Result:
    """model2_encrypt, model2_decrypt (without `id`: the id the ciphertext names), model2_key,
    model2_rotate, model2_reencrypt."""
    return call(s, a, [("prefix", a.text("prefix", "")), ("id", a.opt_text("id")),
                       ("plaintext", a.opt_data("plaintext")), ("ciphertext", a.opt_data("ciphertext")),
                       *context(a), ("stream", flag(a, "stream")), ("cache", flag(a, "cache"))])


def header(s: Session, a: Args) -> Result:
    return s.process.call("header", [("ciphertext", a.data("ciphertext"))])


def cache_stats(s: Session, a: Args) -> Result:
    return s.process.call("cache_stats", [])


# --- files and the codec (the files are read here: plain file access, not the API) ----------

def write_file(s: Session, a: Args) -> Result:
    path = os.path.join(s.work, a.text("path"))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(a.data("data"))
    return {}


def read_file(s: Session, a: Args) -> Result:
    try:
        with open(os.path.join(s.work, a.text("path")), "rb") as f:
            return {"data": f.read().hex()}
    except OSError as e:
        raise StepError(f"read_file: {e}") from None


def codec_ttlv(s: Session, a: Args) -> Result:
    with open(os.path.join(s.vectors, a.text("file")), "r", encoding="ascii") as f:
        data = bytes.fromhex("".join(f.read().split()))
    return s.process.call("codec_ttlv", [("ttlv", data)])


def codec_xml(s: Session, a: Args) -> Result:
    with open(os.path.join(s.vectors, a.text("file")), "r", encoding="utf-8") as f:
        reply = s.process.call("codec_xml", [("xml", f.read())])
    return {"count": reply["count"], **{k: reply.get(k, []) for k in ("ttlv", "via_xml", "via_json")}}


ACTIONS: Dict[str, Callable[[Session, Args], Result]] = {
    "create": create, "create_key_pair": create_key_pair, "register": register, "derive_key": derive_key,
    "locate": locate, "get": get, "get_attributes": get_attributes, "get_attribute_list": get_attribute_list,
    "add_attribute": change_attribute, "set_attribute": change_attribute, "modify_attribute": change_attribute,
    "delete_attribute": with_id, "activate": with_id, "destroy": with_id, "archive": with_id,
    "recover": with_id, "check": with_id, "revoke": revoke, "rekey": with_id, "query": query,
    "discover_versions": discover_versions, "encrypt": crypt, "decrypt": crypt, "sign": sign,
    "signature_verify": signature_verify, "mac": mac,
    "model1_kek": model1, "model1_encrypt": model1, "model1_decrypt": model1, "model1_rotate": model1,
    "model1_rewrap": model1, "model1_is_current": model1,
    "model2_encrypt": model2, "model2_decrypt": model2, "model2_key": model2, "model2_rotate": model2,
    "model2_reencrypt": model2, "header": header, "cache_stats": cache_stats,
    "write_file": write_file, "read_file": read_file, "codec_ttlv": codec_ttlv, "codec_xml": codec_xml,
}
