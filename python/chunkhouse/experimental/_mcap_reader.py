"""McapReader, mirroring `rerun.experimental.McapReader` (Rerun 0.36.2). The container, the
file-level decoders and `raw` run in C++ (src/chunkhouse/mcap); behaviour and texts:
notes/mcap.md. Channels Rerun hands to the ros2msg, ros2_reflection or protobuf decoders are
refused (NotImplementedError naming the channel) until those decoders exist here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence, Union

from .. import _core
from ._stream import LazyChunkStream

_UNSET = object()


def _check_time(name: str, value: Optional[int]) -> Optional[int]:
    if value is not None and value < 0:
        raise ValueError(f"{name} must be non-negative (MCAP log_time is unsigned), got {value}")
    return value


class McapReader:
    """Read chunks from an MCAP file."""

    def __init__(self, path: Union[str, Path], *, timeline_type: str = "timestamp",
                 timestamp_offset_ns: Optional[int] = None, decoders: Optional[Sequence[str]] = None,
                 include_topic_regex: Optional[Sequence[str]] = None,
                 exclude_topic_regex: Optional[Sequence[str]] = None, start_time_ns: Optional[int] = None,
                 end_time_ns: Optional[int] = None, recover: bool = False):
        if not os.path.exists(path):
            raise FileNotFoundError(f"MCAP file not found: {path}")
        if os.path.isdir(path):
            raise RuntimeError(f"MCAP error: mmap failed for {path}: No such device (os error 19)")
        if recover:
            raise NotImplementedError("McapReader(recover=True) is not supported yet: chunkhouse reads MCAP files "
                                      "through their summary section")
        self._path = Path(str(path))
        self._timeline_type = timeline_type
        self._offset = timestamp_offset_ns
        self._decoders = None if decoders is None else list(decoders)
        self._include = list(include_topic_regex or [])
        self._exclude = list(exclude_topic_regex or [])
        self._start = _check_time("start_time_ns", start_time_ns)
        self._end = _check_time("end_time_ns", end_time_ns)
        _core.mcap_check_options(timeline_type, self._decoders, self._include, self._exclude, self._start, self._end)

    @staticmethod
    def available_decoders() -> list[str]:
        """Every MCAP decoder identifier Rerun knows (chunkhouse implements the file-level ones and `raw`)."""
        return list(_core.mcap_available_decoders())

    @property
    def path(self) -> Path:
        """The file path of the MCAP file."""
        return self._path

    def time_bounds(self) -> tuple[int, int]:
        """(first, last) message log_time in nanoseconds, from the summary."""
        return tuple(_core.mcap_time_bounds(str(self._path)))

    def stream(self, *, start_time_ns: Optional[int] = None, end_time_ns: Optional[int] = None) -> LazyChunkStream:
        """A lazy stream over all chunks of the file. A time range given here replaces the
        constructor's as a whole ([start, end) on the messages' log_time)."""
        start, end = self._start, self._end
        if start_time_ns is not None or end_time_ns is not None:
            start, end = _check_time("start_time_ns", start_time_ns), _check_time("end_time_ns", end_time_ns)
        inner = _core.mcap_stream(str(self._path), self._timeline_type, self._offset, self._decoders, self._include,
                                  self._exclude, start, end)
        return LazyChunkStream(inner)

    def __repr__(self) -> str:
        return f"McapReader({self._path})"
