#!/usr/bin/env python3
"""An independent decoder of the kmipkit ciphertext format, written from docs/FORMAT.md alone.

Usage: python3 decode.py conformance/vectors/envelope          (needs the `cryptography` package)
       python3 decode.py conformance/vectors/envelope/*.json

Given JSON files, decrypts each vector's ciphertext with its DEK and context and compares it with its
plaintext (and, when the vector has `context_pairs`, checks that their canonical encoding of §3.1 is
its context; when it has `kek`, reads its wrapped DEK as a Model 1 protected DEK, appendix, checks the
fields against `protected_dek` and unwraps the DEK with the KEK: method `02`, RFC 5649). Given the directory, does that for every vector in it, checks that every negative vector
in `negative/` fails with its error class at its stage (§6), and checks the context encodings in
`contexts/encodings.json`.
"""
import hmac
import json
import struct
import sys
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding


class FormatError(ValueError):
    """§6: the header cannot be read (stage `header`)."""


class IntegrityError(ValueError):
    """§6: the message does not authenticate (stage `commitment` or `frames`)."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage


def utf8(field: bytes, what: str) -> str:
    # Python's strict UTF-8 codec is RFC 3629's: no overlong forms, no surrogates, nothing above U+10FFFF.
    try:
        return field.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise FormatError(f"{what} is not UTF-8") from None


def parse_header(ct: bytes) -> tuple[bytes, int, bytes, tuple[str, int, str], bytes, int]:
    """§2: returns (bound part, F, salt, key reference, commitment, body offset)."""
    if len(ct) < 9:
        raise FormatError("truncated header")
    if ct[:4] != b"KMKE":
        raise FormatError("bad magic")
    if ct[4] != 1:
        raise FormatError(f"unsupported version {ct[4]}")
    suite, b = struct.unpack(">HH", ct[5:9])
    if suite != 1:
        raise FormatError(f"unsupported suite {suite:#06x}")
    if not 53 <= b <= 2101:
        raise FormatError(f"bound-part length {b} out of range")
    if len(ct) < b + 34:
        raise FormatError("truncated header")
    bound = ct[:b]
    (w,) = struct.unpack(">H", ct[b + 32 : b + 34])
    if w > 4096:
        raise FormatError("wrapped DEK too long")
    if len(ct) < b + 34 + w:
        raise FormatError("truncated header")
    (f,) = struct.unpack(">I", bound[9:13])
    if not 64 <= f <= 1 << 20:
        raise FormatError("bad frame size")
    (n,) = struct.unpack(">H", bound[45:47])
    if n > 1024 or 53 + n > b:
        raise FormatError("key name length out of range")
    name = utf8(bound[47 : 47 + n], "key name")
    (version, u) = struct.unpack(">IH", bound[47 + n : 53 + n])
    if u > 1024 or 53 + n + u > b:
        raise FormatError("key UID length out of range")
    uid = utf8(bound[53 + n : 53 + n + u], "key UID")
    if b != 53 + n + u:
        raise FormatError("bound-part length mismatch")
    return bound, f, bound[13:45], (name, version, uid), ct[b : b + 32], b + 34 + w


def decode(ct: bytes, dek: bytes, context: bytes) -> tuple[bytes, tuple[str, int, str]]:
    bound, f, salt, ref, commitment, start = parse_header(ct)
    if len(context) >= 1 << 32:
        raise IntegrityError("commitment", "a context of 4 GiB or more cannot have been bound")
    info = b"kmipkit/envelope/v1" + bound + struct.pack(">I", len(context)) + context
    okm = HKDF(algorithm=hashes.SHA256(), length=71, salt=salt, info=info).derive(dek)
    key, c, prefix = okm[:32], okm[32:64], okm[64:71]
    if not hmac.compare_digest(c, commitment):
        raise IntegrityError("commitment", "key commitment mismatch")
    aead, out, i, full, body = AESGCM(key), [], 0, f + 16, ct[start:]
    while True:
        last = len(body) <= full
        frame, body = body[:full], body[full:]
        if len(frame) < 16:
            raise IntegrityError("frames", "truncated")
        try:
            out.append(aead.decrypt(prefix + struct.pack(">IB", i, int(last)), frame, None))
        except InvalidTag:
            raise IntegrityError("frames", f"frame {i} failed authentication") from None
        if last:
            return b"".join(out), ref
        i += 1


def encode_context(pairs: list[tuple[str, str]]) -> bytes:
    """§3.1: the canonical encoding of key-value pairs; ValueError for what it refuses."""
    keys = [k.encode("utf-8") for k, _ in pairs]
    if any(not k or b"=" in k or b"\n" in k for k in keys) or len(set(keys)) != len(keys):
        raise ValueError("refused key")
    lines = sorted((k.encode("utf-8"), v.encode("utf-8").replace(b"\n", b"\n=")) for k, v in pairs)
    return b"\n".join(k + b"=" + v for k, v in lines)


def check_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    context = bytes.fromhex(v["context"])
    if "context_pairs" in v:
        assert encode_context([tuple(p) for p in v["context_pairs"]]) == context, path
    plain, ref = decode(bytes.fromhex(v["ciphertext"]), bytes.fromhex(v["dek"]), context)
    assert plain == bytes.fromhex(v["plaintext"]), path
    assert ref == (v["key_name"], v["key_version"], v["key_uid"]), path
    print(f"ok {path}: {len(plain)} bytes, key {ref}")
    if "kek" in v:
        check_protected_dek(path, v)


def read_protected_dek(blob: bytes) -> dict:
    """The fields of a Model 1 protected DEK (FORMAT.md appendix); raises FormatError."""
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if len(blob) - pos < n:
            raise FormatError("protected DEK truncated")
        pos += n
        return blob[pos - n : pos]

    if take(4) != b"KMPD" or take(1) != b"\x01":
        raise FormatError("not a version 1 protected DEK")
    method = take(1)[0]
    if method not in (1, 2):
        raise FormatError(f"unknown method {method}")
    (n,) = struct.unpack(">H", take(2))
    if n > 1024:
        raise FormatError("KEK name too long")
    name = utf8(take(n), "KEK name")
    (version,) = struct.unpack(">I", take(4))
    (u,) = struct.unpack(">H", take(2))
    if u > 1024:
        raise FormatError("KEK UID too long")
    uid = utf8(take(u), "KEK UID")
    iv = take(take(1)[0])
    tag = take(take(1)[0])
    (e,) = struct.unpack(">H", take(2))
    encrypted = take(e)
    if pos != len(blob):
        raise FormatError("bytes after the encrypted DEK")
    if method == 1 and not (1 <= len(iv) <= 32 and 1 <= len(tag) <= 32 and 1 <= e <= 1024):
        raise FormatError("method 01 lengths out of range")
    if method == 2 and (iv or tag or not 16 <= e <= 1024 or e % 8):
        raise FormatError("method 02: no IV, no tag, 16..1024 wrapped bytes in 8-byte blocks")
    return {"method": method, "kek_name": name, "kek_version": version, "kek_uid": uid,
            "iv": iv.hex(), "tag": tag.hex(), "encrypted_dek": encrypted.hex()}


def check_protected_dek(path: Path, v: dict) -> None:
    """A vector with a `kek`: its wrapped DEK is a method 02 protected DEK that unwraps to `dek`."""
    fields = read_protected_dek(bytes.fromhex(v["wrapped_dek"]))
    assert fields == v["protected_dek"], (path, fields)
    assert fields["method"] == 2 and fields["kek_name"] == v["key_name"], path
    dek = aes_key_unwrap_with_padding(bytes.fromhex(v["kek"]), bytes.fromhex(fields["encrypted_dek"]))
    assert dek == bytes.fromhex(v["dek"]), path
    print(f"ok {path}: protected DEK, method 02, unwraps to the DEK under KEK {fields['kek_name']!r}")


def check_negative(path: Path) -> None:
    v = json.loads(path.read_text())
    try:
        decode(bytes.fromhex(v["ciphertext"]), bytes.fromhex(v["dek"]), bytes.fromhex(v["context"]))
    except FormatError as e:
        got = ("format", "header", str(e))
    except IntegrityError as e:
        got = ("integrity", e.stage, str(e))
    else:
        raise AssertionError(f"{path}: decrypted")
    assert got[:2] == (v["error"], v["fails_at"]), (path, got)
    print(f"ok {path}: {got[0]} error at {got[1]} ({got[2]})")


def check_contexts(path: Path) -> None:
    v = json.loads(path.read_text())
    for case in v["valid"]:
        pairs = [tuple(p) for p in case["pairs"]]
        assert encode_context(pairs) == bytes.fromhex(case["bytes"]), case
        assert encode_context(pairs[::-1]) == bytes.fromhex(case["bytes"]), case
    for case in v["refused"]:
        try:
            encode_context([tuple(p) for p in case["pairs"]])
        except ValueError:
            continue
        raise AssertionError(f"accepted {case}")
    print(f"ok {path}: {len(v['valid'])} encodings, {len(v['refused'])} refusals")


if __name__ == "__main__":
    for arg in map(Path, sys.argv[1:]):
        if not arg.is_dir():
            check_vector(arg)
            continue
        for path in sorted(arg.glob("*.json")):
            check_vector(path)
        negatives = sorted((arg / "negative").glob("*.json"))
        assert negatives, f"no negative vectors in {arg}/negative"
        for path in negatives:
            check_negative(path)
        check_contexts(arg / "contexts" / "encodings.json")
