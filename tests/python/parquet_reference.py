"""The reference side of test_parquet_reader.py; runs in the rerun-sdk venv.

Usage: parquet_reference.py OUTDIR
Writes the Parquet fixtures into OUTDIR, runs every case of parquet_cases.py with rerun-sdk and
writes OUTDIR/reference.json: {"paths": {...}, "results": {case: value}}.
"""

import json
import sys
import traceback
from pathlib import Path

import rerun.experimental as rx

sys.path.insert(0, str(Path(__file__).parent))
import parquet_cases as cases  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    paths = cases.write_files(out)
    results = {}
    for name, fn in cases.CASES.items():
        try:
            results[name] = {"ok": fn(rx, paths)}
        except Exception as err:  # noqa: BLE001
            results[name] = {"error": cases.error_of(err), "trace": traceback.format_exc()}
    (out / "reference.json").write_text(json.dumps({"paths": paths, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
