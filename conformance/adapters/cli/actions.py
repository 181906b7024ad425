"""Each action of conformance/scenarios/README.md as the `kmipkit` command a user would run.

Every action runs the binary (`kmipkit --config <client's toml> --json ...`) and reads the JSON
document it prints; a failed command raises `ActionError` with the kind of its `--json` error.
What the command line cannot express raises `Unsupported` (listed in UNSUPPORTED)."""
from __future__ import annotations

import datetime
import itertools
import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Callable, Optional

from steps import ActionError, Json, StepFailure, Unsupported, context_of, short, to_bytes

COMMAND_TIMEOUT = 180  # seconds; the configs' failover deadline is a few seconds

# Actions with no kmipkit command, and why.
UNSUPPORTED = {
    "create_key_pair": "no command creates key pairs (`key create` makes AES keys only)",
    "register": "no command registers an object (KMIP Register)",
    "derive_key": "no command derives keys (KMIP DeriveKey)",
    "add_attribute": "no command changes attributes",
    "set_attribute": "no command changes attributes",
    "modify_attribute": "no command changes attributes",
    "delete_attribute": "no command changes attributes",
    "archive": "no command archives objects",
    "recover": "no command recovers objects",
    "check": "no command for KMIP Check",
    "rekey": "no command for KMIP ReKey (`key rotate` adds a named version instead)",
    "discover_versions": "`servers check` reports only the negotiated version, not the server's list, "
                         "and cannot offer versions",
    "encrypt": "no command for raw KMIP Encrypt (the CLI encrypts locally, envelope format only)",
    "decrypt": "no command for raw KMIP Decrypt",
    "sign": "no command signs (KMIP Sign)",
    "signature_verify": "no command verifies signatures (KMIP SignatureVerify)",
    "mac": "no command computes MACs (KMIP MAC)",
    "header": "no command prints a ciphertext's header without opening it",
    "cache_stats": "each command is its own process: a key cache cannot be kept or observed across steps",
    "codec_ttlv": "the CLI has no codec command (TTLV/XML/JSON)",
    "codec_xml": "the CLI has no codec command (TTLV/XML/JSON)",
}
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Args:
    """A step's arguments (templates and variables already replaced)."""

    def __init__(self, action: str, values: dict[str, Json]) -> None:
        self.action, self.values = action, values

    def get(self, name: str, default: Json = None) -> Json:
        return self.values.get(name, default)

    def text(self, name: str, default: Optional[str] = None) -> str:
        value = self.values.get(name, default)
        if value is None:
            raise StepFailure(f"{self.action}: argument {name!r} is required")
        return str(value)

    def bytes(self, name: str) -> bytes:
        if name not in self.values:
            raise StepFailure(f"{self.action}: argument {name!r} is required")
        return to_bytes(self.values[name])


class Cli:
    """Runs kmipkit commands for the steps of one scenario variant."""

    def __init__(self, binary: str, work: Path) -> None:
        self.binary, self.work = binary, work
        self.config = ""  # the current step's client configuration
        self.want_material = False  # the current `get` step's result needs the key bytes
        self._names = itertools.count()

    def temp(self, suffix: str) -> Path:
        path = self.work / "tmp" / f"{os.getpid()}-{next(self._names)}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def exec(self, args: list[str], stdin: bytes = b"") -> "subprocess.CompletedProcess[bytes]":
        command = [self.binary, "--config", self.config, "--json", "--quiet", *args]
        try:
            return subprocess.run(command, input=stdin, capture_output=True, cwd=self.work,
                                  timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StepFailure(f"`kmipkit {' '.join(args[:3])}` did not finish in {COMMAND_TIMEOUT} s") from None

    def run(self, args: list[str], stdin: bytes = b"", data_out: bool = False) -> tuple[dict[str, Json], bytes]:
        """Runs a command; returns its JSON document and, with `data_out`, its stdout (the data;
        the document is then on stderr). A failure raises ActionError."""
        done = self.exec(args, stdin)
        if done.returncode != 0:
            raise error_of(done)
        text = done.stderr if data_out else done.stdout
        try:
            document = json.loads(text) if text.strip() else {}
        except ValueError:
            raise StepFailure(f"kmipkit {args[0]}: not a JSON document: {short(text.decode(errors='replace'))}") from None
        return document, done.stdout if data_out else b""

    def through_file(self, args: list[str], ciphertext: bytes) -> tuple[dict[str, Json], bytes]:
        """Runs a command that rewrites a ciphertext file in place (`rotate`)."""
        path = self.temp(".kmk")
        path.write_bytes(ciphertext)
        try:
            document, _ = self.run([*args, str(path)])
            return document, path.read_bytes()
        finally:
            path.unlink(missing_ok=True)

    def crypt(self, args: list[str], data: bytes, stream: bool) -> bytes:
        """`encrypt`/`decrypt`: stdin to stdout, or with `stream` a file to a file."""
        if not stream:
            return self.run([*args, "-"], stdin=data, data_out=True)[1]
        source, target = self.temp(".in"), self.temp(".out")
        source.write_bytes(data)
        try:
            self.run([*args, "-o", str(target), str(source)])
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)


def error_of(done: "subprocess.CompletedProcess[bytes]") -> ActionError:
    """The `{"error": {...}}` document of a failed command."""
    for line in reversed(done.stderr.decode(errors="replace").splitlines()):
        try:
            error = json.loads(line).get("error") if line.startswith("{") else None
        except ValueError:
            error = None
        if isinstance(error, dict):
            return ActionError(error.get("kind"), str(error.get("message")), error.get("exit_code"),
                               error.get("category"))
    return ActionError(None, f"no JSON error: {short(done.stderr.decode(errors='replace'), 300)}",
                       done.returncode, None)


# ---- arguments shared by the envelope commands ---------------------------------------------

def context_args(a: Args) -> list[str]:
    context = context_of(a.get("context"))
    if isinstance(context, bytes):
        if context:
            raise Unsupported("the CLI takes key-value contexts only (-C KEY=VALUE), not raw context bytes")
        return []
    out: list[str] = []
    for key, value in context.items():
        if "=" in key:
            raise Unsupported(f"-C KEY=VALUE cannot carry a key containing '=' ({key!r})")
        out += ["-C", f"{key}={value}"]
    return out


def no_cache(a: Args) -> None:
    if a.get("cache"):
        raise Unsupported("each command is its own process: there is no key cache shared by steps (cache: true)")


# ---- KMIP operations ------------------------------------------------------------------------

def create(cli: Cli, a: Args) -> dict[str, Json]:
    if a.get("algorithm", "AES") != "AES":
        raise Unsupported("`key create` makes AES keys only")
    if sorted(a.get("usage") or ["Encrypt", "Decrypt"]) != ["Decrypt", "Encrypt"]:
        raise Unsupported("`key create` sets usage Encrypt|Decrypt; it takes no usage option")
    if a.get("name") is None:
        raise Unsupported("`key create` needs a NAME")
    # KMIP Create never refuses a name: --allow-duplicate drops the CLI's own uniqueness check.
    doc, _ = cli.run(["key", "create", a.text("name"), "--bits", str(a.get("length", 256)),
                      "--pre-active", "--allow-duplicate"])
    return {"id": doc["id"]}


def locate(cli: Cli, a: Args) -> dict[str, Json]:
    args = ["key", "locate"]
    for arg, flag in (("name", "--name"), ("object_type", "--type"), ("state", "--state"), ("max_items", "--max")):
        if a.get(arg) is not None:
            args += [flag, str(a.get(arg))]
    doc, _ = cli.run(args)
    return {"ids": [k["id"] for k in doc["keys"]]}


def get(cli: Cli, a: Args) -> dict[str, Json]:
    if a.get("wrapping_id") is not None:
        raise Unsupported("`key get` cannot ask for a wrapped key (no wrapping option)")
    args = ["key", "get", "--id", a.text("id")]
    reveal = cli.temp(".key") if cli.want_material else None
    try:
        doc, _ = cli.run(args + (["--reveal", str(reveal)] if reveal else []))
        result: dict[str, Json] = {"object_type": doc.get("object_type")}
        if "algorithm" in doc:
            result["algorithm"] = doc["algorithm"]
        if "bits" in doc:
            result["length"] = doc["bits"]
        if reveal:
            result["material"] = reveal.read_bytes().hex()
        return result
    finally:
        if reveal:
            reveal.unlink(missing_ok=True)


def plain(name: str, value: Json) -> Json:
    """An attribute value as printed by `key attributes --json`, made "plain" (README: masks as
    lists of names, dates as Unix seconds, Name as its text)."""
    if name.endswith("Mask") and isinstance(value, str):
        return [v for v in value.split("|") if v]
    if isinstance(value, str) and ISO_DATE.match(value):
        return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    if name == "Name" and isinstance(value, dict) and "NameValue" in value:
        return value["NameValue"]
    return value


def attribute_list(cli: Cli, key_id: str) -> list[tuple[str, Json]]:
    doc, _ = cli.run(["key", "attributes", "--id", key_id])
    return [(str(item["name"]), item["value"]) for item in doc["attributes"]]


def get_attributes(cli: Cli, a: Args) -> dict[str, Json]:
    names = a.get("names")
    out: dict[str, Json] = {}
    for name, value in attribute_list(cli, a.text("id")):
        if (names is None or name in names) and name not in out:  # the first of multi-valued ones
            out[name] = plain(name, value)
    return {"attributes": out}


def get_attribute_list(cli: Cli, a: Args) -> dict[str, Json]:
    # `key attributes` prints every attribute: their names are the key's attribute list.
    return {"names": sorted({name for name, _ in attribute_list(cli, a.text("id"))})}


def simple(verb: str, *extra: str) -> Callable[[Cli, Args], dict[str, Json]]:
    def action(cli: Cli, a: Args) -> dict[str, Json]:
        cli.run(["key", verb, "--id", a.text("id"), *extra])
        return {}
    return action


def revoke(cli: Cli, a: Args) -> dict[str, Json]:
    if a.get("compromise_date") is not None:
        raise Unsupported("`key revoke` takes no compromise date (it records now for a compromise)")
    cli.run(["key", "revoke", "--id", a.text("id"), "--reason", a.text("reason", "CessationOfOperation")])
    return {}


def query(cli: Cli, a: Args) -> dict[str, Json]:
    # `servers check --server NAME` checks one server on its own connection: the first one that
    # passes answers, as a failover client's Query would be answered (no key-sharing probe).
    with open(cli.config, "rb") as f:
        config = tomllib.load(f)
    names = [config["primary"]["name"]] + [s["name"] for s in config.get("secondary", [])]
    first: Optional[ActionError] = None
    for name in names:
        done = cli.exec(["servers", "check", "--server", name])
        try:
            report = json.loads(done.stdout)["servers"][0]
        except (ValueError, KeyError, IndexError):
            raise error_of(done) from None
        if report.get("ok"):
            server = report["server"]
            return {"operations": server["operations"], "object_types": server["object_types"],
                    "vendor": server["vendor"]}
        e = report.get("error") or {}
        first = first or ActionError(e.get("kind"), str(e.get("message")), e.get("exit_code"), None)
    assert first is not None
    raise first


# ---- envelope encryption ---------------------------------------------------------------------

def model1_kek(cli: Cli, a: Args) -> dict[str, Json]:
    # The CLI makes sure a KEK exists with --create-kek; `dek create --local` does that and says
    # which version it used, with no other object created on the key manager.
    path = cli.temp(".dek")
    try:
        doc, _ = cli.run(["dek", "create", "--local", "--kek", a.text("kek"), "--create-kek", "-o", str(path)])
    finally:
        path.unlink(missing_ok=True)
    return {"version": doc["kek"]["version"], "id": doc["kek"]["id"]}


def model1_encrypt(cli: Cli, a: Args) -> dict[str, Json]:
    no_cache(a)
    args = ["encrypt", "--kek", a.text("kek"), *context_args(a)]
    return {"ciphertext": cli.crypt(args, a.bytes("plaintext"), bool(a.get("stream"))).hex()}


def model1_decrypt(cli: Cli, a: Args) -> dict[str, Json]:
    no_cache(a)
    if a.get("kek") is None:
        raise Unsupported("`decrypt` needs the expected KEK (--kek or [key] name); it never trusts the file's own")
    args = ["decrypt", "--kek", a.text("kek"), *context_args(a)]
    return {"plaintext": cli.crypt(args, a.bytes("ciphertext"), bool(a.get("stream"))).hex()}


def model1_rotate(cli: Cli, a: Args) -> dict[str, Json]:
    doc, _ = cli.run(["key", "rotate", "--kek", a.text("kek")])
    return {"version": doc["version"]}


def model1_rewrap(cli: Cli, a: Args) -> dict[str, Json]:
    # `kmipkit rotate FILE` re-wraps under the newest version of the file's own KEK (it has no
    # option naming the KEK: `kek` is not passed).
    _, ciphertext = cli.through_file(["rotate"], a.bytes("ciphertext"))
    return {"ciphertext": ciphertext.hex()}


def model1_is_current(cli: Cli, a: Args) -> dict[str, Json]:
    path = cli.temp(".kmk")
    path.write_bytes(a.bytes("ciphertext"))
    try:
        doc, _ = cli.run(["rotate", "--dry-run", str(path)])
    finally:
        path.unlink(missing_ok=True)
    return {"current": doc["already_current"] == 1}


def model2_encrypt(cli: Cli, a: Args) -> dict[str, Json]:
    no_cache(a)
    args = ["encrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), *context_args(a)]
    return {"ciphertext": cli.crypt(args, a.bytes("plaintext"), bool(a.get("stream"))).hex()}


def model2_decrypt(cli: Cli, a: Args) -> dict[str, Json]:
    no_cache(a)
    if a.get("id") is None:
        raise Unsupported("`decrypt` needs the expected identifier (--for ID); it never trusts the file's own")
    args = ["decrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), *context_args(a)]
    return {"plaintext": cli.crypt(args, a.bytes("ciphertext"), bool(a.get("stream"))).hex()}


def model2_key(cli: Cli, a: Args) -> dict[str, Json]:
    # The command that tells which key version of an id encrypts (creating it on first use) is
    # `encrypt --for ID`: its report names the key; the ciphertext of no bytes is discarded.
    doc, _ = cli.run(["encrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), "-"], data_out=True)
    return {"version": doc["key"]["version"], "id": doc["key"]["id"]}


def model2_rotate(cli: Cli, a: Args) -> dict[str, Json]:
    doc, _ = cli.run(["key", "rotate", a.text("prefix", "") + a.text("id")])
    return {"version": doc["version"]}


def model2_reencrypt(cli: Cli, a: Args) -> dict[str, Json]:
    # `kmipkit rotate -C ... FILE` re-encrypts under the current version of the key the file names.
    _, ciphertext = cli.through_file(["rotate", *context_args(a)], a.bytes("ciphertext"))
    return {"ciphertext": ciphertext.hex()}


# ---- files -------------------------------------------------------------------------------------

def local_path(cli: Cli, a: Args) -> Path:
    path = Path(a.text("path"))
    return path if path.is_absolute() else cli.work / path


def write_file(cli: Cli, a: Args) -> dict[str, Json]:
    path = local_path(cli, a)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(a.bytes("data"))
    return {}


def read_file(cli: Cli, a: Args) -> dict[str, Json]:
    path = local_path(cli, a)
    try:
        return {"data": path.read_bytes().hex()}
    except OSError as e:
        raise StepFailure(f"read_file: {e}") from None


ACTIONS: dict[str, Callable[[Cli, Args], dict[str, Json]]] = {
    "create": create, "locate": locate, "get": get,
    "get_attributes": get_attributes, "get_attribute_list": get_attribute_list,
    "activate": simple("activate"), "destroy": simple("destroy", "--yes"), "revoke": revoke,
    "query": query,
    "model1_kek": model1_kek, "model1_encrypt": model1_encrypt, "model1_decrypt": model1_decrypt,
    "model1_rotate": model1_rotate, "model1_rewrap": model1_rewrap, "model1_is_current": model1_is_current,
    "model2_encrypt": model2_encrypt, "model2_decrypt": model2_decrypt, "model2_key": model2_key, "model2_rotate": model2_rotate,
    "model2_reencrypt": model2_reencrypt,
    "write_file": write_file, "read_file": read_file,
}


def perform(cli: Cli, action: str, values: dict[str, Json]) -> dict[str, Json]:
    if action in UNSUPPORTED:
        raise Unsupported(UNSUPPORTED[action])
    if action not in ACTIONS:
        raise StepFailure(f"unknown action {action!r}")
    return ACTIONS[action](cli, Args(action, values))
