"""Tests for tools/reference/harness.py (the rerun-sdk oracle harness).

The framing tests use only the standard library and always run. The end-to-end test
needs the reference venv (`python3 tools/reference/harness.py setup`). When the venv is
missing it is skipped, so this test never downloads anything.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "tools" / "reference" / "harness.py"


def _load_harness():
    spec = importlib.util.spec_from_file_location("chunkhouse_ref_harness", HARNESS)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


H = _load_harness()


def _frame(kind: int, payload: bytes) -> bytes:
    return struct.pack("<QQ", kind, len(payload)) + payload


class FramingTests(unittest.TestCase):
    def test_strip_footer_cuts_before_end_frame(self):
        header = b"RRF2" + bytes(8)
        body = _frame(1, b"store-info") + _frame(2, b"arrow-msg-payload")
        data = header + body + _frame(0, b"footer") + b"T" * 32
        with tempfile.TemporaryDirectory() as d:
            src, dst = Path(d, "a.rrd"), Path(d, "b.rrd")
            src.write_bytes(data)
            n = H.strip_footer(src, dst)
            self.assertEqual(dst.read_bytes(), header + body)
            self.assertEqual(n, len(header + body))
            self.assertEqual([k for _, k, _ in H.rrd_frames(dst.read_bytes())], [1, 2])

    def test_strip_footer_requires_end(self):
        with tempfile.TemporaryDirectory() as d:
            src = Path(d, "a.rrd")
            src.write_bytes(b"RRF2" + bytes(8) + _frame(1, b"x"))
            with self.assertRaises(H.HarnessError):
                H.strip_footer(src, Path(d, "b.rrd"))

    def test_not_rrd(self):
        with self.assertRaises(H.HarnessError):
            H.rrd_frames(b"{ json }    ")

    def test_requirements_pin(self):
        self.assertIn("rerun-sdk", H.pinned_requirements())


@unittest.skipUnless(H.venv_is_ready(H.venv_dir()), "reference venv not set up (run harness.py setup)")
class EndToEndTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls.tmp.name, "corpus")
        subprocess.run([sys.executable, str(HARNESS), "corpus", str(cls.out)], check=True, capture_output=True)
        cls.manifest = json.loads((cls.out / "corpus.json").read_text())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def dump(self, name: str) -> dict:
        d = Path(self.tmp.name, "dump", name)
        subprocess.run(
            [sys.executable, str(HARNESS), "dump", str(self.out / name), str(d)], check=True, capture_output=True
        )
        return json.loads((d / "stores.json").read_text())

    def test_corpus_files_and_dumps(self):
        names = {e["file"] for e in self.manifest["files"]}
        for required in (
            "sequence_points.rrd",
            "durations_scalars.rrd",
            "timestamps_textlog.rrd",
            "multi_timeline.rrd",
            "out_of_order.rrd",
            "images_tensors.rrd",
            "transforms_clears.rrd",
            "static_only.rrd",
            "columns.rrd",
            "recording_and_blueprint.rrd",
            "no_footer.rrd",
        ):
            self.assertIn(required, names)
        for e in self.manifest["files"]:
            self.assertLess(e["bytes"], 2 << 20, e["file"])
            has_end = any(k == 0 for _, k, _ in H.rrd_frames((self.out / e["file"]).read_bytes()))
            self.assertEqual(has_end, e["footer"], e["file"])
            s = self.dump(e["file"])
            self.assertEqual(len(s["blueprints"]), 1 if e["blueprint"] else 0, e["file"])
            self.assertEqual(s["recordings"][0]["recording_id"], e["file"][:-4])
            self.assertNotIn("error", s)
            for store in s["stores"]:
                self.assertEqual([c["index"] for c in store["chunks"]], list(range(len(store["chunks"]))))
                for c in store["chunks"]:
                    self.assertTrue(Path(self.tmp.name, "dump", e["file"], store["dir"], c["file"]).is_file())

    def test_columns_has_many_rows(self):
        s = self.dump("columns.rrd")
        rows = {c["entity_path"]: c["num_rows"] for c in s["stores"][0]["chunks"]}
        self.assertEqual(rows["/columns/scalars"], 1000)
        self.assertEqual(rows["/columns/points"], 100)

    def test_verify(self):
        with_footer = [str(self.out / e["file"]) for e in self.manifest["files"] if e["footer"]]
        r = subprocess.run([sys.executable, str(HARNESS), "verify", *with_footer], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run(
            [sys.executable, str(HARNESS), "verify", str(self.out / "no_footer.rrd")], capture_output=True, text=True
        )
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Missing RRD footer", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
