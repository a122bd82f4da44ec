"""Walking the top-level frames of an .rrd file (standard library only): enough to cut a file's
footer off, for the footer-less fixtures."""

from __future__ import annotations

import struct
from pathlib import Path

from ref_env import HarnessError


STREAM_HEADER_LEN = 12
FRAME_HEADER_LEN = 16
MSG_KIND_END = 0


def rrd_frames(data: bytes) -> list[tuple[int, int, int]]:
    """Walk the top-level frames: returns [(offset_of_frame_header, kind, payload_len), ...]."""
    if len(data) < STREAM_HEADER_LEN or data[:4] not in (b"RRF2", b"RRF0", b"RRIS"):
        raise HarnessError(f"not an rrd stream (magic {data[:4]!r})")
    frames = []
    off = STREAM_HEADER_LEN
    while off + FRAME_HEADER_LEN <= len(data):
        kind, length = struct.unpack_from("<QQ", data, off)
        frames.append((off, kind, length))
        if off + FRAME_HEADER_LEN + length > len(data):
            raise HarnessError(f"frame at {off} (kind {kind}, len {length}) runs past the end of the file")
        off += FRAME_HEADER_LEN + length
        if kind == MSG_KIND_END:
            break
    return frames


def strip_footer(src: Path, dst: Path) -> int:
    """Copy `src` to `dst`, cutting right before the End frame's 16-byte header.

    Returns the number of bytes written.
    """
    data = src.read_bytes()
    ends = [off for off, kind, _ in rrd_frames(data) if kind == MSG_KIND_END]
    if not ends:
        raise HarnessError(f"{src} has no End message to cut at")
    cut = ends[0]
    dst.write_bytes(data[:cut])
    return cut


