"""`Selector`: Rerun's jq-like query language over Arrow arrays, as `rerun.experimental.Selector`.

The language and its evaluation are C++ (`chunkhouse._core.Selector`); this class gives it the
exact Python shape of Rerun's: its methods, its pickling (by canonical text), and `pipe` accepting
another `Selector` or any callable `pyarrow.Array -> pyarrow.Array | None`.

    sel = Selector(".poses[].x").pipe(lambda a: pyarrow.compute.multiply(a, 2))
    sel.execute_per_row(list_array)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core import Selector as _SelectorCore

if TYPE_CHECKING:
    from collections.abc import Callable

    import pyarrow as pa

__all__ = ["Selector"]


class Selector:
    """A jq-like query over Arrow arrays: `.field`, `[]`, `[N]`, `?`, `!`, `|`, `map(...)`, `pack(...)`.

    Parse errors raise `ValueError`; errors while executing raise `RuntimeError`.
    """

    _internal: _SelectorCore

    def __init__(self, query: str) -> None:
        self._internal = _SelectorCore(query)

    def execute(self, source: pa.Array) -> pa.Array | None:
        """The selector on the whole array; `None` when the result is suppressed."""
        return self._internal.execute(source)

    def execute_per_row(self, source: pa.Array) -> pa.Array | None:
        """The selector on each row of a `ListArray`: a list array with one row per input row."""
        return self._internal.execute_per_row(source)

    def pipe(self, func: Callable[[pa.Array], pa.Array | None] | Selector) -> Selector:
        """A new selector feeding this one's output to `func` (a callable or another `Selector`)."""
        new = Selector.__new__(Selector)
        new._internal = self._internal.pipe(func._internal if isinstance(func, Selector) else func)
        return new

    def __repr__(self) -> str:
        return repr(self._internal)

    def __str__(self) -> str:
        return str(self._internal)

    def __reduce__(self) -> tuple[type[Selector], tuple[str]]:
        query = self._internal.try_to_string()
        if query is None:
            raise TypeError(
                "Cannot pickle Selector containing a Python callable from .pipe(); "
                "pass a Selector to .pipe() instead, or use a pure-string selector.",
            )
        return (type(self), (query,))
