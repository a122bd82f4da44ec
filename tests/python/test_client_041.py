"""Rerun's newest client (rerun-sdk 0.41.0, in .venv-rerun-041) against chunkhouse's server: it
lists datasets and segments, reads schemas and runs dataset queries, and gets the same tables as
rerun-sdk 0.36.2's client does from the same server (0.41 requires the QueryDataset chunk-info
columns `rerun_layer_direct_url` and `rerun_layer_direct_url_expires_at`)."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest

from test_server import Server

REPO = Path(__file__).resolve().parents[2]
PY_041 = REPO / ".venv-rerun-041" / "bin" / "python"
PY_036 = REPO / ".venv-rerun" / "bin" / "python"

pytestmark = pytest.mark.skipif(not PY_041.exists(),
                                reason="rerun-sdk 0.41 is not set up: scripts/setup.sh --reference makes .venv-rerun-041")

CLIENT = textwrap.dedent("""
    import json, sys
    import pyarrow as pa
    import rerun as rr
    address, out = sys.argv[1], sys.argv[2]
    client = rr.catalog.CatalogClient(address)
    ds = client.get_dataset(name="ds")
    result = {"version": rr.__version__, "segments": sorted(ds.segment_ids())}
    queries = {
        "plain": (ds, dict(index="frame")),
        "fill": (ds, dict(index="frame", fill_latest_at=True)),
        "contents": (ds.filter_contents(["/plot/**"]), dict(index="frame")),
    }
    tables = {}
    for name, (view, kw) in queries.items():
        t = view.reader(**kw).to_arrow_table()
        t = t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
        tables[name] = t
    for name, t in tables.items():
        with pa.ipc.new_file(out + "." + name, t.schema) as w:
            w.write_table(t)
    print(json.dumps(result))
""")


def run_client(python: Path, address: str, out: Path) -> dict:
    proc = subprocess.run([str(python), "-c", CLIENT, address, str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_rerun_041_client_reads_what_036_reads(chunkhouse_bin, tmp_path):
    data = tmp_path / "data"
    subprocess.run([chunkhouse_bin, "sample", "--recordings", "3", "--frames", "50", str(data)], check=True,
                   capture_output=True)
    server = Server(chunkhouse_bin, "-d", f"ds={data}")
    try:
        new = run_client(PY_041, server.address, tmp_path / "new")
        old = run_client(PY_036, server.address, tmp_path / "old")
    finally:
        assert server.stop() == 0
    assert new["version"] == "0.41.0"
    assert new["segments"] == old["segments"] and len(new["segments"]) == 3
    for name in ("plain", "fill", "contents"):
        a = pa.ipc.open_file(str(tmp_path / "new") + "." + name).read_all()
        b = pa.ipc.open_file(str(tmp_path / "old") + "." + name).read_all()
        assert a.num_rows == b.num_rows > 0, name
        assert sorted(a.schema.names) == sorted(b.schema.names), name
        for col in b.schema.names:
            assert a.column(col).combine_chunks().equals(b.column(col).combine_chunks()), (name, col)
