"""A client for catalog servers speaking Rerun's protocol (chunkhouse's or Rerun's own), with
the API of `rerun.catalog` as the seeds show it (000-002).

    client = chunkhouse.catalog.CatalogClient("rerun+http://localhost:51234")
    dataset = client.create_dataset(name="oss_demo")
    dataset.register([f"file://{path}"]).wait()
    df = dataset.reader(index="frame_nr", fill_latest_at=True)   # datafusion.DataFrame

The server selects and sends the chunks; chunkhouse's engine then queries each segment (in C++,
on all cores) and stacks the rows with a `rerun_segment_id` column. Errors are the classes of
`chunkhouse.errors` (NotFoundError and AlreadyExistsError are also here, as in Rerun's client).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional, Sequence, Union

import pyarrow as pa

from . import _core
from .dataframe import _contents, _index_values, _schema_of
from .errors import AlreadyExistsError, NotFoundError

__all__ = ["AlreadyExistsError", "CatalogClient", "DataframeQueryView", "DatasetEntry", "DatasetView",
           "NotFoundError", "RegistrationHandle", "RegistrationResult", "UnregistrationHandle"]


def _datafusion_frame(table: pa.Table, client: "CatalogClient"):
    return client.ctx.from_arrow(table)


@dataclasses.dataclass(frozen=True)
class RegistrationResult:
    segment_ids: list[str]


class RegistrationHandle:
    """Registration tasks in flight; `wait()` until they are done."""

    def __init__(self, conn, rows):
        self._conn = conn
        self._rows = rows  # (segment id, storage url, task id)

    def wait(self, timeout_secs: Optional[float] = None) -> RegistrationResult:
        tasks = sorted({t for _, _, t in self._rows})
        results = self._conn.wait(tasks, float(timeout_secs if timeout_secs is not None else 3600))
        failed = [(t, msg) for t, status, msg in results if status != "success"]
        missing = set(tasks) - {t for t, _, _ in results}
        if failed or missing:
            lines = [f"{t}: {msg}" for t, msg in failed] + [f"{t}: completed without a result" for t in missing]
            raise ValueError("Registration failed.\nThe following segments failed:\n" + "\n".join(lines))
        return RegistrationResult([s for s, _, _ in self._rows if s])

    def iter_results(self, timeout_secs: Optional[float] = None):
        yield from self.wait(timeout_secs).segment_ids


class UnregistrationHandle:
    """An unregistration in flight; `wait()` until it is done."""

    def __init__(self, conn, task: str):
        self._conn = conn
        self._task = task

    def wait(self, timeout_secs: Optional[float] = None) -> None:
        if not self._task:
            return
        results = self._conn.wait([self._task], float(timeout_secs if timeout_secs is not None else 3600))
        failed = [msg for _, status, msg in results if status != "success"]
        if failed:
            raise ValueError("Unregistration failed: " + "; ".join(failed))


class _Reading:
    """What a dataset and its views share: schema, segment and content filters, readers."""

    _entry: "DatasetEntry"
    _segments: Optional[list[str]] = None
    _contents: Optional[list[str]] = None

    def schema(self):
        """The dataset's columns: its timelines and its (entity, component) columns."""
        return _schema_of(self._entry._conn.schema(self._entry.id))

    def segment_ids(self) -> list[str]:
        ids = self._entry._conn.segment_ids(self._entry.id)
        return [s for s in ids if self._segments is None or s in self._segments]

    def filter_segments(self, segment_ids: Sequence[str]) -> "DatasetView":
        ids = [segment_ids] if isinstance(segment_ids, str) else list(segment_ids)
        if self._segments is not None:
            ids = [s for s in ids if s in self._segments]
        return DatasetView(self._entry, ids, self._contents)

    def filter_contents(self, exprs: Union[str, Sequence[str]]) -> "DatasetView":
        exprs = [exprs] if isinstance(exprs, str) else list(exprs)
        return DatasetView(self._entry, self._segments, (self._contents or []) + exprs)

    def _table(self, index: Optional[str], contents: Any, fill: bool, using: Any = None,
               range_: Optional[tuple[int, int]] = None, include_semantically_empty_columns: bool = False,
               include_tombstone_columns: bool = False) -> pa.Table:
        per_segment = None
        if isinstance(using, dict):  # {segment id: values}: rows only for those segments
            per_segment = {str(k): _index_values(v) for k, v in using.items()}
            using = None
        stream = self._entry._conn.query(
            self._entry.id, self._segments, per_segment, index=index, contents=contents, fill=fill, range=range_,
            using_values=None if using is None else _index_values(using),
            include_semantically_empty=include_semantically_empty_columns, include_tombstone=include_tombstone_columns)
        return pa.RecordBatchReader.from_stream(stream).read_all()

    def reader(self, index: Optional[str], *, fill_latest_at: bool = False, using_index_values: Any = None,
               include_semantically_empty_columns: bool = False, include_tombstone_columns: bool = False):
        """All segments (or the filtered ones) as one datafusion.DataFrame with a rerun_segment_id column."""
        contents = _contents(" ".join(self._contents) if self._contents is not None else "/**")
        return _datafusion_frame(self._table(index, contents, fill_latest_at, using_index_values, None,
                                             include_semantically_empty_columns, include_tombstone_columns),
                                 self._entry._client)

    def dataframe_query_view(self, *, index: str, contents: Any = "/**") -> "DataframeQueryView":
        """The older view API (seed 000): filter_partition_id, filter_range_nanos, fill_latest_at, df()."""
        return DataframeQueryView(self, index, _contents(contents))


class DatasetView(_Reading):
    """A dataset restricted to some segments and/or entities. Filters chain."""

    def __init__(self, entry: "DatasetEntry", segments: Optional[list[str]], contents: Optional[list[str]]):
        self._entry = entry
        self._segments = segments
        self._contents = contents


class DatasetEntry(_Reading):
    """A dataset on the server."""

    def __init__(self, client: "CatalogClient", id: str, name: str):
        self._client = client
        self._conn = client._conn
        self._entry = self
        self.id = id
        self.name = name

    def register(self, urls: Union[str, Sequence[str]], *, on_duplicate: str = "error") -> RegistrationHandle:
        """Register file:// URLs of .rrd files (or directories of them); one segment per recording."""
        urls = [urls] if isinstance(urls, str) else list(urls)
        for u in urls:
            if not u.startswith("file://"):
                raise ValueError(f"expected a file:// URL, got {u!r} (use Path(...).resolve().as_uri())")
        return RegistrationHandle(self._conn, self._conn.register(self.id, urls, on_duplicate))

    def unregister(self, *, segments_to_drop: Union[str, Sequence[str]] = (),
                   layers_to_drop: Union[str, Sequence[str]] = ()) -> "UnregistrationHandle":
        """Drops registrations: the given layers of the given segments (an empty list means all of
        them; not both empty). Dropping what is not registered does nothing."""
        segments = [segments_to_drop] if isinstance(segments_to_drop, str) else list(segments_to_drop)
        layers = [layers_to_drop] if isinstance(layers_to_drop, str) else list(layers_to_drop)
        return UnregistrationHandle(self._conn, self._conn.unregister(self.id, segments, layers))

    def segment_table(self):
        """One row per segment (id, layers, storage URLs, chunks, size, properties and the time
        range on each timeline) as a datafusion.DataFrame."""
        table = pa.RecordBatchReader.from_stream(self._conn.segment_table(self.id)).read_all()
        return _datafusion_frame(table, self._client)

    def set_name(self, name: str) -> None:
        """Renames the dataset; the name must not be taken."""
        self.id, self.name = self._conn.rename_dataset(self.id, name)

    def register_batch(self, urls: Sequence[str], *, on_duplicate: str = "error") -> RegistrationHandle:
        """Register several URLs in one request (the older name of register([...]))."""
        return self.register(list(urls), on_duplicate=on_duplicate)

    def delete(self) -> None:
        self._conn.delete_dataset(self.id)

    def __repr__(self) -> str:
        return f"DatasetEntry(name={self.name!r}, id={self.id!r})"


class DataframeQueryView:
    """The pre-0.28 query view of seed 000, answered by the same engine as reader()."""

    def __init__(self, source: _Reading, index: str, contents, segments=None, range_=None, fill=False):
        self._source, self._index, self._contents = source, index, contents
        self._segments, self._range, self._fill = segments, range_, fill

    def _with(self, **kw) -> "DataframeQueryView":
        args = dict(source=self._source, index=self._index, contents=self._contents, segments=self._segments,
                    range_=self._range, fill=self._fill)
        args.update(kw)
        return DataframeQueryView(**args)

    def filter_partition_id(self, *ids: Union[str, Sequence[str]]) -> "DataframeQueryView":
        flat = [i for x in ids for i in ([x] if isinstance(x, str) else x)]
        return self._with(segments=flat)

    filter_segment_id = filter_partition_id

    def filter_range_nanos(self, start: int, end: int) -> "DataframeQueryView":
        return self._with(range_=(int(start), int(end)))

    filter_range_sequence = filter_range_nanos

    def filter_range_secs(self, start: float, end: float) -> "DataframeQueryView":
        return self._with(range_=(round(start * 1e9), round(end * 1e9)))

    def fill_latest_at(self) -> "DataframeQueryView":
        return self._with(fill=True)

    def df(self):
        source = self._source.filter_segments(self._segments) if self._segments is not None else self._source
        return _datafusion_frame(source._table(self._index, self._contents, self._fill, None, self._range),
                                 source._entry._client)


class CatalogClient:
    """Connects to a catalog server: rerun+http://host:port."""

    def __init__(self, address: str, token: Optional[str] = None):
        self._address = address
        self._conn = _core.CatalogConnection(address)
        self._ctx = None
        try:  # made up front, as Rerun's client does, so the first reader does not pay for it
            import datafusion  # noqa: PLC0415

            self._ctx = datafusion.SessionContext()
        except ImportError:
            pass

    @property
    def ctx(self):
        """The datafusion.SessionContext the readers' DataFrames belong to (one per client)."""
        if self._ctx is None:
            import datafusion  # noqa: PLC0415  (optional: only the readers need it)

            self._ctx = datafusion.SessionContext()
        return self._ctx

    def datasets(self) -> list[DatasetEntry]:
        return [DatasetEntry(self, i, n) for i, n in self._conn.datasets(None)]

    def dataset_names(self) -> list[str]:
        return [n for _, n in self._conn.datasets(None)]

    def create_dataset(self, name: str, *, exist_ok: bool = False) -> DatasetEntry:
        try:
            return DatasetEntry(self, *self._conn.create_dataset(name))
        except AlreadyExistsError:
            if exist_ok:
                return self.get_dataset(name)
            raise

    def get_dataset(self, name: Optional[str] = None, *, id: Optional[str] = None) -> DatasetEntry:
        if id is not None:
            return DatasetEntry(self, *self._conn.read_dataset(id))
        found = self._conn.datasets(name)
        if not found:
            raise LookupError(f"No dataset found with name {name!r}")
        return DatasetEntry(self, *self._conn.read_dataset(found[0][0]))

    def get_dataset_entry(self, name: Optional[str] = None, *, id: Optional[str] = None) -> DatasetEntry:
        return self.get_dataset(name, id=id)

    def delete_dataset(self, name: str) -> None:
        self.get_dataset(name).delete()

    def __repr__(self) -> str:
        return f"CatalogClient({self._address!r})"
