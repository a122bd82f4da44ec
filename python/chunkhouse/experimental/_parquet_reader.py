"""ParquetReader and IndexColumn, mirroring `rerun.experimental` (Rerun 0.36.2, and the seed's
0.33 form with the options on the constructor). The reading runs in C++
(src/chunkhouse/parquet); behaviour and error texts: notes/parquet.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Sequence, Union

from .. import _core
from ._stream import LazyChunkStream

_UNSET = object()


@dataclass(frozen=True)
class IndexColumn:
    """A Parquet column to read as a timeline. `input_unit` says what the stored integers count
    ("ns", "us", "ms" or "s"); Rerun stores nanoseconds."""

    path: str
    kind: Literal["timestamp", "duration", "sequence"]
    input_unit: Optional[str] = None

    @staticmethod
    def timestamp(path: str, *, input_unit: str = "ns") -> IndexColumn:
        """Time since the epoch."""
        return IndexColumn(path, "timestamp", input_unit)

    @staticmethod
    def duration(path: str, *, input_unit: str = "ns") -> IndexColumn:
        """Elapsed time."""
        return IndexColumn(path, "duration", input_unit)

    @staticmethod
    def sequence(path: str) -> IndexColumn:
        """An ordinal integer index."""
        return IndexColumn(path, "sequence", None)

    def _as_internal_tuple(self) -> tuple:
        return (self.path, self.kind, self.input_unit)


def _index_tuple(entry) -> tuple:
    if isinstance(entry, IndexColumn):
        return entry._as_internal_tuple()
    if isinstance(entry, tuple) and len(entry) in (2, 3):  # the seed's (name, type[, unit]) form
        return (entry[0], entry[1], entry[2] if len(entry) == 3 else None)
    return entry._as_internal_tuple()  # Rerun's own IndexColumn, or its AttributeError


class ParquetReader:
    """Read chunks from a Parquet file.

    The reader turns raw Parquet columns into grouped, time-indexed chunks of struct/scalar
    components; map struct fields into archetypes by applying lenses to `.stream()`."""

    def __init__(self, path: Union[str, Path], *, entity_path_prefix: Optional[str] = None,
                 column_grouping: str = "prefix", delimiter: str = "_", prefixes: Optional[list[str]] = None,
                 use_structs: bool = True, static_columns: Optional[list[str]] = None,
                 index_columns: Optional[Sequence] = None, column_rules: Optional[Sequence] = None):
        if not Path(path).exists():
            raise FileNotFoundError(f"Parquet file not found: {path}")
        if column_rules:
            raise NotImplementedError(
                "ParquetReader(column_rules=...) (Rerun 0.33's ColumnRule) is not supported; apply a DeriveLens "
                "(to_translation, to_quaternion, to_scalars, ...) to the stream instead")
        self._path = Path(str(path))
        # The seed's form: options given here are the defaults of stream().
        self._defaults = dict(entity_path_prefix=entity_path_prefix, column_grouping=column_grouping,
                              delimiter=delimiter, prefixes=prefixes, use_structs=use_structs,
                              static_columns=static_columns, index_columns=index_columns)

    @property
    def path(self) -> Path:
        """The file path of the Parquet file."""
        return self._path

    def stream(self, *, entity_path_prefix=_UNSET, column_grouping=_UNSET, delimiter=_UNSET, prefixes=_UNSET,
               use_structs=_UNSET, static_columns=_UNSET, index_columns=_UNSET) -> LazyChunkStream:
        """A lazy stream over all chunks of the file: its key-value metadata at /__properties,
        then for each 1,024-row batch one chunk per column group, then the static columns.
        The options are checked against the file now (ValueError); a static column that varies
        raises when the stream runs."""
        given = dict(entity_path_prefix=entity_path_prefix, column_grouping=column_grouping, delimiter=delimiter,
                     prefixes=prefixes, use_structs=use_structs, static_columns=static_columns,
                     index_columns=index_columns)
        o = {k: (self._defaults[k] if v is _UNSET else v) for k, v in given.items()}
        if not isinstance(o["delimiter"], str) or len(o["delimiter"]) != 1:
            raise ValueError("expected a string of length 1")
        index = [_index_tuple(e) for e in (o["index_columns"] or [])]
        inner = _core.parquet_stream(str(self._path), o["entity_path_prefix"], o["column_grouping"], o["delimiter"],
                                     None if o["prefixes"] is None else list(o["prefixes"]), bool(o["use_structs"]),
                                     list(o["static_columns"] or []), index)
        return LazyChunkStream(inner)

    def __repr__(self) -> str:
        return f"ParquetReader({self._path})"
