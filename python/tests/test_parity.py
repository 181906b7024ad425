"""The Python clients offer every KMIP operation the core's client sends.

The list comes from the core (``kmipkit::client::catalog::OPERATIONS``, read through
``kmipkit._native.operations()``): when the core gains an operation, this test fails until
:class:`kmipkit.Client` and :class:`kmipkit.AsyncClient` have a method of the same name.
"""

from __future__ import annotations

import inspect

import pytest

from kmipkit import AsyncClient, Client, _native


def missing_methods(cls: type, want_coroutine: bool) -> list[str]:
    """The core's operations ``cls`` has no method for (or one of the wrong kind)."""
    missing = []
    for operation, method in _native.operations():
        found = inspect.getattr_static(cls, method, None)
        if not inspect.isfunction(found) or inspect.iscoroutinefunction(found) != want_coroutine:
            missing.append(f"{operation} ({method})")
    return missing


def test_the_core_lists_its_operations() -> None:
    operations = _native.operations()
    assert ("Get", "get") in operations and ("ReKeyKeyPair", "rekey_key_pair") in operations
    assert len({method for _, method in operations}) == len(operations) >= 30


@pytest.mark.parametrize(("cls", "coroutine"), [(Client, False), (AsyncClient, True)])
def test_every_operation_of_the_core_has_a_method(cls: type, coroutine: bool) -> None:
    assert missing_methods(cls, coroutine) == [], f"{cls.__name__} lacks methods for core operations"


def test_a_class_lacking_operations_is_caught() -> None:
    class Partial:
        def get(self) -> None: ...

        async def locate(self) -> None: ...

    missing = missing_methods(Partial, want_coroutine=False)
    assert "Get (get)" not in missing
    assert "Locate (locate)" in missing  # a coroutine where a blocking method belongs
    assert "Create (create)" in missing
    assert len(missing) == len(_native.operations()) - 1
