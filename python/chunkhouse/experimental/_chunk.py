"""Chunk: what the C++ core binds, plus the checked argument handling of Rerun's wrapper."""

import operator as _operator

from .._core import Chunk

__all__ = ["Chunk"]


def _check_bool(name, value):
    # Rerun's binding takes only real booleans (numpy's included) for its flags.
    if isinstance(value, bool) or type(value).__name__ == "bool" and type(value).__module__ == "numpy":
        return bool(value)
    # PyO3's wording, which names None by its repr rather than its type.
    what = "'None'" if value is None else f"'{type(value).__name__}' object"
    raise TypeError(f"argument '{name}': {what} is not an instance of 'bool'")


def _format(self, *, width: int = 240, redact: bool = False, trim_metadata_keys: bool = True) -> str:
    """
    Format this chunk as a human-readable table string.

    Parameters
    ----------
    width:
        Fixed width for the table. Default: 240.
    redact:
        If True, redact non-deterministic values (RowIds, ChunkIds, etc.)
        for stable snapshot testing. Default: False.
    trim_metadata_keys:
        If True, trim the `rerun:` / `sorbet:` prefix from metadata keys.
        Default: True.

    """
    try:
        width = _operator.index(width)
    except TypeError as err:
        raise TypeError(f"argument 'width': {err}") from None
    if width < 0:
        raise OverflowError("can't convert negative int to unsigned")
    if width >= 1 << 64:
        raise OverflowError("int too big to convert")
    return self._format(width, _check_bool("redact", redact), _check_bool("trim_metadata_keys", trim_metadata_keys))


def _str(self) -> str:
    return self.format()


_format.__name__ = "format"
_format.__qualname__ = "Chunk.format"
_str.__name__ = "__str__"
_str.__qualname__ = "Chunk.__str__"
Chunk.format = _format
Chunk.__str__ = _str


# ------------------------------------------------------------------------------------------------
# Chunk constructors: from_columns, from_record_batch, from_dataframe, and to_record_batch.
# (The work is done in C++: chunkhouse/chunk/from_columns.h, from_dataframe.h.)
# ------------------------------------------------------------------------------------------------

from .. import _core as _core_module  # noqa: E402


class _AutoIndex:
    """The default of `index=`: index columns are those the batch's metadata marks."""

    def __repr__(self) -> str:
        return "AUTO_INDEX"


AUTO_INDEX = _AutoIndex()


def _column_args(indexes, columns) -> tuple[list, list]:
    """(timelines, components) for the core: [(name, array)], [(component, archetype, type, array)],
    all columns checked to have one length; a repeated timeline name or descriptor keeps its first
    place and its last value (as a dict would)."""
    expected = None
    timelines: dict = {}
    for index in indexes:
        name = index.timeline_name()
        times = index.as_arrow_array()
        if expected is None:
            expected = len(times)
        elif len(times) != expected:
            raise ValueError(f"All columns must have the same length. Expected {expected} "
                             f"but timeline '{name}' has {len(times)}.")
        timelines[name] = times
    components: dict = {}
    for column in columns:
        descriptor = column.component_descriptor()
        values = column.as_arrow_array()
        if expected is None:
            expected = len(values)
        elif len(values) != expected:
            raise ValueError(f"All columns must have the same length. Expected {expected} "
                             f"but component '{descriptor}' has {len(values)}.")
        components[descriptor] = values
    return (list(timelines.items()),
            [(d.component, d.archetype, d.component_type, a) for d, a in components.items()])


def _from_columns(cls, entity_path: str, indexes, columns) -> Chunk:
    """
    Create a Chunk from columns, as `send_columns` would log them.

    A fresh chunk ID and sequential row IDs are generated. Rows are sorted by their times (the
    timelines taken in name order), so unsorted input comes out in time order.

    Parameters
    ----------
    entity_path:
        The entity path for this chunk (e.g. "/camera/image").
    indexes:
        The time columns: `TimeColumn`s, or anything with `timeline_name()` and `as_arrow_array()`
        (int64, timestamp[ns] or duration[ns]). An empty iterable makes a static chunk.
    columns:
        The component columns: `ComponentColumn`s (e.g. from `Points3D.columns(...)`), or anything
        with `component_descriptor()` and `as_arrow_array()`.

    Raises
    ------
    ValueError
        If the columns do not all have the same length, or a timeline name is empty.
    RuntimeError
        If a timeline's type is not a time type or it holds nulls, or a component name is empty.

    Example
    -------
    ```python
    chunk = Chunk.from_columns(
        "/robots/arm",
        indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
        columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    )
    ```
    """
    timelines, components = _column_args(indexes, columns)
    return _core_module.chunk_from_parts(entity_path, timelines, components)


def _index_mode(index) -> tuple[str, list[str]]:
    if isinstance(index, _AutoIndex):
        return "auto", []
    if index is None:
        return "static", []
    if isinstance(index, str):
        return "columns", [index]
    return "columns", list(index)


def _from_record_batch(cls, record_batch, *, index=AUTO_INDEX, entity_path=None):
    """
    Create chunks from a pyarrow RecordBatch.

    Two forms:

    * `Chunk.from_record_batch(batch)` (the documented form of seed/0.33): the batch must be a
      complete Rerun chunk batch, as `to_record_batch()` makes it (row-id column, `rerun:id` and
      `rerun:entity_path` schema metadata, classified columns). Returns ONE `Chunk`, its chunk id
      and row ids preserved. Anything missing raises `ValueError`.
    * With `index=` and/or `entity_path=` (Rerun 0.36): the batch is read as a dataframe and a
      `list[Chunk]` is returned, one per entity path in first-seen column order, with fresh ids.
      `index` is a column name or a list of them (those columns are the timelines: int64 →
      sequence, timestamp[ns] → timestamp, duration[ns] → duration), or None for static data.
      A component column's entity is its `rerun:entity_path` metadata, else the batch's, else the
      `/entity:component` name convention, else `entity_path`, else `/`. Non-list component
      columns are wrapped into one-element lists; rows keep their order.

    Raises
    ------
    ValueError
        If the batch cannot be read as asked (see above).
    """
    if isinstance(index, _AutoIndex) and entity_path is None:
        return _core_module.chunk_from_record_batch(record_batch)
    mode, names = _index_mode(index)
    return _core_module.chunks_from_dataframe_batch(record_batch, mode, names, entity_path)


def _from_dataframe(cls, dataframe, *, index=AUTO_INDEX, entity_path=None):
    """
    Chunks of every record batch of a dataframe (Rerun 0.36): a pyarrow Table, RecordBatch,
    RecordBatchReader, or anything with `__arrow_c_stream__` (e.g. a datafusion DataFrame).
    Each batch is read as `from_record_batch(batch, index=..., entity_path=...)` reads one with
    those arguments (always the 0.36 dataframe reading, so a list per batch). Returns an iterator;
    a wrong type raises `TypeError` at once.
    """
    import pyarrow as pa  # noqa: PLC0415

    if isinstance(dataframe, pa.RecordBatchReader):
        reader = dataframe
    elif isinstance(dataframe, pa.Table):
        reader = dataframe.to_reader()
    elif isinstance(dataframe, pa.RecordBatch):
        reader = pa.RecordBatchReader.from_batches(dataframe.schema, [dataframe])
    elif hasattr(dataframe, "__arrow_c_stream__"):
        reader = pa.RecordBatchReader.from_stream(dataframe)
    else:
        raise TypeError("Expected a pyarrow Table, pyarrow RecordBatch, pyarrow RecordBatchReader, or an "
                        f"Arrow-C-stream object (e.g. a datafusion DataFrame), got {type(dataframe).__name__}")
    mode, names = _index_mode(index)

    def chunks():
        for batch in reader:
            yield from _core_module.chunks_from_dataframe_batch(batch, mode, names, entity_path)

    return chunks()


def _from_property(cls, name: str, values) -> Chunk:
    """
    A static one-row chunk at `/__properties/<name>` holding every given batch in that row, as
    `send_property` logs a recording property (Rerun 0.36). `values` is an archetype-like object
    (`as_component_batches()`, e.g. `AnyValues(...)`) or an iterable of described batches.
    """
    from collections.abc import Iterable  # noqa: PLC0415

    if hasattr(values, "as_component_batches"):
        batches = values.as_component_batches()
    elif isinstance(values, Iterable):
        batches = values
    else:
        raise TypeError(f"Expected AsComponents or an iterable of DescribedComponentBatch, got {type(values).__name__}")
    components: dict = {}
    for batch in batches:
        components[batch.component_descriptor()] = batch.as_arrow_array()
    return _core_module.chunk_from_property(
        name, [(d.component, d.archetype, d.component_type, a) for d, a in components.items()])


def _to_record_batch(self):
    """Convert this chunk to a pyarrow RecordBatch: RowId, then timelines, then components, with
    Rerun's column and schema metadata (`rerun:id`, `rerun:entity_path`, `sorbet:version`)."""
    import pyarrow as pa  # noqa: PLC0415

    return pa.record_batch(self)


for _name, _fn in [("from_columns", _from_columns), ("from_record_batch", _from_record_batch),
                   ("from_dataframe", _from_dataframe), ("from_property", _from_property)]:
    _fn.__name__ = _name
    _fn.__qualname__ = f"Chunk.{_name}"
    setattr(Chunk, _name, classmethod(_fn))
_to_record_batch.__name__ = "to_record_batch"
_to_record_batch.__qualname__ = "Chunk.to_record_batch"
Chunk.to_record_batch = _to_record_batch


# -- lenses and selectors (Chunk.apply_lenses / apply_selector) ------------------------------------


def _apply_lenses(self, lenses) -> list:
    """
    Apply one or more lenses to this chunk: the chunk at its own entity (columns no lens read,
    mutated columns, same-entity derived columns) if anything is left of it, then one chunk per
    other derive. The chunk itself comes back when no lens applies. Errors raise `ValueError`.
    """
    from ._lens import compiled

    return compiled(lenses).apply(self)


def _apply_selector(self, source, selector) -> "Chunk":
    """
    Apply a selector to one component (a `ComponentDescriptor` or identifier), row by row: a new
    chunk with that column replaced (its descriptor kept) and everything else unchanged.
    Errors raise `ValueError`.
    """
    from .._selector import Selector

    if not isinstance(source, str) and hasattr(source, "component"):
        source = source.component
    if isinstance(selector, str):
        selector = Selector(selector)
    return _core_apply_selector(self, source, selector._internal)


from .._core import apply_selector as _core_apply_selector  # noqa: E402

_apply_lenses.__name__ = "apply_lenses"
_apply_lenses.__qualname__ = "Chunk.apply_lenses"
_apply_selector.__name__ = "apply_selector"
_apply_selector.__qualname__ = "Chunk.apply_selector"
Chunk.apply_lenses = _apply_lenses
Chunk.apply_selector = _apply_selector
