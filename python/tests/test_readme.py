"""The ten-line example in python/README.md works when pasted (run from the repository root)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_readme_example_runs() -> None:
    text = (REPO / "python" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    example = blocks[0]
    assert len(example.strip().splitlines()) <= 10
    out = subprocess.run([sys.executable, "-c", example], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "b'invoice 7'"
