"""The reference side of test_mcap_reader.py; runs in the rerun-sdk venv.

Usage: mcap_reference.py PATHS.json OUT.json  (the files are written by the test's side)."""

import json
import sys
import traceback
from pathlib import Path

import rerun.experimental as rx

sys.path.insert(0, str(Path(__file__).parent))
import mcap_cases as cases  # noqa: E402


def main() -> int:
    paths = json.loads(Path(sys.argv[1]).read_text())
    results = {}
    for name, fn in cases.CASES.items():
        try:
            results[name] = {"ok": fn(rx, paths)}
        except Exception as err:  # noqa: BLE001
            results[name] = {"error": cases.error_of(err), "trace": traceback.format_exc()}
    Path(sys.argv[2]).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
