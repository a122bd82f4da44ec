"""The reference side of test_lens_differential.py; runs in the rerun-sdk venv.

    lens_reference.py DIR [KEY...]

On the first run, builds the input chunks (lens_cases.build_inputs) and writes DIR/inputs.rrd,
DIR/inputs.json (input name -> chunk id) and fixture F (DIR/f.rrd). Then runs the cases named by
KEY ("spec:<name>" from DIR/specs.json, "fn:<name>" from lens_cases.CASES; all when none is given)
on the chunks read back from inputs.rrd, appending to DIR/results.jsonl a "start" line before and a
result line after each case, so that a case that kills the process (the wheel aborts on some
inputs) can be named.
"""

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import rerun as rr
import rerun.experimental as rx

sys.path.insert(0, str(Path(__file__).parent))
import experimental_cases  # noqa: E402
import lens_cases  # noqa: E402


def descriptor(component, archetype=None, component_type=None):
    return rr.ComponentDescriptor(component, archetype=archetype, component_type=component_type)


def prepare(out: Path) -> None:
    if (out / "inputs.json").exists():
        return
    inputs = lens_cases.build_inputs(rx, pa)
    rx.LazyChunkStream.from_iter(list(inputs.values())).write_rrd(
        out / "inputs.rrd", application_id="lens_cases", recording_id="inputs")
    (out / "inputs.json").write_text(json.dumps({name: c.id for name, c in inputs.items()}))
    experimental_cases.write_fixture_f(rr, pa, str(out / "f.rrd"))


def load(out: Path) -> lens_cases.Context:
    ids = json.loads((out / "inputs.json").read_text())
    by_id = {c.id: c for c in rx.RrdReader(out / "inputs.rrd").stream().to_chunks()}
    inputs = {name: by_id[i] for name, i in ids.items()}
    return lens_cases.Context(rx, pa, inputs, descriptor, {"F": str(out / "f.rrd")},
                              lens_cases.make_callables(pa, pc))


def main() -> int:
    out = Path(sys.argv[1])
    prepare(out)
    ctx = load(out)
    specs = json.loads((out / "specs.json").read_text()) if (out / "specs.json").exists() else {}
    keys = sys.argv[2:] or [f"spec:{k}" for k in specs] + [f"fn:{k}" for k in lens_cases.CASES]
    with open(out / "results.jsonl", "a") as log:
        for key in keys:
            log.write(json.dumps({"key": key, "start": True}) + "\n")
            log.flush()
            kind, name = key.split(":", 1)
            if kind == "spec":
                result = lens_cases.run_spec(rx, ctx, specs[name])
            else:
                result = lens_cases.attempt(lambda: lens_cases.CASES[name](rx, ctx))
            log.write(json.dumps({"key": key, "result": result}) + "\n")
            log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
