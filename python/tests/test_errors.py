"""TLS, connection and configuration errors, each with the core's message; secrets never in
``repr`` or messages."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable, Union

import pytest

import kmipkit
from kmipkit import Client

from conftest import TestServer
from server_differences import differs

FAST: dict[str, Union[float, str]] = {"connect": 2, "request": 5, "deadline": 3, "failover_delay": "50ms"}


def _attempt_errors(err: kmipkit.errors.ConnectionError_) -> str:
    return " | ".join(e for _, e in err.attempts)


def test_server_certificate_from_another_ca(server: TestServer) -> None:
    # Two servers, both refused: each tried once, the error is the refusal itself.
    config = kmipkit.Config(servers=[server.server(name="dc1", ca="wrong_ca"), server.server(name="dc2", ca="wrong_ca")],
                            timeouts={"deadline": 60})
    with pytest.raises(kmipkit.CertificateError) as err:
        Client(config)
    assert "kmipkit rejected the server's certificate" in _attempt_errors(err.value)
    assert [name for name, _ in err.value.attempts] == ["dc1", "dc2"]
    message = str(err.value)
    assert message.count("dc1") == 1 and message.count("dc2") == 1 and message.count("(1 attempt)") == 2, message
    assert len(message) < 1000, message
    assert isinstance(err.value, kmipkit.errors.ConnectionError_) and err.value.code == 0x0203
    assert not isinstance(err.value, kmipkit.AllServersFailed)


@pytest.mark.parametrize(
    "cert,expect",
    [("expired_client", "expired"), ("no_client_auth", "clientAuth"), ("wrong_ca_client", "not issued by a CA")],
)
def test_client_certificates_the_server_refuses(server: TestServer, cert: str, expect: str) -> None:
    config = kmipkit.Config(servers=[server.server(cert=cert + "_cert", key=cert + "_key")], timeouts={"deadline": 60})
    with pytest.raises(kmipkit.CertificateError) as err:
        Client(config)
    text = _attempt_errors(err.value)
    assert "the key server rejected the client certificate" in text and expect in text
    assert "(1 attempt)" in str(err.value)


def test_wrong_host_certificate(start_server: Callable[..., TestServer]) -> None:
    bad = start_server("wrong-host")
    with pytest.raises(kmipkit.CertificateError) as err:
        Client(kmipkit.Config(servers=[bad.server()], timeouts={"deadline": 60}))
    assert "rejected the server's certificate" in _attempt_errors(err.value)
    bad.stop()


def test_connection_refused(server: TestServer) -> None:
    with pytest.raises(kmipkit.AllServersFailed) as err:
        Client(kmipkit.Config(servers=[server.server(port=1)], timeouts=FAST))
    assert "cannot connect to key server" in _attempt_errors(err.value)


def test_config_errors(tmp_path: Path, server: TestServer) -> None:
    with pytest.raises(kmipkit.ConfigError) as err:
        kmipkit.Config.from_toml('[primary]\nhots = "kms"\n')
    assert "line 2" in str(err.value) and "did you mean `host`?" in str(err.value)
    assert err.value.code == 0x0401 and err.value.line == 2
    # A configuration file other users can read is refused, naming the fix.
    path = tmp_path / "kmipkit.toml"
    path.write_text(f'[primary]\nhost = "127.0.0.1"\nca = "{server.path("ca")}"\n'
                    f'client_cert = "{server.path("client_cert")}"\nclient_key = "{server.path("client_key")}"\n')
    os.chmod(path, 0o644)
    with pytest.raises(kmipkit.ConfigError) as err:
        kmipkit.Config.load(path)
    assert "chmod" in str(err.value) and err.value.file == str(path)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    config = kmipkit.Config.load(path)
    assert config.servers == [("primary", "127.0.0.1", 5696)] and config.path == str(path)
    with pytest.raises(kmipkit.ConfigError):
        kmipkit.Config(servers=[kmipkit.Server("h", ca="/nonexistent/ca.pem", client_cert="c", client_key="k")],
                       timeouts={"connect": "soon"})
    with pytest.raises(ValueError):
        kmipkit.Config(servers=[])


def test_keyword_config_and_repr(server: TestServer) -> None:
    config = kmipkit.Config(
        servers=[server.server(name="dc1"), server.server(name="dc2")],
        key_name="payroll-kek", key_version=3, protocol_version="1.4",
        timeouts={"connect": 1.5, "failover_delay": "100ms"}, pool={"max_idle_per_server": 2, "idle_timeout": 30},
    )
    assert [s[0] for s in config.servers] == ["dc1", "dc2"]
    assert (config.key_name, config.key_version, config.protocol_version) == ("payroll-kek", 3, "1.4")
    assert "dc1=127.0.0.1" in repr(config)
    with Client(config) as client:
        assert client.version == "1.4"
        assert client.server_names == ["dc1", "dc2"]


def test_secrets_never_in_repr(client: Client, unique: str) -> None:
    key = bytes(range(100, 132))
    uid = client.register(key, attributes={"name": unique})
    obj = client.get(uid)
    secret = obj.secret
    assert secret is not None and secret.expose() == key
    for text in (repr(obj), str(obj), repr(secret)):
        assert key.hex() not in text and repr(key) not in text
    assert repr(secret) == "<Secret 32 bytes>"
    with pytest.raises(TypeError):
        hash(secret)
    if differs("test_secrets_never_in_repr"):
        # Cosmian accepts the length; its refusal of an extension Opaque Data Type carries the key.
        with pytest.raises(kmipkit.ServerError) as err:
            client.register(key, object_type="OpaqueObject", attributes={"name": unique + "-o"})
    else:
        with pytest.raises(kmipkit.ServerError) as err:
            client.register(key, attributes={"name": unique, "cryptographic_length": 7})
    assert key.hex() not in str(err.value)


def test_every_core_error_kind_has_its_class() -> None:
    # The core's table (name, code, category) against the package's classes: a kind the core
    # adds must get its own class here, under its category's base class.
    from kmipkit import _native, errors

    kinds = _native.error_kinds()
    assert ("Log", 0x0601, "log") in kinds and ("Server", 0x0301, "server") in kinds
    for name, code, category in kinds:
        cls = errors._KIND_CLASSES[name]
        assert issubclass(cls, errors._CATEGORY_CLASSES[category]), (name, cls)
    assert set(errors._KIND_CLASSES) == {name for name, _, _ in kinds}
    assert set(errors._CATEGORY_CLASSES) == {category for _, _, category in kinds}
    assert len({code for _, code, _ in kinds}) == len(kinds)


def test_keyword_config_is_checked_like_a_file(server: TestServer, tmp_path: Path) -> None:
    # Keyword arguments go to the core's builder: every Server field is a setting it reads, and
    # a refusal is the file's own message, without a line of a text the caller never wrote.
    import dataclasses

    from kmipkit import _native

    assert {f.name for f in dataclasses.fields(kmipkit.Server)} == set(_native.Config.SERVER_KEYS)
    with pytest.raises(kmipkit.ConfigError) as keyword:
        kmipkit.Config(servers=[server.server()], timeouts={"connect": "soon"})
    text = (f'[primary]\nhost = "127.0.0.1"\nca = "{server.path("ca")}"\n'
            f'client_cert = "{server.path("client_cert")}"\nclient_key = "{server.path("client_key")}"\n'
            '[timeouts]\nconnect = "soon"\n')
    with pytest.raises(kmipkit.ConfigError) as from_text:
        kmipkit.Config.from_toml(text)
    assert str(from_text.value).endswith(str(keyword.value).split(": ", 1)[1])
    assert keyword.value.line is None and from_text.value.line == 7
    # Files named are checked as Config.load checks them.
    exposed = tmp_path / "client.key"
    exposed.write_bytes(Path(server.path("client_key")).read_bytes())
    os.chmod(exposed, 0o644)
    with pytest.raises(kmipkit.ConfigError, match="chmod"):
        kmipkit.Config(servers=[kmipkit.Server("127.0.0.1", ca=server.path("ca"),
                                               client_cert=server.path("client_cert"), client_key=exposed)])
    with pytest.raises(kmipkit.ConfigError, match="unknown key `conect`"):
        kmipkit.Config(servers=[server.server()], timeouts={"conect": 2})
    config = kmipkit.Config(servers=[server.server(name="dc1")], base_dir=tmp_path,
                            log={"level": "basic", "destination": "file", "path": "log/k.log"},
                            audit={"path": Path("log") / "audit.csv"}, create_when_primary_down=True)
    assert config.servers[0][0] == "dc1"
