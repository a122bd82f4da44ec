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


# -- lenses and selectors (Chunk.apply_lenses / apply_selector) ------------------------------------


def _apply_lenses(self, lenses) -> list:
    """
    Apply one or more lenses to this chunk: the chunk at its own entity (columns no lens read,
    mutated columns, same-entity derived columns) if anything is left of it, then one chunk per
    other derive. The chunk itself comes back when no lens applies. Errors raise `ValueError`.
    """
    from ._lens import internals

    return _core_lens_set(internals(lenses)).apply(self)


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


from .._core import LensSet as _core_lens_set, apply_selector as _core_apply_selector  # noqa: E402

_apply_lenses.__name__ = "apply_lenses"
_apply_lenses.__qualname__ = "Chunk.apply_lenses"
_apply_selector.__name__ = "apply_selector"
_apply_selector.__qualname__ = "Chunk.apply_selector"
Chunk.apply_lenses = _apply_lenses
Chunk.apply_selector = _apply_selector
