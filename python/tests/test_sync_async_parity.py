"""The blocking and asyncio classes are kept in parallel by hand (``Client``/``AsyncClient`` in
client.py, each envelope class and its ``Async`` twin in envelope.py). These tests fail when the
two drift apart: a method on one side only, a parameter renamed, reordered, retyped or given
another default, a different return type, or an asyncio method that does not return an
awaitable. No key server is needed.

The few differences that are on purpose are listed in ``RENAMED``, ``ASYNC_ONLY`` and
``DIFFERENT_PARAMETERS``, each with its reason; anything else that differs is drift.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Optional

import pytest

from kmipkit import client as client_module
from kmipkit import envelope

PAIRS: list[tuple[type, type]] = [
    (client_module.Client, client_module.AsyncClient),
    (envelope.Model1, envelope.AsyncModel1),
    (envelope.Model2, envelope.AsyncModel2),
    (envelope.Model1Rotation, envelope.AsyncModel1Rotation),
    (envelope.Model2Rotation, envelope.AsyncModel2Rotation),
]

FUNCTIONS: list[tuple[Callable[..., Any], Callable[..., Any]]] = [
    (envelope.destroy_version, envelope.async_destroy_version),
]

# Methods that never wait for the key manager: plain methods or properties on both sides.
LOCAL = {
    "__init__",
    "__repr__",
    "native",
    "version",
    "server_names",
    "kek_key_name",
    "kek_name",
    "kek_version",
    "kek_method",
    "key_name",
    "forget",
    "is_current",
}

# asyncio name -> blocking name: the protocols differ, the roles do not.
RENAMED = {"__aenter__": "__enter__", "__aexit__": "__exit__", "connect": "__init__"}

# asyncio methods without a blocking twin of the same name, and why.
ASYNC_ONLY = {
    # A constructor cannot await the key manager: ``Client(config)`` connects, while
    # ``await AsyncClient.connect(config)`` (or ``async with AsyncClient(config)``) does.
    "connect": "constructors cannot await",
}

# (class name, method) -> parameters whose default or annotation may differ, and why.
DIFFERENT_PARAMETERS = {
    # ``Model1(client, name)`` looks the current KEK version up in its constructor; an asyncio
    # constructor cannot, so ``AsyncModel1`` needs the version (``AsyncModel1.current`` looks it up).
    ("Model1", "__init__"): {"kek_version"},
}

PROTOCOL_DUNDERS = {"__init__", "__repr__", "__len__", "__enter__", "__exit__", "__aenter__", "__aexit__"}


def public_names(cls: type) -> set[str]:
    """The API of ``cls``: public attributes and the protocol dunders it defines itself."""
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name in vars(klass):
            if not name.startswith("_") or (name in PROTOCOL_DUNDERS and name in vars(klass)):
                names.add(name)
    return names


def normalize(annotation: object) -> str:
    """An annotation as text, with each ``AsyncX`` read as ``X`` and quotes dropped."""
    if annotation is inspect.Parameter.empty:
        return ""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    text = text.replace("'", "").replace('"', "")
    return re.sub(r"\bAsync(?=[A-Z])", "", text)


def unwrap(raw: object) -> tuple[str, Optional[Callable[..., Any]]]:
    """The kind of a class attribute and its function (``None`` for a plain value)."""
    if isinstance(raw, property):
        return "property", raw.fget
    if isinstance(raw, classmethod):
        return "classmethod", raw.__func__
    if isinstance(raw, staticmethod):
        return "staticmethod", raw.__func__
    if inspect.isfunction(raw):
        return "method", raw
    return "value", None


def parameters(function: Callable[..., Any], drop_first: bool) -> list[inspect.Parameter]:
    params = list(inspect.signature(function).parameters.values())
    return params[1:] if drop_first else params


def compare(
    where: str,
    sync_fn: Callable[..., Any],
    async_fn: Callable[..., Any],
    drop_first: bool = True,
    loose: frozenset[str] = frozenset(),
) -> list[str]:
    """How the signatures of a blocking function and its asyncio twin differ."""
    problems = []
    sync_params = parameters(sync_fn, drop_first)
    async_params = parameters(async_fn, drop_first)
    sync_names = [p.name for p in sync_params]
    async_names = [p.name for p in async_params]
    if sync_names != async_names:
        return [f"{where}: parameters {sync_names} (blocking) != {async_names} (asyncio)"]
    for s, a in zip(sync_params, async_params):
        if s.kind != a.kind:
            problems.append(f"{where}({s.name}): {s.kind.description} != {a.kind.description}")
        if s.name in loose:
            continue
        if s.default != a.default:
            problems.append(f"{where}({s.name}): default {s.default!r} != {a.default!r}")
        if normalize(s.annotation) != normalize(a.annotation):
            problems.append(f"{where}({s.name}): type {normalize(s.annotation)} != {normalize(a.annotation)}")
    sync_ret = normalize(inspect.signature(sync_fn).return_annotation)
    async_ret = normalize(inspect.signature(async_fn).return_annotation)
    if sync_ret != async_ret and not (where.endswith(".connect") and sync_ret == "None"):
        problems.append(f"{where}: returns {sync_ret} (blocking) != {async_ret} (asyncio)")
    return problems


def drift(sync_cls: type, async_cls: type) -> list[str]:
    """Every difference between a blocking class and its asyncio twin that is not on purpose."""
    problems = []
    name = sync_cls.__name__
    sync_names = public_names(sync_cls)
    async_names = public_names(async_cls)
    twins = {a: RENAMED.get(a, a) for a in async_names}
    for missing in sorted(sync_names - set(twins.values())):
        problems.append(f"{name}.{missing} has no asyncio twin in {async_cls.__name__}")
    for async_name, sync_name in sorted(twins.items()):
        where = f"{name}.{sync_name}"
        if sync_name not in sync_names:
            problems.append(f"{async_cls.__name__}.{async_name} has no blocking twin in {name}")
            continue
        sync_kind, sync_fn = unwrap(inspect.getattr_static(sync_cls, sync_name))
        async_kind, async_fn = unwrap(inspect.getattr_static(async_cls, async_name))
        if async_name in ASYNC_ONLY:
            # An asyncio constructor (a classmethod) mirrors the blocking ``__init__``.
            if async_kind != "classmethod" or sync_fn is None or async_fn is None:
                problems.append(f"{async_cls.__name__}.{async_name} should be an async classmethod")
                continue
        elif sync_kind != async_kind:
            problems.append(f"{where}: {sync_kind} (blocking) != {async_kind} (asyncio)")
            continue
        if sync_fn is None or async_fn is None:
            continue
        if inspect.iscoroutinefunction(sync_fn):
            problems.append(f"{where}: the blocking method is async")
        local = sync_name in LOCAL and async_name not in RENAMED
        if local and inspect.iscoroutinefunction(async_fn):
            problems.append(f"{async_cls.__name__}.{async_name}: is async, but LOCAL says it never waits")
        if not local and not inspect.iscoroutinefunction(async_fn):
            problems.append(
                f"{async_cls.__name__}.{async_name}: does not return an awaitable (make it async, "
                "or add it to LOCAL if it never waits for the key manager)"
            )
        loose = frozenset(DIFFERENT_PARAMETERS.get((name, sync_name), set()))
        problems += compare(f"{name}.{async_name}", sync_fn, async_fn, drop_first=sync_kind != "staticmethod", loose=loose)
    return problems


@pytest.mark.parametrize("sync_cls,async_cls", PAIRS, ids=[s.__name__ for s, _ in PAIRS])
def test_the_asyncio_class_mirrors_the_blocking_one(sync_cls: type, async_cls: type) -> None:
    problems = drift(sync_cls, async_cls)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sync_fn,async_fn", FUNCTIONS, ids=[f.__name__ for f, _ in FUNCTIONS])
def test_the_asyncio_function_mirrors_the_blocking_one(
    sync_fn: Callable[..., Any], async_fn: Callable[..., Any]
) -> None:
    assert not inspect.iscoroutinefunction(sync_fn)
    assert inspect.iscoroutinefunction(async_fn), f"{async_fn.__name__} does not return an awaitable"
    problems = compare(sync_fn.__name__, sync_fn, async_fn, drop_first=False)
    assert not problems, "\n".join(problems)


def test_every_asyncio_class_of_the_package_is_paired() -> None:
    """A new ``AsyncX`` class joins ``PAIRS``, or this fails."""
    paired = {a for _, a in PAIRS}
    for module in (client_module, envelope):
        for name, value in vars(module).items():
            if inspect.isclass(value) and name.startswith("Async") and value.__module__ == module.__name__:
                assert value in paired, f"{module.__name__}.{name} is not in PAIRS"


# The checker itself: each kind of drift is reported.


class _Blocking:
    def __init__(self, n: int) -> None:
        self.n = n

    def get(self, uid: str, wrapping_key: Optional[str] = None) -> bytes:
        return b""

    def gone(self) -> None:
        pass

    def local(self) -> int:
        return 0


class _Drifted:
    def __init__(self, n: int) -> None:
        self.n = n

    async def get(self, uid: str, wrapping: Optional[str] = "") -> bytes:  # renamed, new default
        return b""

    def local(self) -> int:  # named like a key-manager call, yet not awaitable
        return 0

    async def extra(self) -> None:
        pass


def test_the_checker_reports_each_kind_of_drift() -> None:
    problems = "\n".join(drift(_Blocking, _Drifted))
    assert "_Blocking.gone has no asyncio twin" in problems
    assert "_Drifted.extra has no blocking twin" in problems
    assert "parameters ['uid', 'wrapping_key'] (blocking) != ['uid', 'wrapping'] (asyncio)" in problems
    assert "_Drifted.local: does not return an awaitable" in problems

    class _Retyped:
        def __init__(self, n: int) -> None:
            self.n = n

        async def get(self, uid: bytes, wrapping_key: Optional[str] = "") -> str:
            return ""

        async def gone(self) -> None:
            pass

        async def local(self) -> int:
            return 0

    problems = "\n".join(drift(_Blocking, _Retyped))
    assert "_Blocking.get(uid): type str != bytes" in problems
    assert "_Blocking.get(wrapping_key): default None != ''" in problems
    assert "_Blocking.get: returns bytes (blocking) != str (asyncio)" in problems
    assert "gone" not in problems and "local" not in problems
