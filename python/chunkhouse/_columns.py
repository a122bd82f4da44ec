"""Columns for `Chunk.from_columns` (and `send_columns`), as rerun-sdk spells them:
`TimeColumn`, `ComponentDescriptor`, `ComponentColumn` and `ComponentColumnList`.

    chunk = Chunk.from_columns(
        "/robots/arm",
        indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
        columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    )

Objects of rerun-sdk itself work wherever these are taken: an index is anything with
`timeline_name()` and `as_arrow_array()`, a column anything with `component_descriptor()` and
`as_arrow_array()`, a descriptor anything with `component`, `archetype` and `component_type`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa

__all__ = ["ComponentColumn", "ComponentColumnList", "ComponentDescriptor", "TimeColumn"]


class ComponentDescriptor:
    """
    What a column of component data is: `component` identifies it within its entity (e.g.
    `"Points3D:positions"`); `archetype` (e.g. `"rerun.archetypes.Points3D"`) and `component_type`
    (e.g. `"rerun.components.Position3D"`) tell how to read it, and may be `None`.
    """

    __slots__ = ("_archetype", "_component", "_component_type")

    def __init__(self, component: str, archetype: str | None = None, component_type: str | None = None) -> None:
        if not component:
            raise RuntimeError("Invalid `ComponentIdentifier`: must not be empty")
        self._component = str(component)
        # Empty names are no names (Rerun drops them the same way).
        self._archetype = str(archetype) if archetype else None
        self._component_type = str(component_type) if component_type else None

    @property
    def component(self) -> str:
        """The identifier of the component within its entity, e.g. `Points3D:positions`."""
        return self._component

    @property
    def archetype(self) -> str | None:
        """The archetype the data was logged with, e.g. `rerun.archetypes.Points3D`, or None."""
        return self._archetype

    @property
    def component_type(self) -> str | None:
        """How to interpret the data, e.g. `rerun.components.Position3D`, or None."""
        return self._component_type

    def _key(self) -> tuple:
        return (self._archetype, self._component, self._component_type)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ComponentDescriptor):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return self._component

    def __repr__(self) -> str:
        return (f"ComponentDescriptor(component={self._component!r}, archetype={self._archetype!r}, "
                f"component_type={self._component_type!r})")

    def with_overrides(self, archetype: str | None = None, component_type: str | None = None) -> ComponentDescriptor:
        """A copy with `archetype` and/or `component_type` replaced by the given (non-empty) ones."""
        return ComponentDescriptor(self._component, archetype or self._archetype,
                                   component_type or self._component_type)

    def or_with_overrides(self, archetype: str | None = None, component_type: str | None = None) -> ComponentDescriptor:
        """A copy with `archetype` and/or `component_type` set to the given ones where not set yet."""
        return ComponentDescriptor(self._component, self._archetype or archetype,
                                   self._component_type or component_type)

    def with_builtin_archetype(self, archetype: str) -> ComponentDescriptor:
        """A copy under `archetype`, its component renamed `<archetype short name>:<field>` as
        built-in archetypes name theirs (`"x"` under `"Imu"` becomes `"Imu:x"`)."""
        if not archetype:
            return ComponentDescriptor(self._component, self._archetype, self._component_type)
        field = self._component
        if self._archetype is not None:
            field = field.removeprefix(_short_name(self._archetype) + ":")
        return ComponentDescriptor(f"{_short_name(archetype)}:{field}", archetype, self._component_type)


def _short_name(archetype: str) -> str:
    for prefix in ("rerun.archetypes.", "rerun.blueprint.archetypes.", "rerun."):
        if archetype.startswith(prefix):
            return archetype[len(prefix):]
    return archetype


def as_descriptor(value) -> ComponentDescriptor:
    """A descriptor from a `ComponentDescriptor`, a string, or anything shaped like one (rerun-sdk's)."""
    if isinstance(value, ComponentDescriptor):
        return value
    if isinstance(value, str):
        return ComponentDescriptor(value)
    if hasattr(value, "component"):
        return ComponentDescriptor(value.component, getattr(value, "archetype", None),
                                   getattr(value, "component_type", None))
    raise TypeError(f"expected a ComponentDescriptor or a component identifier string, got {type(value).__name__}")


# --- Time -------------------------------------------------------------------------------------

class TimeColumn:
    """
    A column of index (time) values for one timeline: the columnar form of `set_time`.

    Give exactly one of `sequence` (integers), `duration` (seconds as int or float,
    `datetime.timedelta` or `numpy.timedelta64`) or `timestamp` (seconds since the Unix epoch,
    `datetime.datetime` or `numpy.datetime64`). Times need not be monotonic.
    """

    def __init__(self, timeline: str, *, sequence=None, duration=None, timestamp=None) -> None:
        if sum(x is not None for x in (sequence, duration, timestamp)) != 1:
            raise ValueError("TimeColumn: Exactly one of `sequence`, `duration`, and `timestamp` must be set "
                             f"(timeline='{timeline}')")
        self.timeline = timeline
        if sequence is not None:
            self.times = pa.array(sequence, pa.int64())
        elif duration is not None:
            self.times = _time_array(duration, np.timedelta64, "timedelta64[ns]", pa.duration("ns"), _duration_ns)
        else:
            self.times = _time_array(timestamp, np.datetime64, "datetime64[ns]", pa.timestamp("ns"), _timestamp_ns)

    def timeline_name(self) -> str:
        """The name of the timeline."""
        return self.timeline

    def as_arrow_array(self) -> pa.Array:
        """The times as an Arrow array: int64, duration[ns] or timestamp[ns]."""
        return self.times


def _time_array(values, np_kind, np_unit: str, arrow_type: pa.DataType, one_ns) -> pa.Array:
    if isinstance(values, np.ndarray):
        if np.issubdtype(values.dtype, np_kind):
            return pa.array(values.astype(np_unit), arrow_type)
        if np.issubdtype(values.dtype, np.number):
            # Seconds, scaled in floating point as rerun-sdk does.
            return pa.array((values * 1e9).astype(np_unit), arrow_type)
        raise TypeError(f"Unsupported numpy array dtype: {values.dtype}")
    return pa.array([np.int64(one_ns(v)).astype(np_unit) for v in values], arrow_type)


def _duration_ns(value) -> int:
    if isinstance(value, np.timedelta64):
        return value.astype("timedelta64[ns]").astype("int64")
    if isinstance(value, timedelta):
        return round(1e9 * value.total_seconds())
    if isinstance(value, (int, np.integer)):
        return 1_000_000_000 * int(value)
    if isinstance(value, (float, np.floating)):
        return round(1e9 * float(value))
    raise TypeError("set_time: duration must be an int, float, timedelta, or numpy.timedelta64 object, "
                    f"got {type(value)}")


def _timestamp_ns(value) -> int:
    if isinstance(value, (int, np.integer, float, np.float64)):
        if value > 1e11:
            raise ValueError("set_time: Expected seconds since unix epoch, but it looks like this is in milliseconds")
        return int(np.round(1e9 * value))
    if isinstance(value, datetime):
        if hasattr(value, "to_datetime64"):  # pandas: keep the nanoseconds
            return int(value.to_datetime64().astype("datetime64[ns]").astype("int64"))
        aware = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return int(np.round(1e9 * (aware - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds()))
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[ns]").astype("int64"))
    if isinstance(value, pa.TimestampScalar):
        return int(value.value)
    raise TypeError("set_time: timestamp must be an int, float, datetime, numpy.datetime64, or "
                    f"pyarrow.TimestampScalar object, got {type(value)}")


# --- Components -------------------------------------------------------------------------------

def _offsets_from_lengths(lengths) -> np.ndarray:
    lengths = np.array(lengths)
    if lengths.ndim != 1:
        raise ValueError("Lengths must be a 1D array.")
    lengths = lengths.flatten().astype(np.int32)
    return np.concatenate((np.array([0], dtype=np.int32), np.cumsum(lengths, dtype=np.int32)))


class ComponentColumn:
    """
    A column of component data: a batch of values cut into one sub-batch per row.

    By default every value is its own row; `lengths` (summing to the batch's length) or
    precomputed int32 `offsets` (with the leading 0) cut it otherwise.
    """

    def __init__(self, descriptor, component_batch, *, lengths=None, offsets=None) -> None:
        if isinstance(descriptor, str):
            descriptor = ComponentDescriptor(descriptor)
        if lengths is not None and offsets is not None:
            raise ValueError("Cannot specify both `lengths` and `offsets`.")
        self.descriptor = descriptor
        self.component_batch = component_batch
        if offsets is not None:
            self._offsets = offsets
        elif lengths is not None:
            self._offsets = _offsets_from_lengths(lengths)
        else:
            self._offsets = np.arange(len(_batch_array(component_batch)) + 1, dtype=np.int32)

    def component_descriptor(self):
        """The descriptor of the column."""
        return self.descriptor

    def as_arrow_array(self) -> pa.Array:
        """The column as an Arrow list array, one list per row."""
        return pa.ListArray.from_arrays(self._offsets, _batch_array(self.component_batch))

    def partition(self, lengths) -> ComponentColumn:
        """The same values cut into rows of the given lengths."""
        return ComponentColumn(self.descriptor, self.component_batch, lengths=lengths)


def _batch_array(batch) -> pa.Array:
    if isinstance(batch, pa.Array):
        return batch
    return batch.as_arrow_array()


class ComponentColumnList(Iterable[ComponentColumn]):
    """Several `ComponentColumn`s (what an archetype's `.columns(...)` returns), partitioned together."""

    def __init__(self, columns: Iterable[ComponentColumn]) -> None:
        self._columns = list(columns)

    def __iter__(self) -> Iterator[ComponentColumn]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def partition(self, lengths) -> ComponentColumnList:
        """Every column cut into rows of the given lengths (which must sum to each column's length)."""
        return ComponentColumnList([c.partition(lengths) for c in self._columns])

