"""The reference side of test_columns_differential.py; runs in the rerun-sdk venv.

Usage: columns_reference.py OUTFILE
Runs every case of columns_cases.py with rerun-sdk and writes OUTFILE:
{case: {"ok": value} | {"error": [type, text], "trace": ...}}.
"""

import json
import sys
import traceback
from pathlib import Path

import numpy as np
import pyarrow as pa
import rerun as rr
import rerun.experimental as rx

sys.path.insert(0, str(Path(__file__).parent))
import columns_cases as cases  # noqa: E402


def main() -> int:
    results = {}
    for name, fn in cases.CASES.items():
        try:
            results[name] = {"ok": fn(rr, rx, pa, np)}
        except Exception as err:  # noqa: BLE001
            results[name] = {"error": [type(err).__name__, str(err)], "trace": traceback.format_exc()}
    Path(sys.argv[1]).write_text(json.dumps(results, indent=1, default=repr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
