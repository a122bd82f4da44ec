"""The MCAP container reader (src/chunkhouse/mcap) through `chunkhouse rrd stats FILE.mcap`,
against files written by the `mcap` library: unchunked, chunked with zstd, lz4 and no
compression, metadata and attachments, and cut-off files. The message counts and time ranges it
reports must be what the `mcap` library's own reader finds."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

mcap_writer = pytest.importorskip("mcap.writer", reason="the mcap writer is in requirements-dev.txt")
from mcap.reader import make_reader  # noqa: E402
from mcap.writer import CompressionType, Writer  # noqa: E402


def write(path: Path, *, chunked: bool, compression=CompressionType.ZSTD, n: int = 500) -> Path:
    with open(path, "wb") as f:
        w = Writer(f, chunk_size=4096 if chunked else 1 << 30, compression=compression, use_chunking=chunked)
        w.start(profile="ros2", library="chunkhouse-test")
        s = w.register_schema(name="test/Blob", encoding="jsonschema", data=b'{"type":"object"}')
        a = w.register_channel(topic="/a", message_encoding="json", schema_id=s, metadata={"k": "v"})
        b = w.register_channel(topic="/b/raw", message_encoding="cbor", schema_id=0)
        for i in range(n):
            w.add_message(channel_id=a if i % 3 else b, log_time=1000 + i, publish_time=900 + i,
                          data=(b'{"i": %d}' % i) * (1 + i % 7), sequence=i)
        w.add_metadata("calibration", {"fx": "1.0", "fy": "2.0"})
        w.add_attachment(create_time=1, log_time=2, name="notes.txt", media_type="text/plain", data=b"hello" * 10)
        w.finish()
    return path


def library_counts(path: Path) -> tuple[Counter, dict]:
    counts, times = Counter(), {}
    with open(path, "rb") as f:
        for _, channel, message in make_reader(f).iter_messages(log_time_order=False):
            counts[channel.topic] += 1
            lo, hi = times.get(channel.topic, (message.log_time, message.log_time))
            times[channel.topic] = (min(lo, message.log_time), max(hi, message.log_time))
    return counts, times


def stats(chunkhouse_bin: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([chunkhouse_bin, "rrd", "stats", str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("chunked,compression", [(False, CompressionType.NONE), (True, CompressionType.ZSTD),
                                                 (True, CompressionType.LZ4), (True, CompressionType.NONE)],
                         ids=["unchunked", "zstd", "lz4", "chunked-uncompressed"])
def test_counts_match_the_mcap_library(chunkhouse_bin, tmp_path, chunked, compression):
    path = write(tmp_path / "f.mcap", chunked=chunked, compression=compression)
    proc = stats(chunkhouse_bin, path)
    assert proc.returncode == 0, proc.stderr
    counts, times = library_counts(path)
    assert "profile: 'ros2'  library: 'chunkhouse-test'" in proc.stdout
    assert f"messages: {sum(counts.values())}  data section: complete  summary: yes" in proc.stdout, proc.stdout
    for topic, count in counts.items():
        line = next(l for l in proc.stdout.splitlines() if f" {topic} " in l)
        assert f"messages={count}" in line
        assert f"log_time {times[topic][0]} .. {times[topic][1]}" in line
    assert "schema=test/Blob (jsonschema)" in proc.stdout and "schema=-" in proc.stdout
    assert "metadata calibration: 2 entries" in proc.stdout
    assert "attachment notes.txt (text/plain): 50 bytes" in proc.stdout
    assert f"statistics say {sum(counts.values())} messages" in proc.stdout
    chunk_indexes = int(re.search(r"summary: (\d+) chunk index", proc.stdout).group(1))
    assert (chunk_indexes > 1) if chunked else (chunk_indexes == 0)


def test_a_cut_off_file_reports_what_it_read_and_where_it_stopped(chunkhouse_bin, tmp_path):
    path = write(tmp_path / "f.mcap", chunked=True)
    data = path.read_bytes()
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(data[: len(data) // 2])
    proc = stats(chunkhouse_bin, cut)
    assert proc.returncode == 1
    # Where the cut falls decides which record is short; the error names it and its offset.
    assert re.search(rf"error: {re.escape(str(cut))}: at byte \d+: [A-Z][A-Za-z ]+ record claims \d+ bytes, but only "
                     r"\d+ remain", proc.stderr), proc.stderr
    m = re.search(r"messages: (\d+)  data section: truncated", proc.stdout)
    assert m and 0 < int(m.group(1)) < 500, proc.stdout


def test_not_an_mcap_file(chunkhouse_bin, tmp_path):
    bad = tmp_path / "bad.mcap"
    bad.write_bytes(b"\x89MCAP1\r\nnot really")
    proc = stats(chunkhouse_bin, bad)
    assert proc.returncode == 1 and "at byte 0: not an MCAP file: expected the magic bytes" in proc.stderr


def test_a_decompression_bomb_is_refused_before_allocating(chunkhouse_bin, tmp_path):
    import struct

    import zstandard  # noqa: F401  (the mcap library's dependency)

    path = write(tmp_path / "f.mcap", chunked=True)
    data = bytearray(path.read_bytes())
    at = data.index(b"\x06", 8 + 9 + 4 + 4 + 4 + 15)  # the first Chunk record after the header
    # uncompressed_size sits after the opcode (1), length (8), start and end times (8 + 8)
    struct.pack_into("<Q", data, at + 1 + 8 + 16, 1 << 40)
    bomb = tmp_path / "bomb.mcap"
    bomb.write_bytes(bytes(data))
    proc = stats(chunkhouse_bin, bomb)
    assert proc.returncode == 1
    assert "Chunk claims 1099511627776 uncompressed bytes, more than the limit" in proc.stderr, proc.stderr
