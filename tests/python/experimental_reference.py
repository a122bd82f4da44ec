"""The reference side of test_experimental_differential.py; runs in the rerun-sdk venv.

Usage: experimental_reference.py OUTDIR
Writes the fixture files into OUTDIR, runs every case of experimental_cases.py with rerun-sdk and
writes OUTDIR/reference.json: {"paths": {...}, "results": {case: {"ok": value} | {"error": [type, text]}}}.
"""

import json
import sys
import traceback
from pathlib import Path

import pyarrow as pa
import rerun as rr
import rerun.experimental as rx

sys.path.insert(0, str(Path(__file__).parent))
import experimental_cases as cases  # noqa: E402


def run_all(paths: dict) -> dict:
    results = {}
    for name, fn in cases.CASES.items():
        try:
            results[name] = {"ok": fn(rr, rx, paths)}
        except Exception as err:  # noqa: BLE001
            results[name] = {"error": [type(err).__name__, str(err)], "trace": traceback.format_exc()}
    return results


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "tmp_ref").mkdir(exist_ok=True)
    paths = {"F": str(out / "f.rrd"), "scalars": str(out / "scalars.rrd"), "two_stores": str(out / "two_stores.rrd")}
    cases.write_fixture_f(rr, pa, paths["F"])
    cases.write_scalar_chunks(rr, paths["scalars"])
    cases.write_two_stores(rr, paths["two_stores"])
    results = run_all({**paths, "tmp": str(out / "tmp_ref")})
    (out / "reference.json").write_text(json.dumps({"paths": paths, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
