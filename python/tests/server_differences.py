"""The one table of the Python live tests' measured differences between key server families.

``KMIPKIT_TEST_SERVER`` chooses the family the tests run against: ``pykmip`` (the default, the
reference the tests were written for) or ``cosmian``. Where a server answers differently, the
test asks :func:`differs` and asserts *that server's* answer; a test that is about PyKMIP itself
is excluded for the other family only through :func:`excluded`, which skips it with the reason.
Every consulted row is printed (``pytest -rs`` lists the exclusions), so nothing is skipped
silently.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, NamedTuple

import pytest

FAMILIES = ("pykmip", "cosmian")


def _family() -> str:
    value = os.environ.get("KMIPKIT_TEST_SERVER", "").strip() or "pykmip"
    if value not in FAMILIES:
        raise RuntimeError(f"KMIPKIT_TEST_SERVER={value!r} names no server family the live tests know: "
                           "use pykmip (the default) or cosmian")
    return value


FAMILY = _family()


class Difference(NamedTuple):
    """``test`` against ``server`` differs as ``kind`` because ``reason`` (measured)."""

    server: str
    kind: Literal["differs", "excluded"]
    reason: str


# test function name -> its differences (measured against Cosmian KMS 5.28.0).
DIFFERENCES: dict[str, list[Difference]] = {
    "test_model1_key_wrap_is_refused_at_setup_by_a_server_that_cannot_unwrap": [
        Difference("cosmian", "differs",
                   "Cosmian wraps (RFC 5649) and unwraps on the server (Import): Model 1's key-wrap method is accepted at setup and round-trips (PyKMIP refuses it)"),
    ],
    "test_version_and_query": [
        Difference("cosmian", "differs",
                   "Cosmian speaks KMIP 2.1: the client negotiates 2.1 and Discover Versions lists 2.1 first (PyKMIP: 2.0)"),
    ],
    "test_async_operations": [
        Difference("cosmian", "differs",
                   "Cosmian speaks KMIP 2.1 (PyKMIP: 2.0); a Get of a destroyed key is ObjectDestroyed (PyKMIP: ItemNotFound)"),
    ],
    "test_async_every_supported_operation": [
        Difference("cosmian", "differs",
                   "MAC needs a Hashing Algorithm, which the Python mac() cannot send (refused, OperationNotSupported); Cosmian has RNG Retrieve, Check and ReKey, which PyKMIP refuses"),
    ],
    "test_create_get_locate_lifecycle": [
        Difference("cosmian", "differs",
                   "a Get of a destroyed key is ObjectDestroyed (PyKMIP: ItemNotFound)"),
    ],
    "test_attributes_change": [
        Difference("cosmian", "differs",
                   "at KMIP 2.x Delete Attribute deletes only by value: a reference (the name) is answered success and the name stays"),
    ],
    "test_mac_secret_data_rng_keypair": [
        Difference("cosmian", "differs",
                   "MAC needs a Hashing Algorithm, which the Python mac() cannot send (refused, OperationNotSupported \"Hashing algorithm is required\"); Cosmian has RNG Retrieve"),
    ],
    "test_unsupported_operations_are_server_errors": [
        Difference("cosmian", "differs",
                   "Cosmian has Check and ReKey (PyKMIP refuses both): they succeed"),
    ],
    "test_get_many_in_one_batch": [
        Difference("cosmian", "differs",
                   "a Get of an unknown id is ObjectNotFound (PyKMIP: ItemNotFound)"),
    ],
    "test_derive_key_hkdf": [
        Difference("cosmian", "differs",
                   "Derive Key has no HMAC method on Cosmian (OperationNotSupported, \"Unsupported derivation method: HMAC\")"),
    ],
    "test_get_many_answers_every_id_past_a_refusal": [
        Difference("cosmian", "differs",
                   "a Get of an unknown id is ObjectNotFound (PyKMIP: ItemNotFound)"),
    ],
    "test_register_defaults_of_each_kind": [
        Difference("cosmian", "differs",
                   "the default Opaque Data Type 0x80000000 does not parse (InvalidMessage, \"expected valid OpaqueDataType value\")"),
    ],
    "test_rekey_key_pair_is_refused_by_pykmip": [
        Difference("cosmian", "differs",
                   "Cosmian has Re-Key Key Pair; given a symmetric key's id it answers ItemNotFound (PyKMIP: OperationNotSupported)"),
    ],
    "test_model2_rotation": [
        Difference("cosmian", "differs",
                   "Cosmian refuses Get of a Deactivated key (WrongKeyLifecycleState \"DENIED\"; only Export hands out revoked keys): data under the deactivated v1 cannot be re-encrypted or decrypted there"),
    ],
    "test_secrets_never_in_repr": [
        Difference("cosmian", "differs",
                   "Cosmian accepts a Register with Cryptographic Length 7 for a 32-byte key; the refusal checked for the key is its refusal of opaque type 0x80000000"),
    ],
    "test_log_and_audit": [
        Difference("cosmian", "differs",
                   "the failed Get of an unknown id is logged as ObjectNotFound (PyKMIP: ItemNotFound)"),
    ],
    "test_a_key_pykmip_creates_kmipkit_reads_and_uses": [
        Difference("cosmian", "excluded",
                   "interoperability with PyKMIP's own client (ProxyKmipClient), which cannot read Cosmian's KMIP 2.x answers (StreamNotEmptyError)"),
    ],
    "test_a_key_kmipkit_registers_pykmip_retrieves": [
        Difference("cosmian", "excluded",
                   "interoperability with PyKMIP's own client (ProxyKmipClient), which cannot read Cosmian's KMIP 2.x answers (StreamNotEmptyError)"),
    ],
}


def difference(test: str) -> Difference | None:
    """The row for ``test`` against the family under test, printed when there is one."""
    for row in DIFFERENCES.get(test, []):
        if row.server == FAMILY:
            print(f"{test} against {FAMILY}: {row.kind}: {row.reason}", file=sys.stderr)
            return row
    return None


def differs(test: str) -> bool:
    """True when the family under test answers ``test`` differently: assert its answer."""
    row = difference(test)
    return row is not None and row.kind == "differs"


def excluded(test: str) -> None:
    """Skips ``test``, with the table's reason, when it is excluded for the family under test."""
    row = difference(test)
    if row is not None and row.kind == "excluded":
        pytest.skip(f"excluded for {FAMILY} (server_differences.py): {row.reason}")
