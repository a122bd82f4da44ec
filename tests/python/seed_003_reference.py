"""The reference side of test_seed_003.py (rerun-sdk venv): writes fixture F into OUTDIR and runs
the seed's blocks with `import rerun as rr`. Usage: seed_003_reference.py OUTDIR"""

import json
import sys
from pathlib import Path

import pyarrow as pa
import rerun as rr

sys.path.insert(0, str(Path(__file__).parent))
import experimental_cases as cases  # noqa: E402
import seed_003_blocks as blocks  # noqa: E402

out = Path(sys.argv[1])
path_f = str(out / "f.rrd")
cases.write_fixture_f(rr, pa, path_f)
(out / "reference.json").write_text(json.dumps({"path_f": path_f, "results": blocks.run_blocks("rerun", path_f)}))
