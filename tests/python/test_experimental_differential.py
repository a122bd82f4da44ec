"""Seed 003's chunk API, case by case, against rerun-sdk 0.36.2: every case of
experimental_cases.py runs here with chunkhouse and in the reference venv with rerun-sdk, and the
results must be equal (for the few heuristic outcomes, such as chunk counts after compaction, the
invariants must hold on both sides and the counts are printed beside each other)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import chunkhouse as ch
import chunkhouse.experimental as chx
from conftest import HARNESS

sys.path.insert(0, str(Path(__file__).parent))
import experimental_cases as cases  # noqa: E402

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("experimental_ref")
    proc = subprocess.run([sys.executable, str(HARNESS), "python", str(HERE / "experimental_reference.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((out / "reference.json").read_text())
    tmp = out / "tmp_ours"
    tmp.mkdir()
    data["paths"]["tmp"] = str(tmp)
    return data


def normalise(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case_matches_rerun(reference, name):
    expected = reference["results"][name]
    assert "ok" in expected, f"rerun-sdk failed this case: {expected}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = normalise(cases.CASES[name](ch, chx, reference["paths"]))
    want = expected["ok"]
    if name in cases.PARTIAL:
        for key in cases.PARTIAL[name]:
            assert ours[key] == want[key], f"{name}.{key}"
        print(f"{name}: chunkhouse {ours} / rerun-sdk {want}")
        return
    assert ours == want
