"""Envelope encryption: Model 1 and Model 2, streaming, rotation, the key cache, and the
ciphertext format with a caller's key.

The blocking classes take a :class:`~kmipkit.Client`; the ``Async`` ones an
:class:`~kmipkit.AsyncClient`, with awaitable methods.
"""

# The Async classes are the blocking ones with ``async``/``await``, kept in step by hand:
# tests/test_sync_async_parity.py fails when the twins drift.

from __future__ import annotations

import asyncio
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Optional, TypeVar, Union

from . import _native
from .client import AsyncClient, Client
from .enums import RevocationReason
from .types import KeyRef, Progress, Secret

__all__ = [
    "Context",
    "AsyncModel1",
    "AsyncModel1Rotation",
    "AsyncModel2",
    "AsyncModel2Rotation",
    "DataKey",
    "KeyCache",
    "Model1",
    "Model1Rotation",
    "Model2",
    "Model2Rotation",
    "async_destroy_version",
    "decode_context",
    "dependencies",
    "destroy_version",
    "encode_context",
    "header",
    "open_with_key",
    "seal_with_key",
]

_Item = TypeVar("_Item")

Context = Union[bytes, Mapping[str, str]]
"""An encryption context: a mapping of text keys to text values, encoded canonically by the
core (docs/FORMAT.md §3.1) so that ``{"table": "orders", "row": "7"}`` is the context the CLI's
``-C table=orders -C row=7`` binds; or raw bytes, used as they are."""


def encode_context(context: Mapping[str, str]) -> bytes:
    """The canonical bytes of a key-value context (docs/FORMAT.md §3.1). Raises
    :class:`~kmipkit.EncodeError` for an empty key or a key holding ``=`` or a line feed."""
    return _native.encode_context(list(context.items()))


def decode_context(data: bytes) -> Optional[dict[str, str]]:
    """The mapping whose canonical encoding is ``data``, or ``None`` if it is no such encoding."""
    return _native.decode_context(bytes(data))


def _context(context: Context) -> bytes:
    if isinstance(context, (bytes, bytearray, memoryview)):
        return bytes(context)
    if isinstance(context, Mapping):
        return encode_context(context)
    raise TypeError(f"a context is a mapping of str to str, or bytes; got {type(context).__name__}")



class KeyCache:
    """Unwrapped keys kept in protected memory for at most ``max_age`` seconds, ``max_uses``
    uses and ``max_bytes`` bytes; concurrent fetches of one key are merged. A cache serves one
    client identity and set of servers: the first client that uses it owns it, and models of
    another client get :class:`~kmipkit.ConfigError`. ``max_age`` also bounds how long a key
    state change made elsewhere (a revocation) goes unseen."""

    def __init__(self, max_age: float = 300.0, max_uses: int = 1 << 32, max_bytes: int = 65536) -> None:
        self._n = _native.KeyCache(max_age, max_uses, max_bytes)

    def purge(self) -> None:
        """Empties the cache (keys are zeroized)."""
        self._n.purge()

    def evict(self, key_id: str) -> bool:
        """Removes one key; whether it was cached."""
        return self._n.evict(key_id)

    def stats(self) -> dict[str, int]:
        """hits, misses, fetches, fetch_errors, coalesced, evictions, oversize, entries, bytes."""
        return dict(self._n.stats())

    def __len__(self) -> int:
        return len(self._n)

    def __repr__(self) -> str:
        return repr(self._n)


class DataKey:
    """A Model 1 data key (protected memory) and its protected form; ``repr`` hides the key."""

    def __init__(self, model: _native.Model1, key: Secret, protected: bytes) -> None:
        self._model = model
        self._key = key
        self.protected = protected
        """The protected DEK (safe to store): the key encrypted under the KEK."""

    def seal(self, plaintext: bytes, context: Context = b"") -> bytes:
        """Encrypts locally under this key; the ciphertext carries the protected DEK."""
        return self._model.seal_with_dek(self._key, self.protected, _context(context), bytes(plaintext))

    def expose(self) -> bytes:
        """The key bytes: only on explicit request."""
        return self._key.expose()

    def __repr__(self) -> str:
        return f"<DataKey {len(self._key)} bytes, protected form {len(self.protected)} bytes>"


def seal_with_key(
    key: bytes,
    plaintext: bytes,
    context: Context = b"",
    key_ref: Optional[KeyRef] = None,
    wrapped_dek: Optional[bytes] = None,
    frame_size: Optional[int] = None,
) -> bytes:
    """The ciphertext format with a caller's 32-byte key (no key manager), under a fresh random
    salt."""
    ref = key_ref or KeyRef("", 0, "")
    return _native.seal(key, plaintext, _context(context), ref.name, ref.version, ref.uid, wrapped_dek, frame_size)


def _seal_with_fixed_salt_for_test_vectors(
    key: bytes,
    plaintext: bytes,
    context: Context,
    salt: bytes,
    key_ref: Optional[KeyRef] = None,
    wrapped_dek: Optional[bytes] = None,
    frame_size: Optional[int] = None,
) -> bytes:
    """:func:`seal_with_key` under a chosen salt, only to reproduce frozen test vectors: sealing
    two plaintexts with one key and one salt reuses the AES-GCM key and nonces."""
    ref = key_ref or KeyRef("", 0, "")
    return _native.seal_with_fixed_salt_for_test_vectors(
        key, plaintext, _context(context), salt, ref.name, ref.version, ref.uid, wrapped_dek, frame_size
    )


def open_with_key(key: bytes, ciphertext: bytes, context: Context = b"") -> bytes:
    """Decrypts the ciphertext format with a caller's 32-byte key."""
    return _native.open(key, ciphertext, _context(context))


def header(ciphertext: bytes) -> dict[str, Any]:
    """A ciphertext's header: ``frame_size``, ``key`` (KeyRef), ``wrapped_dek``, ``header_length``."""
    h = dict(_native.header(bytes(ciphertext)))
    h["key"] = KeyRef._of(h["key"])
    return h


def dependencies(items: Iterable[tuple[_Item, bytes]]) -> tuple[dict[KeyRef, list[_Item]], list[_Item]]:
    """Which items depend on which key version (read from headers, no key manager), and the
    items whose header could not be read."""
    by_version, unreadable = _native.dependencies([(i, bytes(c)) for i, c in items])
    return {KeyRef._of(k): list(v) for k, v in by_version.items()}, list(unreadable)


class _Sync:
    def _call(self, method: str, *args: Any) -> Any:
        return getattr(getattr(self, "_n"), method)(*args)

    @staticmethod
    def _thread(f: Callable[..., Any], *args: Any) -> Any:
        return f(*args)


class _Async:
    async def _call(self, method: str, *args: Any) -> Any:
        return await getattr(getattr(self, "_n"), method)(*args, aio=asyncio.get_running_loop())

    @staticmethod
    async def _thread(f: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(f, *args)


def _destroy_call(client: Client, items: list[tuple[object, bytes]], key: KeyRef) -> None:
    _native.destroy_version(client.native, items, (key.name, key.version, key.uid))


async def _async_destroy_call(client: AsyncClient, items: list[tuple[object, bytes]], key: KeyRef) -> None:
    await _native.destroy_version(
        client.native, items, (key.name, key.version, key.uid), aio=asyncio.get_running_loop()
    )


class Model1(_Sync):
    """Model 1 envelope encryption: data keys (DEKs) protected by a key-encryption key (KEK)
    named ``kek_name`` (KMIP Name ``kek_name/v<kek_version>``) that never leaves the key manager.

    Without ``kek_version``, the KEK's current version is looked up now (one key-manager round
    trip per version): the highest Active one, or 1 when the KEK has none yet. The model keeps
    that version; after a rotation, make a new model. Decryption opens only data keys under
    ``kek_name`` (any version): a ciphertext under another KEK raises ``IntegrityError``.

    ``kek_method`` is how new data keys are protected on the key manager: ``"encrypt"`` (KMIP
    Encrypt with AES-256-GCM, the default) or ``"key-wrap"`` (AES key wrap with padding by the key
    manager, for servers without AES-GCM Encrypt; ``ensure_kek`` checks that the server can wrap
    and unwrap). Unlocking follows the method each protected data key records.

    ::

        model = Model1(client, "orders-kek")
        model.ensure_kek()
        ciphertext = model.encrypt(b"row 1", context=b"table=orders")
        assert model.decrypt(ciphertext, context=b"table=orders") == b"row 1"
    """

    def __init__(
        self,
        client: Client,
        kek_name: str,
        kek_version: Optional[int] = None,
        cache: Optional[KeyCache] = None,
        kek_method: Optional[str] = None,
    ) -> None:
        native_cache = cache._n if cache is not None else None
        self._n: _native.Model1
        if kek_version is None:
            self._n = _native.Model1.current(client.native, kek_name, native_cache, kek_method)
        else:
            self._n = _native.Model1(client.native, kek_name, kek_version, native_cache, kek_method)

    @classmethod
    def current(
        cls, client: Client, kek_name: str, cache: Optional[KeyCache] = None, kek_method: Optional[str] = None
    ) -> Model1:
        """The model of the KEK's current version: the highest Active one (1 when it has none).
        The same as ``Model1(client, kek_name, cache=cache)``; the twin of
        ``AsyncModel1.current``, so code moves between the two APIs unchanged."""
        return cls(client, kek_name, None, cache, kek_method)

    @property
    def kek_method(self) -> str:
        """How new data keys are protected: ``"encrypt"`` or ``"key-wrap"``."""
        return self._n.kek_method

    @property
    def native(self) -> _native.Model1:
        """The native model."""
        return self._n

    @property
    def kek_key_name(self) -> str:
        """The KEK's KMIP Name."""
        return self._n.kek_key_name

    @property
    def kek_name(self) -> str:
        """The KEK's name: the only KEK whose data keys this model unlocks."""
        return self._n.kek_name

    @property
    def kek_version(self) -> int:
        """The KEK version new data keys are protected under."""
        return self._n.kek_version

    def ensure_kek(self) -> KeyRef:
        """Finds the KEK, or creates and activates it."""
        return KeyRef._of(self._call("ensure_kek"))

    def kek(self) -> KeyRef:
        """Finds the KEK (``ProtocolError`` if it does not exist)."""
        return KeyRef._of(self._call("kek"))

    def create_dek(self, local: bool = False) -> DataKey:
        """A new data key from the key manager (``local``: from the local CSPRNG), with its
        protected form. Reuse it for many messages with :meth:`DataKey.seal`."""
        key, protected = self._call("create_dek", local)
        return DataKey(self._n, key, protected)

    def protect(self, key: Secret) -> bytes:
        """Protects a 32-byte data key under the current KEK version."""
        return bytes(self._call("protect", key))

    def unlock(self, protected: bytes) -> Secret:
        """The data key of a protected DEK, decrypted by the key manager (``.expose()`` for bytes)."""
        secret: Secret = self._call("unlock", bytes(protected))
        return secret

    def encrypt(self, plaintext: bytes, context: Context = b"") -> bytes:
        """Encrypts under a fresh data key (one key-manager round trip for the key)."""
        dek = self.create_dek()
        return dek.seal(plaintext, context)

    def decrypt(self, ciphertext: bytes, context: Context = b"") -> bytes:
        """Decrypts a Model 1 ciphertext (unlocking its data key on the key manager)."""
        return bytes(self._call("open", bytes(ciphertext), _context(context)))

    def encrypt_stream(self, src: BinaryIO, dst: BinaryIO, context: Context = b"", dek: Optional[DataKey] = None) -> int:
        """Streams ``src`` encrypted into ``dst`` in constant memory; returns the plaintext length."""
        if dek is None:
            # A new data key: made and protected by the core, never exposed to Python.
            return int(self._thread(self._n.encrypt_stream, src, dst, _context(context)))
        return int(self._thread(self._n.encrypt_stream, src, dst, _context(context), dek._key, dek.protected))

    def decrypt_stream(self, src: BinaryIO, dst: BinaryIO, context: Context = b"") -> int:
        """Streams a ciphertext from ``src`` decrypted into ``dst``; returns the plaintext length.
        Output is written frame by frame as each frame verifies; an ``IntegrityError`` means the
        output so far must be discarded."""
        return int(self._thread(self._n.decrypt_stream, src, dst, _context(context)))

    def __repr__(self) -> str:
        return f"<Model1 kek={self.kek_key_name!r}>"


class Model2(_Sync):
    """Model 2 envelope encryption: one key per identifier, named ``prefix + id`` (the prefix is
    empty or ends with its only ``:``, e.g. ``"customer:"``), created on first use, in versions;
    encryption uses the highest Active version and each ciphertext names its key and version."""

    def __init__(self, client: Client, prefix: str, cache: Optional[KeyCache] = None) -> None:
        self._n = _native.Model2(client.native, prefix, cache._n if cache is not None else None)

    @property
    def native(self) -> _native.Model2:
        """The native model."""
        return self._n

    def key_name(self, id: str) -> str:
        """The KMIP Name of ``id``'s key."""
        return self._n.key_name(id)

    def key_for(self, id: str) -> KeyRef:
        """The current (highest Active) version of ``id``'s key, created on first use; raises
        :class:`~kmipkit.ProtocolError` naming the states when no version is Active."""
        return KeyRef._of(self._call("key_for", id))

    def versions(self, id: str) -> list[tuple[KeyRef, str]]:
        """Every version of ``id``'s key with its KMIP state, oldest first."""
        return [(KeyRef._of(k), state) for k, state in self._call("versions", id)]

    def find_key(self, id: str) -> Optional[KeyRef]:
        """The current version of ``id``'s key if the key exists (never creates one)."""
        found = self._call("find_key", id)
        return KeyRef._of(found) if found is not None else None

    def forget(self, id: str) -> None:
        """Forgets what is cached for ``id`` (after revoking or rotating its key)."""
        self._n.forget(id)

    def encrypt(self, id: str, plaintext: bytes, context: Context = b"") -> bytes:
        """Encrypts for ``id`` under the current (highest Active) version of its key, with
        ``context`` bound as associated data."""
        return bytes(self._call("encrypt", id, bytes(plaintext), _context(context)))

    def decrypt(
        self, id: str, ciphertext: bytes, context: Context = b"", *, allow_compromised: bool = False
    ) -> bytes:
        """Decrypts a ciphertext made for ``id`` under any version that is Pre-Active, Active or
        Deactivated; a Compromised version only with ``allow_compromised=True`` (to recover data
        before re-encrypting it)."""
        return bytes(self._call("decrypt", id, bytes(ciphertext), _context(context), allow_compromised))

    def encrypt_stream(self, id: str, src: BinaryIO, dst: BinaryIO, context: Context = b"") -> int:
        """Streams ``src`` encrypted for ``id`` into ``dst``; returns the plaintext length."""
        return int(self._thread(self._n.encrypt_stream, id, src, dst, _context(context)))

    def decrypt_stream(
        self, id: str, src: BinaryIO, dst: BinaryIO, context: Context = b"", *, allow_compromised: bool = False
    ) -> int:
        """Streams a ciphertext for ``id`` from ``src`` decrypted into ``dst`` (key states as
        for :meth:`decrypt`)."""
        return int(self._thread(self._n.decrypt_stream, id, src, dst, _context(context), allow_compromised))

    def __repr__(self) -> str:
        return "<Model2>"


class Model1Rotation(_Sync):
    """Re-wraps Model 1 data keys under a new KEK version (``target``); bodies are unchanged."""

    def __init__(self, target: Model1) -> None:
        self._n = _native.Model1Rotation(target.native)

    def is_current(self, ciphertext: bytes) -> bool:
        """Whether the ciphertext's data key is already under the target KEK version."""
        return self._n.is_current(bytes(ciphertext))

    def rewrap(self, ciphertext: bytes) -> bytes:
        """The ciphertext with its data key re-wrapped under the target KEK version."""
        return bytes(self._call("rewrap", bytes(ciphertext)))

    def rewrap_all(
        self,
        items: Iterable[tuple[_Item, bytes]],
        sink: Callable[[_Item, bytes], object],
        progress: Optional[Callable[[Progress], object]] = None,
    ) -> Progress:
        """Re-wraps ``(item, ciphertext)`` pairs; ``sink(item, new)`` must store each new form
        durably; ``progress(Progress)`` after each item. Stops at the first error."""
        cb = (lambda t: progress(Progress._of(t))) if progress else None
        return Progress._of(self._call("rewrap_all", [(i, bytes(c)) for i, c in items], sink, cb))


class Model2Rotation(_Sync):
    """The actions that change a Model 2 identifier's key versions (add, promote, deactivate,
    revoke) and bulk re-encryption to the primary version; the model encrypts and decrypts."""

    def __init__(self, model: Model2) -> None:
        self._n = _native.Model2Rotation(model.native)

    def versions(self, id: str) -> list[tuple[KeyRef, str]]:
        """Every version of ``id``'s key with its KMIP state, oldest first."""
        return [(KeyRef._of(k), state) for k, state in self._call("versions", id)]

    def add_version(self, id: str) -> KeyRef:
        """Adds a new (Pre-Active) version."""
        return KeyRef._of(self._call("add_version", id))

    def promote(self, id: str, version: int) -> None:
        """Makes ``version`` the primary (KMIP Activate)."""
        self._call("promote", id, version)

    def deactivate(self, id: str, version: int) -> None:
        """Deactivates ``version`` (it still decrypts)."""
        self._call("deactivate", id, version)

    def revoke(self, id: str, version: int, reason: RevocationReason = "KeyCompromise") -> None:
        """Revokes ``version`` for ``reason`` (a Revocation Reason Code name); with
        ``KeyCompromise`` it neither encrypts nor decrypts any more (except with
        ``allow_compromised``). Its key leaves the model's cache at once."""
        self._call("revoke", id, version, reason)

    def reencrypt_all(
        self,
        id: str,
        items: Iterable[tuple[_Item, Context, bytes]],
        sink: Callable[[_Item, bytes], object],
        progress: Optional[Callable[[Progress], object]] = None,
    ) -> Progress:
        """Re-encrypts ``(item, context, ciphertext)`` triples under the primary version."""
        cb = (lambda t: progress(Progress._of(t))) if progress else None
        triples = [(i, _context(x), bytes(c)) for i, x, c in items]
        return Progress._of(self._call("reencrypt_all", id, triples, sink, cb))


def destroy_version(client: Client, items: Iterable[tuple[object, bytes]], key: KeyRef) -> None:
    """Revokes and destroys a key version; refused while any of ``items`` depends on it."""
    _destroy_call(client, [(i, bytes(c)) for i, c in items], key)


class AsyncModel1(_Async):
    """Model 1 envelope encryption: data keys (DEKs) protected by a key-encryption key (KEK)
    named ``kek_name`` (KMIP Name ``kek_name/v<kek_version>``) that never leaves the key manager.

    A constructor cannot await the key manager, so the version is required here;
    ``await AsyncModel1.current(client, name)`` gives the KEK's current version (the highest
    Active one, or 1 when it has none yet). Decryption opens only data keys under ``kek_name``
    (any version): a ciphertext under another KEK raises ``IntegrityError``.

    ::

        model = await AsyncModel1.current(client, "orders-kek")
        await model.ensure_kek()
        ciphertext = await model.encrypt(b"row 1", context=b"table=orders")
        assert await model.decrypt(ciphertext, context=b"table=orders") == b"row 1"
    """

    def __init__(
        self,
        client: AsyncClient,
        kek_name: str,
        kek_version: int,
        cache: Optional[KeyCache] = None,
        kek_method: Optional[str] = None,
    ) -> None:
        native_cache = cache._n if cache is not None else None
        self._n = _native.Model1(client.native, kek_name, kek_version, native_cache, kek_method)

    @classmethod
    async def current(
        cls, client: AsyncClient, kek_name: str, cache: Optional[KeyCache] = None, kek_method: Optional[str] = None
    ) -> AsyncModel1:
        """The model of the KEK's current version: the highest Active one (1 when it has none)."""
        native_cache = cache._n if cache is not None else None
        loop = asyncio.get_running_loop()
        found = await _native.Model1.current(client.native, kek_name, native_cache, kek_method, aio=loop)
        model = cls.__new__(cls)
        model._n = found
        return model

    @property
    def native(self) -> _native.Model1:
        """The native model."""
        return self._n

    @property
    def kek_method(self) -> str:
        """How new data keys are protected: ``"encrypt"`` or ``"key-wrap"``."""
        return self._n.kek_method

    @property
    def kek_key_name(self) -> str:
        """The KEK's KMIP Name."""
        return self._n.kek_key_name

    @property
    def kek_name(self) -> str:
        """The KEK's name: the only KEK whose data keys this model unlocks."""
        return self._n.kek_name

    @property
    def kek_version(self) -> int:
        """The KEK version new data keys are protected under."""
        return self._n.kek_version

    async def ensure_kek(self) -> KeyRef:
        """Finds the KEK, or creates and activates it."""
        return KeyRef._of(await self._call("ensure_kek"))

    async def kek(self) -> KeyRef:
        """Finds the KEK (``ProtocolError`` if it does not exist)."""
        return KeyRef._of(await self._call("kek"))

    async def create_dek(self, local: bool = False) -> DataKey:
        """A new data key from the key manager (``local``: from the local CSPRNG), with its
        protected form. Reuse it for many messages with :meth:`DataKey.seal`."""
        key, protected = await self._call("create_dek", local)
        return DataKey(self._n, key, protected)

    async def protect(self, key: Secret) -> bytes:
        """Protects a 32-byte data key under the current KEK version."""
        return bytes(await self._call("protect", key))

    async def unlock(self, protected: bytes) -> Secret:
        """The data key of a protected DEK, decrypted by the key manager (``.expose()`` for bytes)."""
        secret: Secret = await self._call("unlock", bytes(protected))
        return secret

    async def encrypt(self, plaintext: bytes, context: Context = b"") -> bytes:
        """Encrypts under a fresh data key (one key-manager round trip for the key)."""
        dek = await self.create_dek()
        return dek.seal(plaintext, context)

    async def decrypt(self, ciphertext: bytes, context: Context = b"") -> bytes:
        """Decrypts a Model 1 ciphertext (unlocking its data key on the key manager)."""
        return bytes(await self._call("open", bytes(ciphertext), _context(context)))

    async def encrypt_stream(self, src: BinaryIO, dst: BinaryIO, context: Context = b"", dek: Optional[DataKey] = None) -> int:
        """Streams ``src`` encrypted into ``dst`` in constant memory; returns the plaintext length."""
        if dek is None:
            # A new data key: made and protected by the core, never exposed to Python.
            return int(await self._thread(self._n.encrypt_stream, src, dst, _context(context)))
        return int(await self._thread(self._n.encrypt_stream, src, dst, _context(context), dek._key, dek.protected))

    async def decrypt_stream(self, src: BinaryIO, dst: BinaryIO, context: Context = b"") -> int:
        """Streams a ciphertext from ``src`` decrypted into ``dst``; returns the plaintext length.
        Output is written frame by frame as each frame verifies; an ``IntegrityError`` means the
        output so far must be discarded."""
        return int(await self._thread(self._n.decrypt_stream, src, dst, _context(context)))

    def __repr__(self) -> str:
        return f"<Model1 kek={self.kek_key_name!r}>"


class AsyncModel2(_Async):
    """Model 2 envelope encryption: one key per identifier, named ``prefix + id`` (the prefix is
    empty or ends with its only ``:``, e.g. ``"customer:"``), created on first use, in versions;
    encryption uses the highest Active version and each ciphertext names its key and version."""

    def __init__(self, client: AsyncClient, prefix: str, cache: Optional[KeyCache] = None) -> None:
        self._n = _native.Model2(client.native, prefix, cache._n if cache is not None else None)

    @property
    def native(self) -> _native.Model2:
        """The native model."""
        return self._n

    def key_name(self, id: str) -> str:
        """The KMIP Name of ``id``'s key."""
        return self._n.key_name(id)

    async def key_for(self, id: str) -> KeyRef:
        """The current (highest Active) version of ``id``'s key, created on first use; raises
        :class:`~kmipkit.ProtocolError` naming the states when no version is Active."""
        return KeyRef._of(await self._call("key_for", id))

    async def versions(self, id: str) -> list[tuple[KeyRef, str]]:
        """Every version of ``id``'s key with its KMIP state, oldest first."""
        return [(KeyRef._of(k), state) for k, state in await self._call("versions", id)]

    async def find_key(self, id: str) -> Optional[KeyRef]:
        """The current version of ``id``'s key if the key exists (never creates one)."""
        found = await self._call("find_key", id)
        return KeyRef._of(found) if found is not None else None

    def forget(self, id: str) -> None:
        """Forgets what is cached for ``id`` (after revoking or rotating its key)."""
        self._n.forget(id)

    async def encrypt(self, id: str, plaintext: bytes, context: Context = b"") -> bytes:
        """Encrypts for ``id`` under the current (highest Active) version of its key, with
        ``context`` bound as associated data."""
        return bytes(await self._call("encrypt", id, bytes(plaintext), _context(context)))

    async def decrypt(
        self, id: str, ciphertext: bytes, context: Context = b"", *, allow_compromised: bool = False
    ) -> bytes:
        """Decrypts a ciphertext made for ``id`` under any version that is Pre-Active, Active or
        Deactivated; a Compromised version only with ``allow_compromised=True`` (to recover data
        before re-encrypting it)."""
        return bytes(await self._call("decrypt", id, bytes(ciphertext), _context(context), allow_compromised))

    async def encrypt_stream(self, id: str, src: BinaryIO, dst: BinaryIO, context: Context = b"") -> int:
        """Streams ``src`` encrypted for ``id`` into ``dst``; returns the plaintext length."""
        return int(await self._thread(self._n.encrypt_stream, id, src, dst, _context(context)))

    async def decrypt_stream(
        self, id: str, src: BinaryIO, dst: BinaryIO, context: Context = b"", *, allow_compromised: bool = False
    ) -> int:
        """Streams a ciphertext for ``id`` from ``src`` decrypted into ``dst`` (key states as
        for :meth:`decrypt`)."""
        return int(await self._thread(self._n.decrypt_stream, id, src, dst, _context(context), allow_compromised))

    def __repr__(self) -> str:
        return "<Model2>"


class AsyncModel1Rotation(_Async):
    """Re-wraps Model 1 data keys under a new KEK version (``target``); bodies are unchanged."""

    def __init__(self, target: AsyncModel1) -> None:
        self._n = _native.Model1Rotation(target.native)

    def is_current(self, ciphertext: bytes) -> bool:
        """Whether the ciphertext's data key is already under the target KEK version."""
        return self._n.is_current(bytes(ciphertext))

    async def rewrap(self, ciphertext: bytes) -> bytes:
        """The ciphertext with its data key re-wrapped under the target KEK version."""
        return bytes(await self._call("rewrap", bytes(ciphertext)))

    async def rewrap_all(
        self,
        items: Iterable[tuple[_Item, bytes]],
        sink: Callable[[_Item, bytes], object],
        progress: Optional[Callable[[Progress], object]] = None,
    ) -> Progress:
        """Re-wraps ``(item, ciphertext)`` pairs; ``sink(item, new)`` must store each new form
        durably; ``progress(Progress)`` after each item. Stops at the first error."""
        cb = (lambda t: progress(Progress._of(t))) if progress else None
        return Progress._of(await self._call("rewrap_all", [(i, bytes(c)) for i, c in items], sink, cb))


class AsyncModel2Rotation(_Async):
    """The actions that change a Model 2 identifier's key versions (add, promote, deactivate,
    revoke) and bulk re-encryption to the primary version; the model encrypts and decrypts."""

    def __init__(self, model: AsyncModel2) -> None:
        self._n = _native.Model2Rotation(model.native)

    async def versions(self, id: str) -> list[tuple[KeyRef, str]]:
        """Every version of ``id``'s key with its KMIP state, oldest first."""
        return [(KeyRef._of(k), state) for k, state in await self._call("versions", id)]

    async def add_version(self, id: str) -> KeyRef:
        """Adds a new (Pre-Active) version."""
        return KeyRef._of(await self._call("add_version", id))

    async def promote(self, id: str, version: int) -> None:
        """Makes ``version`` the primary (KMIP Activate)."""
        await self._call("promote", id, version)

    async def deactivate(self, id: str, version: int) -> None:
        """Deactivates ``version`` (it still decrypts)."""
        await self._call("deactivate", id, version)

    async def revoke(self, id: str, version: int, reason: RevocationReason = "KeyCompromise") -> None:
        """Revokes ``version`` for ``reason`` (a Revocation Reason Code name); with
        ``KeyCompromise`` it neither encrypts nor decrypts any more (except with
        ``allow_compromised``). Its key leaves the model's cache at once."""
        await self._call("revoke", id, version, reason)

    async def reencrypt_all(
        self,
        id: str,
        items: Iterable[tuple[_Item, Context, bytes]],
        sink: Callable[[_Item, bytes], object],
        progress: Optional[Callable[[Progress], object]] = None,
    ) -> Progress:
        """Re-encrypts ``(item, context, ciphertext)`` triples under the primary version."""
        cb = (lambda t: progress(Progress._of(t))) if progress else None
        triples = [(i, _context(x), bytes(c)) for i, x, c in items]
        return Progress._of(await self._call("reencrypt_all", id, triples, sink, cb))


async def async_destroy_version(client: AsyncClient, items: Iterable[tuple[object, bytes]], key: KeyRef) -> None:
    """Revokes and destroys a key version; refused while any of ``items`` depends on it."""
    await _async_destroy_call(client, [(i, bytes(c)) for i, c in items], key)
