"""Column helpers and chunk constructors against rerun-sdk 0.36.2: every case of columns_cases.py
(seed 003's from_columns example, spec §11 cases 1–13, awkward inputs, every supported archetype
field and descriptor) runs here with chunkhouse and in the reference venv with rerun-sdk; the
results (chunks with minted ids redacted, format() strings, arrays, descriptors, errors and
warnings by type and message) must be equal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import chunkhouse as ch
import chunkhouse.experimental as chx
from conftest import HARNESS

sys.path.insert(0, str(Path(__file__).parent))
import columns_cases as cases  # noqa: E402

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("columns_ref") / "reference.json"
    proc = subprocess.run([sys.executable, str(HARNESS), "python", str(HERE / "columns_reference.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text())


def normalise(value):
    return json.loads(json.dumps(value, default=repr))


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case_matches_rerun(reference, name):
    expected = reference[name]
    assert "ok" in expected, f"rerun-sdk failed this case: {expected}"
    ours = normalise(cases.CASES[name](ch, chx, pa, np))
    assert ours == expected["ok"]
