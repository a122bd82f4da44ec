"""The reference side of test_pipeline_properties.py (rerun-sdk venv).
Usage: pipeline_properties_reference.py SCENARIOS.json OUT.json"""

import json
import sys
from pathlib import Path

import pyarrow as pa
import rerun as rr

sys.path.insert(0, str(Path(__file__).parent))
import pipeline_properties as props  # noqa: E402

scenarios = json.loads(Path(sys.argv[1]).read_text())
Path(sys.argv[2]).write_text(json.dumps([props.run_scenario(rr, pa, s) for s in scenarios]))
