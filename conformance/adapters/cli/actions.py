"""Each action of conformance/scenarios/README.md as the `kmipkit` command a user would run
(command.py runs it); what the command line cannot express is in UNSUPPORTED, or raises
`Unsupported` for an argument."""
from __future__ import annotations

import datetime
import json
import re
import tomllib
from pathlib import Path
from typing import Callable, Optional

from command import Cli, Document, api_error_of, error_of
from pyrunner.args import Args
from pyrunner.errors import ApiError, StepError, Unsupported
from pyrunner.values import JSON

# Actions with no kmipkit command, and why.
UNSUPPORTED: dict[str, str] = {
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


# ---- arguments shared by the envelope commands ---------------------------------------------

def context_args(a: Args) -> list[str]:
    context = a.context()
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
    if a.flag("cache"):
        raise Unsupported("each command is its own process: there is no key cache shared by steps (cache: true)")


# ---- KMIP operations ------------------------------------------------------------------------

def create(cli: Cli, a: Args) -> Document:
    if a.text("algorithm", "AES") != "AES":
        raise Unsupported("`key create` makes AES keys only")
    if sorted(a.texts("usage", ["Encrypt", "Decrypt"])) != ["Decrypt", "Encrypt"]:
        raise Unsupported("`key create` sets usage Encrypt|Decrypt; it takes no usage option")
    if not a.has("name"):
        raise Unsupported("`key create` needs a NAME")
    # KMIP Create never refuses a name: --allow-duplicate drops the CLI's own uniqueness check.
    doc, _ = cli.run(a.config, ["key", "create", a.text("name"), "--bits", str(a.integer("length", 256)),
                                "--pre-active", "--allow-duplicate"])
    return {"id": doc["id"]}


def locate(cli: Cli, a: Args) -> Document:
    args = ["key", "locate"]
    for arg, flag in (("name", "--name"), ("object_type", "--type"), ("state", "--state"), ("max_items", "--max")):
        if a.has(arg):
            args += [flag, a.text(arg)]
    doc, _ = cli.run(a.config, args)
    return {"ids": [k["id"] for k in doc["keys"]]}


def get(cli: Cli, a: Args) -> Document:
    if a.has("wrapping_id"):
        raise Unsupported("`key get` cannot ask for a wrapped key (no wrapping option)")
    args = ["key", "get", "--id", a.text("id")]
    reveal = cli.temp(".key") if a.result_used("material") else None
    try:
        doc, _ = cli.run(a.config, args + (["--reveal", str(reveal)] if reveal else []))
        result: Document = {"object_type": doc.get("object_type")}
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


def plain(name: str, value: JSON) -> JSON:
    """An attribute value as printed by `key attributes --json`, made "plain" (README: masks as
    lists of names, dates as Unix seconds, Name as its text)."""
    if name.endswith("Mask") and isinstance(value, str):
        return [v for v in value.split("|") if v]
    if isinstance(value, str) and ISO_DATE.match(value):
        return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    if name == "Name" and isinstance(value, dict) and "NameValue" in value:
        return value["NameValue"]
    return value


def attribute_list(cli: Cli, a: Args) -> list[tuple[str, JSON]]:
    doc, _ = cli.run(a.config, ["key", "attributes", "--id", a.text("id")])
    return [(str(item["name"]), item["value"]) for item in doc["attributes"]]


def get_attributes(cli: Cli, a: Args) -> Document:
    names = a.texts("names") if a.has("names") else None
    out: Document = {}
    for name, value in attribute_list(cli, a):
        if (names is None or name in names) and name not in out:  # the first of multi-valued ones
            out[name] = plain(name, value)
    return {"attributes": out}


def get_attribute_list(cli: Cli, a: Args) -> Document:
    # `key attributes` prints every attribute: their names are the key's attribute list.
    return {"names": sorted({name for name, _ in attribute_list(cli, a)})}


def simple(verb: str, *extra: str) -> Callable[[Cli, Args], Document]:
    def action(cli: Cli, a: Args) -> Document:
        cli.run(a.config, ["key", verb, "--id", a.text("id"), *extra])
        return {}
    return action


def revoke(cli: Cli, a: Args) -> Document:
    if a.has("compromise_date"):
        raise Unsupported("`key revoke` takes no compromise date (it records now for a compromise)")
    reason = a.text("reason", "CessationOfOperation")
    cli.run(a.config, ["key", "revoke", "--id", a.text("id"), "--reason", reason])
    return {}


def query(cli: Cli, a: Args) -> Document:
    # `servers check --server NAME` checks one server on its own connection: the first one that
    # passes answers, as a failover client's Query would be answered (no key-sharing probe).
    with open(a.config, "rb") as f:
        config = tomllib.load(f)
    names = [config["primary"]["name"]] + [s["name"] for s in config.get("secondary", [])]
    first: Optional[ApiError] = None
    for name in names:
        done = cli.exec(a.config, ["servers", "check", "--server", name])
        try:
            report = json.loads(done.stdout)["servers"][0]
        except (ValueError, KeyError, IndexError):
            raise error_of(done) from None
        if report.get("ok"):
            server = report["server"]
            return {"operations": server["operations"], "object_types": server["object_types"],
                    "vendor": server["vendor"]}
        e = report.get("error") or {}
        first = first or api_error_of(e)
    assert first is not None
    raise first


# ---- envelope encryption ---------------------------------------------------------------------

def model1_kek(cli: Cli, a: Args) -> Document:
    # The CLI makes sure a KEK exists with --create-kek; `dek create --local` does that and says
    # which version it used, with no other object created on the key manager.
    path = cli.temp(".dek")
    try:
        doc, _ = cli.run(a.config, ["dek", "create", "--local", "--kek", a.text("kek"), "--create-kek",
                                    "-o", str(path)])
    finally:
        path.unlink(missing_ok=True)
    return {"version": doc["kek"]["version"], "id": doc["kek"]["id"]}


def model1_encrypt(cli: Cli, a: Args) -> Document:
    no_cache(a)
    args = ["encrypt", "--kek", a.text("kek"), *context_args(a)]
    return {"ciphertext": cli.crypt(a.config, args, a.data("plaintext"), a.flag("stream")).hex()}


def model1_decrypt(cli: Cli, a: Args) -> Document:
    no_cache(a)
    if not a.has("kek"):
        raise Unsupported("`decrypt` needs the expected KEK (--kek or [key] name); it never trusts the file's own")
    args = ["decrypt", "--kek", a.text("kek"), *context_args(a)]
    return {"plaintext": cli.crypt(a.config, args, a.data("ciphertext"), a.flag("stream")).hex()}


def model1_rotate(cli: Cli, a: Args) -> Document:
    doc, _ = cli.run(a.config, ["key", "rotate", "--kek", a.text("kek")])
    return {"version": doc["version"]}


def model1_rewrap(cli: Cli, a: Args) -> Document:
    # `kmipkit rotate FILE` re-wraps under the newest version of the file's own KEK (it has no
    # option naming the KEK: `kek` is not passed).
    _, ciphertext = cli.through_file(a.config, ["rotate"], a.data("ciphertext"))
    return {"ciphertext": ciphertext.hex()}


def model1_is_current(cli: Cli, a: Args) -> Document:
    path = cli.temp(".kmk")
    path.write_bytes(a.data("ciphertext"))
    try:
        doc, _ = cli.run(a.config, ["rotate", "--dry-run", str(path)])
    finally:
        path.unlink(missing_ok=True)
    return {"current": doc["already_current"] == 1}


def model2_encrypt(cli: Cli, a: Args) -> Document:
    no_cache(a)
    args = ["encrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), *context_args(a)]
    return {"ciphertext": cli.crypt(a.config, args, a.data("plaintext"), a.flag("stream")).hex()}


def model2_decrypt(cli: Cli, a: Args) -> Document:
    no_cache(a)
    if not a.has("id"):
        raise Unsupported("`decrypt` needs the expected identifier (--for ID); it never trusts the file's own")
    args = ["decrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), *context_args(a)]
    return {"plaintext": cli.crypt(a.config, args, a.data("ciphertext"), a.flag("stream")).hex()}


def model2_key(cli: Cli, a: Args) -> Document:
    # The command that tells which key version of an id encrypts (creating it on first use) is
    # `encrypt --for ID`: its report names the key; the ciphertext of no bytes is discarded.
    args = ["encrypt", "--for", a.text("id"), "--prefix", a.text("prefix", ""), "-"]
    doc, _ = cli.run(a.config, args, data_out=True)
    return {"version": doc["key"]["version"], "id": doc["key"]["id"]}


def model2_rotate(cli: Cli, a: Args) -> Document:
    doc, _ = cli.run(a.config, ["key", "rotate", a.text("prefix", "") + a.text("id")])
    return {"version": doc["version"]}


def model2_reencrypt(cli: Cli, a: Args) -> Document:
    # `kmipkit rotate -C ... FILE` re-encrypts under the current version of the key the file names.
    _, ciphertext = cli.through_file(a.config, ["rotate", *context_args(a)], a.data("ciphertext"))
    return {"ciphertext": ciphertext.hex()}


# ---- files -------------------------------------------------------------------------------------

def local_path(cli: Cli, a: Args) -> Path:
    path = Path(a.text("path"))
    return path if path.is_absolute() else cli.work / path


def write_file(cli: Cli, a: Args) -> Document:
    path = local_path(cli, a)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(a.data("data"))
    return {}


def read_file(cli: Cli, a: Args) -> Document:
    path = local_path(cli, a)
    try:
        return {"data": path.read_bytes().hex()}
    except OSError as e:
        raise StepError(f"read_file: {e}") from None


ACTIONS: dict[str, Callable[[Cli, Args], Document]] = {
    "create": create, "locate": locate, "get": get,
    "get_attributes": get_attributes, "get_attribute_list": get_attribute_list,
    "activate": simple("activate"), "destroy": simple("destroy", "--yes"), "revoke": revoke,
    "query": query,
    "model1_kek": model1_kek, "model1_encrypt": model1_encrypt, "model1_decrypt": model1_decrypt,
    "model1_rotate": model1_rotate, "model1_rewrap": model1_rewrap, "model1_is_current": model1_is_current,
    "model2_encrypt": model2_encrypt, "model2_decrypt": model2_decrypt, "model2_key": model2_key,
    "model2_rotate": model2_rotate, "model2_reencrypt": model2_reencrypt,
    "write_file": write_file, "read_file": read_file,
}
