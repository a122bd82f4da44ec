"""Chunk.format(), str(), repr() and len() against rerun-sdk 0.36.2.

Every chunk of the reference corpus, of the third-party fixtures and of a file of awkward chunks
(written by rerun-sdk: unicode, long and multi-line strings, nested types, time zones, durations,
Float16, errors inside cells, empty and static chunks, seeded random text) is formatted by both under every option set,
and the texts must be equal byte for byte. rerun-sdk runs once, in a subprocess of its own venv.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chunkhouse.experimental import RrdReader

from conftest import FIXTURES, corpus_files, run_harness

REFERENCE_SCRIPT = Path(__file__).with_name("chunk_format_reference.py")


@pytest.fixture(scope="module")
def reference(corpus_dir, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("chunk_format")
    files = [str(p) for p in corpus_files(corpus_dir) + sorted(FIXTURES.glob("*.rrd"))]
    run_harness("python", str(REFERENCE_SCRIPT), str(out), *files)
    ref = json.loads((out / "reference.json").read_text())
    ref["options"] = [tuple(o) for o in ref["options"]]
    return ref


def read_chunks(path: str):
    return RrdReader(path).stream().to_chunks()


def compare_file(path: str, expected, options) -> tuple[int, list[str]]:
    """(combinations compared, descriptions of the mismatches) for one file."""
    if isinstance(expected, dict):  # rerun-sdk reads no chunk from it: neither may we
        with pytest.raises(Exception):
            read_chunks(path)
        return 0, []
    ours = read_chunks(path)
    assert [c.id for c in ours] == [e["id"] for e in expected], f"{path}: not the same chunks as rerun-sdk reads"
    compared, mismatches = 0, []
    for chunk, exp in zip(ours, expected):
        for (width, redact, trim), text in zip(options, exp["format"]):
            compared += 1
            got = chunk.format(width=width, redact=redact, trim_metadata_keys=trim)
            if got != text:
                mismatches.append(f"{Path(path).name} {chunk.id} width={width} redact={redact} trim={trim}:\n"
                                  f"--- rerun-sdk\n{text}\n--- chunkhouse\n{got}")
    return compared, mismatches


def test_every_fixture_chunk_formats_as_rerun_does(reference):
    files = {p: e for p, e in reference["files"].items() if not p.endswith("awkward.rrd")}
    assert len(files) >= 17
    total, mismatches = 0, []
    for path, expected in files.items():
        n, bad = compare_file(path, expected, reference["options"])
        total += n
        mismatches += bad
    assert not mismatches, f"{len(mismatches)} of {total} differ; first:\n{mismatches[0]}"
    assert total >= 200 * len(reference["options"])  # the corpus and phase3_scene hold hundreds of chunks


def test_awkward_values_format_as_rerun_does(reference):
    (path, expected), = [(p, e) for p, e in reference["files"].items() if p.endswith("awkward.rrd")]
    assert len(expected) >= 75  # 17 hand-made chunks, 60 random ones
    total, mismatches = compare_file(path, expected, reference["options"])
    assert not mismatches, f"{len(mismatches)} of {total} differ; first:\n{mismatches[0]}"


def test_repr_str_and_len_as_rerun(reference):
    for path, expected in reference["files"].items():
        if isinstance(expected, dict):
            continue
        for chunk, exp in zip(read_chunks(path), expected):
            assert repr(chunk) == exp["repr"]
            assert str(chunk) == exp["str"]
            assert len(chunk) == exp["len"]


def test_odd_arguments_as_rerun(reference):
    """Errors (type and message) and results for positional, negative, huge, float, None and
    non-bool arguments, widths beyond u16, and unknown keywords."""
    awkward = next(p for p in reference["files"] if p.endswith("awkward.rrd"))
    chunk = next(c for c in read_chunks(awkward) if c.id == reference["bad_calls_chunk"])
    assert len(reference["bad_calls"]) >= 10
    for call in reference["bad_calls"]:
        try:
            got = {"text": chunk.format(*call["args"], **call["kwargs"])}
        except Exception as err:  # noqa: BLE001
            got = {"error": type(err).__name__, "message": str(err)}
        assert got == call["result"], (call["args"], call["kwargs"])
