"""Structured attributes read from PyKMIP come back typed, not as Rust ``Debug`` text."""

from __future__ import annotations

from kmipkit import ApplicationSpecificInformation, Client


def test_application_specific_information_is_a_dataclass(client: Client, unique: str) -> None:
    # kmipkit marks what it creates with Application Specific Information (its failover
    # marker); PyKMIP stores it and returns it with the other attributes.
    uid = client.create_aes_key(unique, 128)
    attrs = client.get_attributes(uid)
    info = attrs["application_specific_information"]
    assert isinstance(info, ApplicationSpecificInformation), repr(info)
    assert info.application_namespace and info.application_data
    assert "Some(" not in repr(attrs) and "ApplicationSpecificInformation {" not in repr(attrs)
    assert attrs["cryptographic_length"] == 128
    assert client.get_attributes(uid, ["application_specific_information"])[
        "application_specific_information"
    ] == info
    client.destroy(uid)


# A misspelt value is a type error for mypy --strict (checked with the package and these tests
# by scripts/test.sh); --warn-unused-ignores makes each ignore below an assertion that mypy
# does refuse the line. The function is never called.
def _misspelt_values_do_not_type_check(client: Client, uid: str) -> None:
    client.revoke(uid, "KeyCompromize")  # type: ignore[arg-type]
    client.create("SymetricKey")  # type: ignore[arg-type]
    client.create_aes_key("k", usage=["Encrypt", "Decrpyt"])  # type: ignore[list-item]
