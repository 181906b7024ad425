"""The shared vectors, decoded and checked from Python: OASIS KMIP XML test cases through every
encoding and the typed model, PyKMIP 0.11 captures, and the frozen envelope ciphertexts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kmipkit
from kmipkit import envelope, ttlv

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors"
OASIS = sorted((VECTORS / "oasis-xml").rglob("*.xml"))
CAPTURES = sorted((VECTORS / "pykmip-0.11").glob("*.hex"))
FROZEN = sorted((VECTORS / "envelope").glob("*.json"))
NEGATIVE = sorted((VECTORS / "envelope" / "negative").glob("*.json"))


def test_vectors_present() -> None:
    assert len(OASIS) > 100 and len(CAPTURES) > 40 and len(FROZEN) >= 5


@pytest.mark.parametrize("path", OASIS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_oasis_xml_through_every_encoding(path: Path) -> None:
    codec = ttlv.TextCodec()
    messages = codec.xml_messages_to_ttlv(path.read_text())
    assert messages
    for message in messages:
        # TTLV -> XML -> TTLV and TTLV -> JSON -> TTLV are identical.
        assert codec.xml_to_ttlv(codec.ttlv_to_xml(message)) == message
        assert codec.json_to_ttlv(codec.ttlv_to_json(message)) == message
        assert codec.json_to_ttlv(codec.ttlv_to_json(message, compact=True)) == message
        # The typed model re-encodes the message identically.
        parsed = ttlv.parse_message(message)
        assert parsed.kind in ("request", "response")
        assert parsed.reencoded == message


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
def test_pykmip_captures(path: Path) -> None:
    data = bytes.fromhex(path.read_text().strip())
    assert ttlv.normalize(data) == data
    message = ttlv.parse_message(data)
    assert message.kind == ("request" if ".req." in path.name else "response")
    assert message.reencoded == data
    text = ttlv.dump(data)
    assert text.startswith("RequestMessage" if message.kind == "request" else "ResponseMessage")
    if message.kind == "response":
        assert all(status in ("Success", "OperationFailed") for status, _ in message.results)


@pytest.mark.parametrize("path", FROZEN, ids=lambda p: p.name)
def test_frozen_envelope_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    dek, context = bytes.fromhex(v["dek"]), bytes.fromhex(v["context"])
    ciphertext, plaintext = bytes.fromhex(v["ciphertext"]), bytes.fromhex(v["plaintext"])
    assert envelope.open_with_key(dek, ciphertext, context) == plaintext
    h = envelope.header(ciphertext)
    assert h["key"] == kmipkit.KeyRef(v["key_name"], v["key_version"], v["key_uid"])
    assert h["frame_size"] == v["frame_size"]
    assert h["wrapped_dek"] == bytes.fromhex(v["wrapped_dek"])
    # Sealing again with the same salt reproduces the vector byte for byte.
    again = envelope._seal_with_fixed_salt_for_test_vectors(
        dek, plaintext, context, bytes.fromhex(v["salt"]), key_ref=h["key"], wrapped_dek=h["wrapped_dek"],
        frame_size=v["frame_size"],
    )
    assert again == ciphertext
    # Any flipped bit is an IntegrityError (or FormatError in the header).
    tampered = bytearray(ciphertext)
    tampered[-1] ^= 1
    with pytest.raises((kmipkit.IntegrityError, kmipkit.FormatError)):
        envelope.open_with_key(dek, bytes(tampered), context)
    with pytest.raises(kmipkit.IntegrityError):
        envelope.open_with_key(dek, ciphertext, context + b"x")


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_negative_envelope_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    expected = {"format": kmipkit.FormatError, "integrity": kmipkit.IntegrityError}[v["error"]]
    dek, context, ciphertext = (bytes.fromhex(v[k]) for k in ("dek", "context", "ciphertext"))
    with pytest.raises(kmipkit.errors.CiphertextError) as err:
        envelope.open_with_key(dek, ciphertext, context)
    assert type(err.value) is expected, err.value


def test_context_encodings() -> None:
    v = json.loads((VECTORS / "envelope" / "contexts" / "encodings.json").read_text())
    for case in v["valid"]:
        mapping = {k: x for k, x in case["pairs"]}
        assert envelope.encode_context(mapping) == bytes.fromhex(case["bytes"])
        assert envelope.decode_context(bytes.fromhex(case["bytes"])) == mapping
    for case in v["refused"]:
        pairs = case["pairs"]
        if len({k for k, _ in pairs}) < len(pairs):
            continue  # a mapping cannot repeat a key
        with pytest.raises(kmipkit.errors.EncodeError):
            envelope.encode_context({k: x for k, x in pairs})
    # The vector sealed under a key-value context opens with the mapping itself.
    v = json.loads((VECTORS / "envelope" / "06-context-pairs.json").read_text())
    mapping = {k: x for k, x in v["context_pairs"]}
    dek, ciphertext = bytes.fromhex(v["dek"]), bytes.fromhex(v["ciphertext"])
    assert envelope.open_with_key(dek, ciphertext, mapping) == bytes.fromhex(v["plaintext"])


def test_codec_errors_are_typed() -> None:
    with pytest.raises(kmipkit.errors.DecodeError) as err:
        ttlv.dump(b"\x42\x00\x7b")
    assert "truncated" in str(err.value)
    assert err.value.code == 0x0101
    with pytest.raises(kmipkit.errors.SyntaxError_):
        ttlv.TextCodec().xml_to_ttlv("<RequestMessage><Nope")
