"""Differential test: chunkhouse.experimental.Selector against rerun-sdk 0.36.2's Selector.

Every case of selector_cases.py (hand-written shapes from notes/selector_lens.md, random nested
arrays, random selector strings including invalid ones, Python callables) runs through both; the
results must agree: same None-ness, same type (field names and nullability included), same values
and validity, same raw offsets and child for lists, and for errors the same message with an
exception of the reference's builtin type (ours may be a subclass: parse errors are
chunkhouse.errors.InvalidArgumentError, a ValueError). The reference runs once, in one subprocess.

The wheel aborts the whole process on a few shapes (notes §0.2, §0.6, §1.5). Ours reports those
as errors with distinctive texts; such cases are not sent to the reference (a sample is checked to
really abort it), and any other abort is bisected and reported by case.
"""

from __future__ import annotations

import json
import pickle  # noqa: F401  (used by SURFACE expressions)
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tools" / "reference"))
import ref_env  # noqa: E402
import selector_cases  # noqa: E402
from selector_cases import CALLABLES  # noqa: E402,F401

from chunkhouse.experimental import Selector  # noqa: E402

REFERENCE = HERE / "selector_reference.py"
# Our texts for the situations where rerun-sdk 0.36.2 aborts the process.
ABORT_MARKERS = ("cannot combine group validity", "points past the", "Max offset of", "but the validity has",
                 "Found unmasked nulls")


def reference_python() -> Path:
    py = ref_env.venv_python()
    if not py.exists():
        pytest.skip(f"the reference venv is missing ({py}); run tools/reference/ref_env.py setup")
    return py


def run_ours(case: dict, source: pa.Array):
    try:
        sel = selector_cases.build(Selector, case)
        result = sel.execute(source) if case["mode"] == "execute" else sel.execute_per_row(source)
        return ("none", None) if result is None else ("array", result)
    except Exception as e:  # noqa: BLE001 - every exception is the observation
        return ("error", e)


def read_array(path: Path) -> pa.Array:
    return pa.ipc.open_file(path).read_all().column(0).chunk(0)


def run_reference(py: Path, directory: Path, todo: list[int]) -> tuple[dict[int, dict], dict[int, str]]:
    """Results by case; cases that aborted the reference (with its panic message), found one at a
    time by re-running the rest."""
    results: dict[int, dict] = {}
    aborted: dict[int, str] = {}
    log = directory / "results.jsonl"
    while todo:
        proc = subprocess.run([str(py), str(REFERENCE), str(directory), *map(str, todo)], capture_output=True, text=True)
        done = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        log.unlink(missing_ok=True)
        for line in done:
            results[line["k"]] = line
        remaining = [k for k in todo if k not in results]
        if proc.returncode == 0 and not remaining:
            break
        assert remaining, f"reference failed after all cases: {proc.stderr[-2000:]}"
        panic = [line for line in proc.stderr.splitlines() if "panicked" in line or "assertion" in line]
        aborted[remaining[0]] = " / ".join(panic[:2]) or proc.stderr[-300:]  # the case it was running
        todo = remaining[1:]
    return results, aborted


def compare(case: dict, ours, ref: dict, out: Path, k: int) -> str | None:
    """None when equal, else what differs."""
    kind, value = ours
    if ref["kind"] == "error":
        if kind != "error":
            return f"reference raised {ref['type']}: {ref['msg']!r}; ours gave {kind}: {value!r}"
        builtin = getattr(__import__("builtins"), ref["type"])
        if not isinstance(value, builtin) or str(value) != ref["msg"]:
            return f"reference raised {ref['type']}: {ref['msg']!r}; ours {type(value).__name__}: {str(value)!r}"
        return None
    if kind == "error":
        return f"reference gave {ref['kind']}; ours raised {type(value).__name__}: {value}"
    if ref["kind"] == "none" or kind == "none":
        return None if ref["kind"] == kind else f"reference gave {ref['kind']}, ours {kind}"
    expected = read_array(out / f"{k}.arrow")
    if value.type != expected.type:
        return f"type {value.type} != reference {expected.type}"
    if not value.equals(expected) or value.null_count != expected.null_count:
        return f"values {value.to_pylist()} != reference {expected.to_pylist()}"
    if pa.types.is_list(value.type) and not value.offsets.equals(read_array(out / f"{k}.offsets.arrow")):
        return f"offsets {value.offsets.to_pylist()} != reference {read_array(out / f'{k}.offsets.arrow').to_pylist()}"
    if (pa.types.is_list(value.type) or pa.types.is_fixed_size_list(value.type)) and not value.values.equals(
        read_array(out / f"{k}.values.arrow")
    ):
        return f"raw child {value.values.to_pylist()} != reference {read_array(out / f'{k}.values.arrow').to_pylist()}"
    return None


def test_selector_matches_rerun(tmp_path):
    py = reference_python()
    inputs, cases = selector_cases.cases()
    (tmp_path / "inputs").mkdir()
    for name, (array, _) in inputs.items():
        with pa.ipc.new_file(tmp_path / "inputs" / f"{name}.arrow", pa.schema([pa.field("a", array.type)])) as w:
            w.write_batch(pa.record_batch([array], names=["a"]))
    for case in cases:
        case["slice"] = inputs[case["input"]][1]
    (tmp_path / "cases.json").write_text(json.dumps(cases))

    ours = {}
    for k, case in enumerate(cases):
        array, sl = inputs[case["input"]]
        ours[k] = run_ours(case, selector_cases.sliced(array, sl))
    abort_shaped = [k for k, (kind, v) in ours.items() if kind == "error" and any(m in str(v) for m in ABORT_MARKERS)]
    todo = [k for k in range(len(cases)) if k not in abort_shaped]

    results, aborted = run_reference(py, tmp_path, todo)
    unexplained = [f"case {k} {cases[k]}: {why}; ours {ours[k][0]} {ours[k][1]!r}" for k, why in aborted.items()]
    assert not unexplained, "the reference aborted on:\n" + "\n".join(unexplained)

    failures = []
    for k in todo:
        diff = compare(cases[k], ours[k], results[k], tmp_path / "out", k)
        if diff:
            failures.append(f"case {k} {cases[k]['input']} {cases[k]['mode']} {cases[k]['query']!r} "
                            f"{cases[k]['pipes']}: {diff}")
    assert not failures, f"{len(failures)} of {len(todo)} cases differ:\n" + "\n".join(failures[:40])
    # The comparison is not vacuous: plenty of values, Nones and errors on both sides.
    kinds = [results[k]["kind"] for k in todo]
    assert min(kinds.count("array"), kinds.count("none"), kinds.count("error")) >= 50, kinds
    assert len(todo) >= 500

    # The cases held back really abort the wheel (a sample: one process each).
    for k in abort_shaped[:3]:
        proc = subprocess.run([str(py), str(REFERENCE), str(tmp_path), str(k)], capture_output=True, text=True)
        assert proc.returncode < 0, f"case {k} {cases[k]} was expected to abort rerun-sdk: {proc.returncode}"


def test_selector_surface_matches_rerun(tmp_path):
    py = reference_python()
    subprocess.run([str(py), str(REFERENCE), str(tmp_path), "surface"], check=True)
    reference = json.loads((tmp_path / "surface.json").read_text())
    failures = []
    for expr, ref in zip(selector_cases.SURFACE, reference):
        try:
            value = eval(expr, {"S": Selector, "pa": pa, "pickle": pickle, "CALLABLES": CALLABLES})
            got = {"kind": "value", "repr": re.sub(r" at 0x[0-9a-f]+", "", repr(value))}
        except Exception as e:  # noqa: BLE001
            got = {"kind": "error", "type": type(e).__name__, "msg": str(e), "exc": e}
        if ref["kind"] == "error":
            ok = got["kind"] == "error" and isinstance(got["exc"], getattr(__import__("builtins"), ref["type"])) \
                and got["msg"] == ref["msg"]
        else:
            # Reprs name the class's module (rerun.experimental._selector vs chunkhouse._selector).
            ok = got.get("repr", "").replace("chunkhouse._selector", "M") == ref["repr"].replace(
                "rerun.experimental._selector", "M")
        if not ok:
            got.pop("exc", None)
            failures.append(f"{expr}: reference {ref}, ours {got}")
    assert not failures, "\n".join(failures)


def test_callable_runs_on_worker_thread_with_gil():
    """The engine may call a Python stage from a thread that does not hold the GIL."""
    import threading

    sel = Selector(".x").pipe(lambda a: pa.compute.multiply(a, 2))
    arr = pa.array([[{"x": 1}], [{"x": 2}, {"x": 3}]])
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", sel.execute_per_row(arr)))
    t.start()
    t.join()
    assert out["r"].to_pylist() == [[2], [4, 6]]
