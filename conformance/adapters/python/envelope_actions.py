"""The envelope, file and codec actions of conformance/scenarios/README.md, one function each,
through the public `kmipkit` package (results as in the README: bytes as lowercase hex)."""

from __future__ import annotations

import os
from typing import BinaryIO, Callable, Dict, List

import kmipkit
from kmipkit import envelope, ttlv

from pyrunner.args import Args
from pyrunner.runner import Result
from session import Session


# --- envelope encryption -------------------------------------------------------------------

def streamed(s: Session, data: bytes, run: Callable[[BinaryIO, BinaryIO], object]) -> bytes:
    """`run(src, dst)` over real files in the scratch directory; the output's bytes."""
    src_path, dst_path = s.scratch("in"), s.scratch("out")
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


def model1(s: Session, a: Args, kek: str) -> kmipkit.Model1:
    """The model of the KEK's current version, as a user makes it."""
    return kmipkit.Model1.current(s.client(a), kek, s.cache_for(a))


def model1_kek(s: Session, a: Args) -> Result:
    kek = model1(s, a, a.text("kek")).ensure_kek()
    return {"version": kek.version, "id": kek.uid}


def model1_encrypt(s: Session, a: Args) -> Result:
    m, data, ctx = model1(s, a, a.text("kek")), a.data("plaintext"), a.context()
    if a.flag("stream"):
        return {"ciphertext": streamed(s, data, lambda src, dst: m.encrypt_stream(src, dst, ctx)).hex()}
    return {"ciphertext": m.encrypt(data, ctx).hex()}


def model1_decrypt(s: Session, a: Args) -> Result:
    ct, ctx = a.data("ciphertext"), a.context()
    kek = a.opt_text("kek") or envelope.header(ct)["key"].name
    m = model1(s, a, kek)
    if a.flag("stream"):
        return {"plaintext": streamed(s, ct, lambda src, dst: m.decrypt_stream(src, dst, ctx)).hex()}
    return {"plaintext": m.decrypt(ct, ctx).hex()}


def model1_rotate(s: Session, a: Args) -> Result:
    # A new version after the current one, as `kmipkit key rotate --kek` does; refused
    # (ProtocolError from kek()) when the KEK does not exist yet.
    current = model1(s, a, a.text("kek"))
    current.kek()
    return {"version": kmipkit.Model1(s.client(a), current.kek_name, current.kek_version + 1).ensure_kek().version}


def model1_rewrap(s: Session, a: Args) -> Result:
    rotation = kmipkit.Model1Rotation(model1(s, a, a.text("kek")))
    return {"ciphertext": rotation.rewrap(a.data("ciphertext")).hex()}


def model1_is_current(s: Session, a: Args) -> Result:
    rotation = kmipkit.Model1Rotation(model1(s, a, a.text("kek")))
    return {"current": rotation.is_current(a.data("ciphertext"))}


def model2(s: Session, a: Args) -> kmipkit.Model2:
    return kmipkit.Model2(s.client(a), a.text("prefix"), s.cache_for(a))


def model2_encrypt(s: Session, a: Args) -> Result:
    m, uid, data, ctx = model2(s, a), a.text("id"), a.data("plaintext"), a.context()
    if a.flag("stream"):
        return {"ciphertext": streamed(s, data, lambda src, dst: m.encrypt_stream(uid, src, dst, ctx)).hex()}
    return {"ciphertext": m.encrypt(uid, data, ctx).hex()}


def model2_decrypt(s: Session, a: Args) -> Result:
    m, ct, ctx, prefix = model2(s, a), a.data("ciphertext"), a.context(), a.text("prefix")
    uid = a.opt_text("id")
    if uid is None:  # the id the ciphertext names (its key name is prefix + id)
        name = envelope.header(ct)["key"].name
        uid = name[len(prefix):] if name.startswith(prefix) else name
    if a.flag("stream"):
        return {"plaintext": streamed(s, ct, lambda src, dst: m.decrypt_stream(uid, src, dst, ctx)).hex()}
    return {"plaintext": m.decrypt(uid, ct, ctx).hex()}


def model2_key(s: Session, a: Args) -> Result:
    key = model2(s, a).key_for(a.text("id"))
    return {"version": key.version, "id": key.uid}


def model2_rotate(s: Session, a: Args) -> Result:
    rotation, uid = kmipkit.Model2Rotation(model2(s, a)), a.text("id")
    added = rotation.add_version(uid)
    rotation.promote(uid, added.version)
    return {"version": added.version}


def model2_reencrypt(s: Session, a: Args) -> Result:
    ct = a.data("ciphertext")
    out: List[bytes] = []
    kmipkit.Model2Rotation(model2(s, a)).reencrypt_all(a.text("id"), [(0, a.context(), ct)], lambda _, new: out.append(new))
    return {"ciphertext": (out[0] if out else ct).hex()}  # not handed to the sink: already current


def header(s: Session, a: Args) -> Result:
    h = envelope.header(a.data("ciphertext"))
    key: kmipkit.KeyRef = h["key"]
    return {"model": 1 if h.get("wrapped_dek") else 2, "key_name": key.name, "key_version": key.version}


def cache_stats(s: Session, a: Args) -> Result:
    stats = s.key_cache().stats()
    return {"hits": stats["hits"], "misses": stats["misses"], "entries": stats["entries"]}


# --- files and the codec -------------------------------------------------------------------

def _path(s: Session, a: Args) -> str:
    """`path`: absolute (`{{shared}}/...`), or relative to the scratch directory."""
    return os.path.join(s.work, a.text("path"))


def _vector(s: Session, a: Args) -> str:
    """`file`: relative to conformance/vectors (or absolute)."""
    return os.path.join(s.vectors, a.text("file"))


def write_file(s: Session, a: Args) -> Result:
    path = _path(s, a)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(a.data("data"))
    return {}


def read_file(s: Session, a: Args) -> Result:
    with open(_path(s, a), "rb") as f:
        return {"data": f.read().hex()}


def codec_ttlv(s: Session, a: Args) -> Result:
    with open(_vector(s, a), "r", encoding="ascii") as f:
        data = bytes.fromhex("".join(f.read().split()))
    codec = ttlv.TextCodec()
    return {
        "ttlv": data.hex(),
        "via_xml": codec.xml_to_ttlv(codec.ttlv_to_xml(data)).hex(),
        "via_json": codec.json_to_ttlv(codec.ttlv_to_json(data)).hex(),
    }


def codec_xml(s: Session, a: Args) -> Result:
    with open(_vector(s, a), "r", encoding="utf-8") as f:
        text = f.read()
    codec = ttlv.TextCodec()
    messages = codec.xml_messages_to_ttlv(text)
    return {
        "count": len(messages),
        "ttlv": [m.hex() for m in messages],
        "via_xml": [codec.xml_to_ttlv(codec.ttlv_to_xml(m)).hex() for m in messages],
        "via_json": [codec.json_to_ttlv(codec.ttlv_to_json(m)).hex() for m in messages],
    }


ENVELOPE_ACTIONS: Dict[str, Callable[[Session, Args], Result]] = {
    "model1_kek": model1_kek, "model1_encrypt": model1_encrypt, "model1_decrypt": model1_decrypt,
    "model1_rotate": model1_rotate, "model1_rewrap": model1_rewrap, "model1_is_current": model1_is_current,
    "model2_encrypt": model2_encrypt, "model2_decrypt": model2_decrypt, "model2_key": model2_key,
    "model2_rotate": model2_rotate, "model2_reencrypt": model2_reencrypt, "header": header,
    "cache_stats": cache_stats, "write_file": write_file, "read_file": read_file,
    "codec_ttlv": codec_ttlv, "codec_xml": codec_xml,
}
