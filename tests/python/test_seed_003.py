"""Seed 003's code blocks run as written with `import chunkhouse as rr` and give what rerun-sdk
0.36.2 gives for the same blocks."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from conftest import HARNESS

sys.path.insert(0, str(Path(__file__).parent))
import seed_003_blocks as blocks  # noqa: E402


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed_003")
    proc = subprocess.run([sys.executable, str(HARNESS), "python", str(Path(__file__).parent / "seed_003_reference.py"),
                           str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "reference.json").read_text())


@pytest.fixture(scope="module")
def ours(reference):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return json.loads(json.dumps(blocks.run_blocks("chunkhouse", reference["path_f"])))


@pytest.mark.parametrize("name", [b[0] for b in blocks.BLOCKS])
def test_seed_block(reference, ours, name):
    want = reference["results"][name]
    assert "ok" in want, f"rerun-sdk failed the seed's block: {want}"
    assert ours[name] == want
