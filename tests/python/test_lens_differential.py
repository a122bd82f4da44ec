"""The lens engine against rerun-sdk 0.36.2: the notes' ✔ tables (§5.3-5.10), spec §11 cases 15-26,
48-55 and 71-72, and a few hundred seeded random lens/selector/input combinations run with
chunkhouse here and with rerun-sdk in the reference venv (lens_reference.py), on the same input
chunks. Results must be equal: output chunks (entity, whether ids are the input's or new, whether
row ids are the input's or fresh, schema with metadata, values, format(redact=True)), summaries,
and errors (builtin type and exact message)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import chunkhouse.experimental as chx
from chunkhouse.experimental._lens import _descriptor
from conftest import HARNESS

sys.path.insert(0, str(Path(__file__).parent))
import lens_cases as cases  # noqa: E402

HERE = Path(__file__).parent
# More or other random cases for exploring: LENS_RANDOM_CASES=2000 LENS_RANDOM_SEED=1 pytest ...
SEED = int(os.environ.get("LENS_RANDOM_SEED", "20250607"))
N_RANDOM = int(os.environ.get("LENS_RANDOM_CASES", "300"))
SPECS = {**cases.FIXED, **cases.random_specs(SEED, N_RANDOM)}
KEYS = [f"spec:{k}" for k in SPECS] + [f"fn:{k}" for k in cases.CASES]


def run_reference(out: Path) -> tuple[dict, dict]:
    """Every case through rerun-sdk; a case that kills the process (the wheel aborts) is recorded
    with the process's exit status and the run goes on with the cases after it."""
    results, aborted = {}, {}
    remaining = list(KEYS)
    while remaining:
        proc = subprocess.run([sys.executable, str(HARNESS), "python", str(HERE / "lens_reference.py"), str(out),
                               *remaining], capture_output=True, text=True)
        started = []
        for line in (out / "results.jsonl").read_text().splitlines():
            entry = json.loads(line)
            if "result" in entry:
                results[entry["key"]] = entry["result"]
            else:
                started.append(entry["key"])
        if proc.returncode == 0:
            break
        killers = [k for k in started if k not in results and k not in aborted]
        assert killers, f"the reference failed before any case: {proc.stdout}{proc.stderr}"
        aborted[killers[-1]] = f"exit status {proc.returncode}: {proc.stderr[-500:]}"
        remaining = [k for k in remaining if k not in results and k not in aborted]
    return results, aborted


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("lens_ref")
    (out / "specs.json").write_text(json.dumps(SPECS))
    results, aborted = run_reference(out)
    return out, results, aborted


@pytest.fixture(scope="module")
def ours(reference):
    out = reference[0]
    ids = json.loads((out / "inputs.json").read_text())
    by_id = {c.id: c for c in chx.RrdReader(out / "inputs.rrd").stream().to_chunks()}
    inputs = {name: by_id[i] for name, i in ids.items()}
    return cases.Context(chx, pa, inputs, _descriptor, {"F": str(out / "f.rrd")}, cases.make_callables(pa, pc))


def run_ours(ctx, key):
    kind, name = key.split(":", 1)
    if kind == "spec":
        return json.loads(json.dumps(cases.run_spec(chx, ctx, SPECS[name])))
    return json.loads(json.dumps(cases.attempt(lambda: cases.CASES[name](chx, ctx))))


def test_reference_ran_every_case(reference):
    _, results, aborted = reference
    assert set(results) | set(aborted) == set(KEYS)
    print(f"{len(results)} cases ran on rerun-sdk, {len(aborted)} aborted it: {sorted(aborted)}")


@pytest.mark.parametrize("key", KEYS)
def test_lens_case_matches_rerun(reference, ours, key):
    _, results, aborted = reference
    got = run_ours(ours, key)
    if key in aborted:
        # The wheel crashed on this input (notes §0.9, §0.2): there is nothing to compare; ours must
        # report an error instead of crashing.
        assert "error" in json.dumps(got), f"{key}: rerun-sdk aborted ({aborted[key]}); ours gave {got}"
        return
    want = results[key]
    if "error" in want or "error" in got:
        assert unspecified_timeline(got) == unspecified_timeline(want)
        return
    where = first_difference(got["ok"], want["ok"])
    assert where is None, f"{key}: differs at {where}"


def unspecified_timeline(result: dict) -> dict:
    """Which timeline a row-count mismatch names follows the iteration order of Rerun's hash map of
    timelines, unspecified (notes §5.4); lens_test.cc checks what we name. The rest of the message
    is compared."""
    if "error" not in result:
        return result
    kind, text = result["error"]
    return {"error": [kind, re.sub(r"(timestamps for timeline )'[^']*'", r"\1'…'", text)]}


def first_difference(a, b, path="result"):
    """Where two JSON values first differ (with both values), or None."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            d = first_difference(a.get(k), b.get(k), f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if a != b:
        return f"{path}:\n{a}\n!=\n{b}" if isinstance(a, str) and "\n" in a else f"{path}: {a!r} != {b!r}"
    return None
