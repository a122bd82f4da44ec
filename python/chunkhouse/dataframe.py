"""Dataframe queries over a recording, with the API of `rerun.dataframe` (seed 004).

    recording = chunkhouse.dataframe.load_recording("file.rrd")
    view = recording.view(index="frame_nr", contents="/**").filter_range_sequence(0, 10).fill_latest_at()
    table = view.select().read_all()

`select()` returns a `pyarrow.RecordBatchReader` fed through the Arrow C stream interface:
batches are computed in C++ as they are read, and reach pyarrow without copies.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional, Union

import numpy as np
import pyarrow as pa

from . import _core

__all__ = [
    "Archive", "ComponentColumnDescriptor", "IndexColumnDescriptor", "Recording", "RecordingView", "Schema",
    "load_archive", "load_recording",
]

ContentsLike = Union[str, Sequence[str], Mapping[str, Union[str, Sequence[str]]]]


@dataclasses.dataclass(frozen=True)
class IndexColumnDescriptor:
    """An index (timeline) column."""

    name: str
    type: str  # "sequence", "duration" or "timestamp"

    def __repr__(self) -> str:
        return f"Index(timeline:{self.name})"


@dataclasses.dataclass(frozen=True)
class ComponentColumnDescriptor:
    """A component column: one component of one entity."""

    entity_path: str
    component: str
    archetype: Optional[str]
    component_type: Optional[str]
    is_static: bool
    name: str
    is_semantically_empty: bool = False
    is_tombstone: bool = False

    def __repr__(self) -> str:
        return f"Column({self.name})"


class Schema:
    """The columns of a recording: its timelines and its (entity, component) columns."""

    def __init__(self, index: list[IndexColumnDescriptor], components: list[ComponentColumnDescriptor]):
        self._index = index
        self._components = components

    def index_columns(self) -> list[IndexColumnDescriptor]:
        return list(self._index)

    def component_columns(self) -> list[ComponentColumnDescriptor]:
        return list(self._components)

    def column_for(self, entity_path: str, component: str) -> Optional[ComponentColumnDescriptor]:
        for c in self._components:
            if c.entity_path == entity_path and c.component == component:
                return c
        return None

    def __iter__(self):
        yield from self._index
        yield from self._components

    def __repr__(self) -> str:
        return "Schema(\n" + "".join(f"  {c!r}\n" for c in self) + ")"


def _index_values(values: Any) -> np.ndarray:
    """int64 index values from lists, ranges, numpy or pyarrow arrays (datetime64 as ns)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_timestamp(values.type) or pa.types.is_duration(values.type):
            values = values.cast(pa.int64())
        elif not pa.types.is_integer(values.type):
            raise TypeError(f"index values must be integers, timestamps or durations, not {values.type}")
        values = values.to_numpy(zero_copy_only=False)
    arr = np.asarray(list(values) if isinstance(values, (range, Iterable)) and not isinstance(values, np.ndarray) else values)
    if arr.dtype.kind == "M":
        arr = arr.astype("datetime64[ns]").astype(np.int64)
    elif arr.dtype.kind == "m":
        arr = arr.astype("timedelta64[ns]").astype(np.int64)
    elif arr.size == 0:
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"index values must be integers (nanoseconds or sequence numbers), not {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.int64)
    if len(np.unique(arr)) != len(arr):
        raise ValueError("Index values must be unique.")
    return arr


def _contents(contents: ContentsLike) -> list[tuple[str, Optional[list[str]]]]:
    if isinstance(contents, str):
        return [(contents, None)]
    if isinstance(contents, Mapping):
        out = []
        for expr, comps in contents.items():
            if not isinstance(expr, str):
                raise ValueError(f"contents keys must be entity path expressions (str), got {expr!r}")
            comps = [comps] if isinstance(comps, str) else list(comps)
            for c in comps:
                if not isinstance(c, str):
                    raise ValueError(f"components must be strings such as 'Points3D:positions', got {c!r}")
            out.append((expr, comps))
        return out
    if isinstance(contents, Sequence):
        for c in contents:
            if not isinstance(c, str):
                raise ValueError(f"contents must be entity path expressions (str), got {c!r}")
        return [(" ".join(contents), None)]
    raise ValueError(f"contents must be a str, a list of str or a dict from str to components, got {type(contents).__name__}")


def _schema_of(arrow_schema: Any) -> Schema:
    """The Schema of a dataframe schema (anything with __arrow_c_schema__), read by the C++ core."""
    index, comps = _core.schema_columns(arrow_schema)
    return Schema([IndexColumnDescriptor(n, t) for n, t in index], [ComponentColumnDescriptor(*c) for c in comps])


@dataclasses.dataclass(frozen=True)
class _Query:
    index: Optional[str]
    contents: tuple
    include_semantically_empty: bool = False
    include_tombstone: bool = False
    range: Optional[tuple[int, int]] = None
    filtered_values: Optional[np.ndarray] = None
    using_values: Optional[np.ndarray] = None
    is_not_null: Optional[str] = None
    fill: bool = False

    def kwargs(self) -> dict:
        """The query as the C++ core takes it."""
        return dict(index=self.index, contents=list(self.contents),
                    include_semantically_empty=self.include_semantically_empty,
                    include_tombstone=self.include_tombstone, range=self.range, filtered_values=self.filtered_values,
                    using_values=self.using_values, is_not_null=self.is_not_null, fill=self.fill)


class RecordingView:
    """A view of a recording: an index, a set of columns and row filters. Every method returns a new view."""

    def __init__(self, recording: "Recording", query: _Query):
        self._recording = recording
        self._query = query

    def _with(self, **changes) -> "RecordingView":
        return RecordingView(self._recording, dataclasses.replace(self._query, **changes))

    def _index_type(self) -> str:
        if self._query.index is None:
            raise ValueError("this view has no index (index=None): range filters need one")
        for c in self._recording.schema().index_columns():
            if c.name == self._query.index:
                return c.type
        return "sequence"

    def filter_range_sequence(self, start: int, end: int) -> "RecordingView":
        """Keep rows whose index is in [start, end] (both inclusive), for sequence timelines."""
        self._index_type()
        return self._with(range=(int(start), int(end)))

    def filter_range_nanos(self, start: int, end: int) -> "RecordingView":
        """Keep rows whose index is in [start, end] nanoseconds (both inclusive)."""
        self._index_type()
        return self._with(range=(int(start), int(end)))

    def filter_range_seconds(self, start: float, end: float) -> "RecordingView":
        """Keep rows whose index is in [start, end] seconds (both inclusive), for temporal timelines."""
        self._index_type()
        return self._with(range=(round(start * 1e9), round(end * 1e9)))

    filter_range_secs = filter_range_seconds

    def filter_index_values(self, values: Any) -> "RecordingView":
        """Keep only rows whose index is exactly one of these values."""
        return self._with(filtered_values=_index_values(values))

    def filter_is_not_null(self, column: Any) -> "RecordingView":
        """Keep only rows where this component column ("entity:component") has logged data."""
        name = column if isinstance(column, str) else getattr(column, "name", None)
        if not isinstance(name, str) or ":" not in name:
            raise ValueError(f"filter_is_not_null needs a column such as '/world/robot:Points3D:positions', got {column!r}")
        return self._with(is_not_null=name)

    def using_index_values(self, values: Any) -> "RecordingView":
        """Return exactly one row per given index value (combine with fill_latest_at to resample)."""
        return self._with(using_values=_index_values(values))

    def fill_latest_at(self) -> "RecordingView":
        """Fill empty cells with the latest value logged at or before the row's index."""
        return self._with(fill=True)

    def schema(self) -> pa.Schema:
        return self.select().schema

    def select(self, *args: Any, columns: Optional[Sequence[Any]] = None) -> pa.RecordBatchReader:
        """Run the query; returns a pyarrow.RecordBatchReader over the selected columns (all by default)."""
        if args and columns is not None:
            raise ValueError("pass the columns either as arguments or as columns=[...], not both")
        selection = list(args) if args else (list(columns) if columns is not None else None)
        if selection is not None and len(selection) == 1 and isinstance(selection[0], (list, tuple)):
            selection = list(selection[0])
        if selection is not None:
            selection = [c if isinstance(c, str) else c.name for c in selection]
        stream = self._recording._store.query(**self._query.kwargs(), selection=selection)
        return pa.RecordBatchReader.from_stream(stream)

    def select_static(self, *args: Any, columns: Optional[Sequence[Any]] = None) -> pa.RecordBatchReader:
        """One row holding the static data of the view (index columns excluded)."""
        static_view = RecordingView(self._recording, dataclasses.replace(self._query, index=None, range=None,
                                                                         filtered_values=None, using_values=None,
                                                                         is_not_null=None))
        if args or columns is not None:
            return static_view.select(*args, columns=columns)
        names = [c.name for c in _schema_of(static_view.select().schema).component_columns()]
        return static_view.select(columns=names)


class Recording:
    """One recording of an .rrd file, indexed for queries (chunks decode on demand)."""

    def __init__(self, path: str, store: Optional[Any] = None):
        self._path = path
        self._store = _core.Store(path, store)
        self._schema: Optional[Schema] = None

    def schema(self) -> Schema:
        if self._schema is None:
            index = [IndexColumnDescriptor(n, t) for n, t in self._store.index_columns()]
            comps = [ComponentColumnDescriptor(*c) for c in self._store.component_columns()]
            self._schema = Schema(index, comps)
        return self._schema

    def recording_id(self) -> str:
        return self._store.entry.recording_id

    def application_id(self) -> str:
        return self._store.entry.application_id

    def view(self, *, index: Optional[str], contents: ContentsLike = "/**",
             include_semantically_empty_columns: bool = False,
             include_tombstone_columns: bool = False) -> RecordingView:
        """A view on one index timeline (or None: static data only) over the given contents."""
        query = _Query(index, tuple(_contents(contents)), include_semantically_empty_columns,
                       include_tombstone_columns)
        self._store.output_schema(**query.kwargs())  # an unknown index or a malformed expression fails here
        return RecordingView(self, query)

    def __repr__(self) -> str:
        return f"Recording({self._path!r}, recording_id={self.recording_id()!r})"


class Archive:
    """All recordings (and blueprints) of an .rrd file."""

    def __init__(self, path: str):
        reader = _core.RrdReader(path)
        self._recordings = [Recording(path, e) for e in reader.recordings() + reader.blueprints()]

    def num_recordings(self) -> int:
        return len(self._recordings)

    def all_recordings(self) -> list[Recording]:
        return list(self._recordings)


def load_recording(path: Union[str, os.PathLike]) -> Recording:
    """Load the single recording of an .rrd file (ValueError if it holds more or none)."""
    path = os.fspath(path)
    reader = _core.RrdReader(path)
    recs = reader.recordings()
    if len(recs) != 1:
        raise ValueError(f"{path}: expected exactly one recording, found {len(recs)}; use load_archive()")
    return Recording(path, recs[0])


def load_archive(path: Union[str, os.PathLike]) -> Archive:
    """Load every recording and blueprint of an .rrd file."""
    return Archive(os.fspath(path))
