"""McapReader, mirroring `rerun.experimental.McapReader` (Rerun 0.36.2). The container, the
file-level decoders and `raw` run in C++ (src/chunkhouse/mcap); behaviour and texts:
notes/mcap.md and notes/ros2msg.md. A robot description, which Rerun's urdf decoder reads, is
refused (NotImplementedError naming the channel) until that decoder exists here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
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
        self._path = Path(str(path))
        self._timeline_type = timeline_type
        self._offset = timestamp_offset_ns
        self._decoders = None if decoders is None else list(decoders)
        self._include = list(include_topic_regex or [])
        self._exclude = list(exclude_topic_regex or [])
        self._start = _check_time("start_time_ns", start_time_ns)
        self._end = _check_time("end_time_ns", end_time_ns)
        self._recover = bool(recover)
        _core.mcap_check_options(timeline_type, self._decoders, self._include, self._exclude, self._start, self._end)

    @staticmethod
    def available_decoders() -> list[str]:
        """Every MCAP decoder identifier Rerun knows (chunkhouse implements all but `urdf`)."""
        return list(_core.mcap_available_decoders())

    @property
    def path(self) -> Path:
        """The file path of the MCAP file."""
        return self._path

    def info(self) -> McapInfo:
        """What the file's summary says: counts, times, chunks, compression, channels."""
        return _info(str(self._path), self._recover)

    def time_bounds(self) -> tuple[int, int]:
        """(first, last) message log_time in nanoseconds, from the summary."""
        return tuple(_core.mcap_time_bounds(str(self._path), self._recover))

    def stream(self, *, start_time_ns: Optional[int] = None, end_time_ns: Optional[int] = None) -> LazyChunkStream:
        """A lazy stream over all chunks of the file. A time range given here replaces the
        constructor's as a whole ([start, end) on the messages' log_time)."""
        start, end = self._start, self._end
        if start_time_ns is not None or end_time_ns is not None:
            start, end = _check_time("start_time_ns", start_time_ns), _check_time("end_time_ns", end_time_ns)
        inner = _core.mcap_stream(str(self._path), self._timeline_type, self._offset, self._decoders, self._include,
                                  self._exclude, start, end, self._recover)
        return LazyChunkStream(inner)

    def __repr__(self) -> str:
        return f"McapReader({self._path})"


# -- info() ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class McapSchemaInfo:
    id: int
    name: str
    encoding: str
    data_size_bytes: int


@dataclass(frozen=True)
class McapChannelInfo:
    id: int
    topic: str
    message_encoding: str
    metadata: MappingProxyType
    schema: Optional[McapSchemaInfo]
    message_count: int
    frequency_hz: Optional[tuple[float, float]]


@dataclass(frozen=True)
class McapChunkInfo:
    count: int
    max_uncompressed_size_bytes: Optional[int]  # None without chunks
    max_compressed_size_bytes: Optional[int]
    has_overlapping_time_ranges: bool


@dataclass(frozen=True)
class McapCompressionInfo:
    codec: str
    chunk_count: int
    compressed_size_bytes: int
    uncompressed_size_bytes: int

    @property
    def savings_ratio(self) -> float:
        """The fraction of bytes compression saved (0 when there is nothing to save)."""
        if self.uncompressed_size_bytes == 0:
            return 0.0
        return 1.0 - self.compressed_size_bytes / self.uncompressed_size_bytes


@dataclass(frozen=True)
class McapInfo:
    profile: str
    library: str
    message_count: Optional[int]
    message_start_time_ns: Optional[int]
    message_end_time_ns: Optional[int]
    duration_ns: Optional[int]
    schema_count: int
    channel_count: int
    attachment_count: int
    metadata_count: int
    statistics_present: bool
    summary_source: str
    chunks: McapChunkInfo
    compression: tuple
    channels: tuple


def _info(path: str, recover: bool = False) -> McapInfo:
    try:
        s = _core.mcap_summary(path, recover)
    except Exception as err:  # noqa: BLE001 - the kind stays; the text is Rerun's
        raise ValueError(f"Failed to inspect MCAP file: {err}") from None
    stats = s["statistics"]
    counts = stats["channel_message_counts"] if stats else s["indexed_counts"]
    if stats:
        message_count = stats["message_count"]
        start, end = (stats["message_start_time"], stats["message_end_time"]) if message_count else (None, None)
    else:
        message_count = sum(counts.values()) if s["chunks"] else None
        start = min((c[0] for c in s["chunks"]), default=None)
        end = max((c[1] for c in s["chunks"]), default=None)
    duration = end - start if start is not None and end is not None else None
    schemas = {sid: McapSchemaInfo(sid, name, enc, size) for sid, name, enc, size in s["schemas"]}
    channels = []
    for cid, schema_id, topic, encoding, metadata in sorted(s["channels"]):
        n = counts.get(cid, 0)
        freq = None
        if n >= 2 and duration:
            seconds = duration / 1e9
            freq = ((n - 1) / seconds, n / seconds)
        channels.append(McapChannelInfo(cid, topic, encoding, MappingProxyType(dict(metadata)),
                                        schemas.get(schema_id) if schema_id else None, n, freq))
    chunks = s["chunks"]
    spans = sorted((c[0], c[1]) for c in chunks)
    overlapping = any(b[0] <= a[1] for a, b in zip(spans, spans[1:]))
    by_codec: dict = {}
    for _, _, codec, compressed, uncompressed in chunks:
        n, c, u = by_codec.get(codec, (0, 0, 0))
        by_codec[codec] = (n + 1, c + compressed, u + uncompressed)
    return McapInfo(
        profile=s["profile"], library=s["library"], message_count=message_count, message_start_time_ns=start,
        message_end_time_ns=end, duration_ns=duration,
        schema_count=stats["schema_count"] if stats else len(s["schemas"]),
        channel_count=stats["channel_count"] if stats else len(s["channels"]),
        attachment_count=stats["attachment_count"] if stats else s["attachment_indexes"],
        metadata_count=stats["metadata_count"] if stats else s["metadata_indexes"],
        statistics_present=stats is not None and s["summary_source"] == "embedded", summary_source=s["summary_source"],
        chunks=McapChunkInfo(len(chunks), max((c[4] for c in chunks), default=None),
                             max((c[3] for c in chunks), default=None),
                             overlapping),
        compression=tuple(McapCompressionInfo(codec, *v) for codec, v in sorted(by_codec.items())),
        channels=tuple(channels))

