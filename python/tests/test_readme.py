"""The Python examples of the READMEs work as a reader would run them: the package README's (the
wheel's description, which must not point into the repository) with the reader's own
``kmipkit.toml``, the repository README's from anywhere in the repository, stopping its server
even when a step fails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import TestServer

REPO = Path(__file__).resolve().parents[2]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def run(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, **env},
    )


def test_package_readme_example_runs_with_a_kmipkit_toml(server: TestServer, tmp_path: Path) -> None:
    readme = REPO / "python" / "README.md"
    [example] = python_blocks(readme)
    assert len(example.strip().splitlines()) <= 10
    # The TOML shown is valid and has the shape written here for the test server.
    [shown] = re.findall(r"```toml\n(.*?)```", readme.read_text(), flags=re.S)
    assert set(tomllib.loads(shown)) == {"defaults", "primary", "secondary"}
    config = tmp_path / "kmipkit.toml"
    config.write_text(
        f'[defaults]\nca = "{server.path("ca")}"\nclient_cert = "{server.path("client_cert")}"\n'
        f'client_key = "{server.path("client_key")}"\n\n'
        f'[primary]\nname = "kms1"\nhost = "127.0.0.1"\nport = {server.port}\n'
    )
    config.chmod(0o600)
    out = run(example, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "b'invoice 7'"


def test_package_readme_names_no_repository_path() -> None:
    text = (REPO / "python" / "README.md").read_text()
    for path in ("conformance/", "core/", "scripts/", "bindings/", "BENCHMARKS", "python/tests"):
        assert path not in text, path
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert all(link.startswith("https://") for link in links), links


def test_repository_readme_example_runs_from_anywhere(tmp_path: Path) -> None:
    [example] = python_blocks(REPO / "README.md")
    for cwd, env in [(REPO / "python" / "tests", {}), (tmp_path, {"KMIPKIT_REPO": str(REPO)})]:
        out = run(example, cwd, **env)
        assert out.returncode == 0, (cwd, out.stderr)
        assert out.stdout.strip() == "b'invoice 7'"


def test_repository_readme_example_stops_its_server_when_a_step_fails(tmp_path: Path) -> None:
    [example] = python_blocks(REPO / "README.md")
    # Decrypting under another customer's key fails: the example raises after starting a server.
    failing = example.replace('customers.decrypt("C-1042"', 'customers.decrypt("C-9999"')
    assert failing != example
    out = run(failing, REPO, TMPDIR=str(tmp_path))
    assert out.returncode != 0 and "Traceback" in out.stderr, out.stderr
    dirs = [str(d).encode() for d in tmp_path.iterdir() if d.is_dir()]
    assert dirs, "the example made no server directory under TMPDIR"
    running = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if any(d in cmdline for d in dirs):
            running.append(cmdline)
    assert not running, running
