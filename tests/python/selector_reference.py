"""Runs selector cases through rerun-sdk 0.36.2 (run with the reference venv's python).

    selector_reference.py DIR CASE_INDEX...

DIR holds cases.json and inputs/<name>.arrow (written by test_selector.py). For each case, one JSON
line goes to DIR/results.jsonl as soon as it is done (so a run the wheel aborts shows how far it
got), and a non-None result goes to DIR/out/<k>.arrow (plus <k>.offsets.arrow and <k>.values.arrow
with the raw offsets and child of a list, which IPC would otherwise rebase). With `surface`
instead of case indices, evaluates selector_cases.SURFACE into DIR/surface.json.
"""

from __future__ import annotations

import json
import pickle  # noqa: F401  (used by SURFACE expressions)
import re
import sys
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import selector_cases  # noqa: E402
from selector_cases import CALLABLES  # noqa: E402,F401  (used by SURFACE expressions)


def write_array(path: Path, array: pa.Array) -> None:
    with pa.ipc.new_file(path, pa.schema([pa.field("a", array.type)])) as w:
        w.write_batch(pa.record_batch([array], names=["a"]))


def dump_result(out: Path, k: int, result: pa.Array) -> None:
    write_array(out / f"{k}.arrow", result)
    if pa.types.is_list(result.type) or pa.types.is_fixed_size_list(result.type):
        if pa.types.is_list(result.type):
            write_array(out / f"{k}.offsets.arrow", result.offsets)
        write_array(out / f"{k}.values.arrow", result.values)


def describe(value) -> str:
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def run_surface(directory: Path, selector_cls) -> None:
    results = []
    for expr in selector_cases.SURFACE:
        try:
            value = eval(expr, {"S": selector_cls, "pa": pa, "pickle": pickle, "CALLABLES": CALLABLES})
            results.append({"kind": "value", "repr": describe(value)})
        except Exception as e:  # noqa: BLE001 - every exception is the observation
            results.append({"kind": "error", "type": type(e).__name__, "msg": str(e)})
    (directory / "surface.json").write_text(json.dumps(results))


def main() -> None:
    from rerun.experimental import Selector

    directory = Path(sys.argv[1])
    if sys.argv[2:] == ["surface"]:
        run_surface(directory, Selector)
        return
    cases = json.loads((directory / "cases.json").read_text())
    out = directory / "out"
    out.mkdir(exist_ok=True)
    inputs: dict[str, pa.Array] = {}
    with open(directory / "results.jsonl", "a") as log:
        for k in map(int, sys.argv[2:]):
            case = cases[k]
            name = case["input"]
            if name not in inputs:
                inputs[name] = pa.ipc.open_file(directory / "inputs" / f"{name}.arrow").read_all().column(0).chunk(0)
            source = selector_cases.sliced(inputs[name], case["slice"])
            try:
                sel = selector_cases.build(Selector, case)
                result = sel.execute(source) if case["mode"] == "execute" else sel.execute_per_row(source)
                if result is None:
                    line = {"k": k, "kind": "none"}
                else:
                    dump_result(out, k, result)
                    line = {"k": k, "kind": "array"}
            except Exception as e:  # noqa: BLE001 - every exception is the observation
                line = {"k": k, "kind": "error", "type": type(e).__name__, "msg": str(e)}
            log.write(json.dumps(line) + "\n")
            log.flush()


if __name__ == "__main__":
    main()
