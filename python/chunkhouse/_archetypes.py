"""Archetypes' column helpers: `Points3D.columns(positions=..., colors=...)`,
`Scalars.descriptor_scalars()`, ... with rerun-sdk's descriptors and Arrow types (from the generated
_archetype_table) and its way of cutting values into rows:

* a field whose values are primitive or fixed-size lists is cut by the shape of what was given:
  one row per entry of the outermost dimension (`[[1, 2, 3], [4, 5, 6]]` positions are two rows of
  one point; a (2, 5, 3) array two rows of five points; `[1.0, 2.0]` scalars two rows of one);
* any other field (strings, structs) has one row per value.

Call `.partition(lengths=[...])` on the result to cut the rows otherwise.
"""

from __future__ import annotations

import inspect

import numpy as np
import pyarrow as pa

from ._archetype_table import ARCHETYPES
from ._columns import ComponentColumn, ComponentColumnList, ComponentDescriptor
from ._convert import arrow_type, convert, logged, make_enum

__all__ = ["Archetype", "Points3D", "Scalars", "TextLog", "Transform3D", "ENUMS"]


class _Field:
    def __init__(self, archetype: str, entry: dict) -> None:
        self.name = entry["field"]
        self.descriptor = ComponentDescriptor(entry["component"], archetype, entry["component_type"])
        self.arrow_type = arrow_type(entry["arrow_type"])
        self.encoding = entry["encoding"]
        short_type = entry["component_type"].rsplit(".", 1)[-1]
        self.batch_name = f"{short_type}Batch"  # how rerun-sdk names the conversion in its warnings
        self.enum = ENUMS.setdefault(short_type, make_enum(short_type, entry["enum"])) if entry["enum"] else None

    def convert(self, data) -> pa.Array:
        """The values as an Arrow array; on failure a warning and an empty array (as rerun-sdk)."""
        with logged(self.batch_name):
            return convert(self.encoding, data, self.arrow_type, self.enum)
        return pa.array([], type=self.arrow_type)

    def row_lengths(self, given, array: pa.Array) -> np.ndarray:
        t = array.type
        if not (pa.types.is_primitive(t) or pa.types.is_fixed_size_list(t)):
            return np.ones(len(array))
        shape = np.shape(given)
        rows = shape[0] if len(shape) >= 1 else 1
        if pa.types.is_fixed_size_list(t):
            per_value = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            per_row = 1 if t.list_size == per_value else (shape[1] if len(shape) > 1 else 1)
        else:
            per_row = len(array) // rows if rows > 0 else 1
        return per_row * np.ones(rows)


class _Batch:
    """Converted values of one field (what a column partitions)."""

    def __init__(self, array: pa.Array) -> None:
        self._array = array

    def as_arrow_array(self) -> pa.Array:
        return self._array


class Archetype:
    """An archetype: a named bundle of component fields (see `columns`)."""

    _NAME: str = ""
    _FIELDS: tuple[_Field, ...] = ()

    @classmethod
    def archetype(cls) -> str:
        """The full archetype name, e.g. `rerun.archetypes.Points3D`."""
        return cls._NAME

    @classmethod
    def archetype_short_name(cls) -> str:
        return cls._NAME.rsplit(".", 1)[-1]

    @classmethod
    def _columns(cls, given: dict) -> ComponentColumnList:
        fields = {f.name: f for f in cls._FIELDS}
        for name in given:
            if name not in fields:
                raise TypeError(f"{cls.__name__}.columns() got an unexpected keyword argument '{name}'")
        converted = []
        with logged(cls.__name__):
            for f in cls._FIELDS:
                value = given.get(f.name)
                if value is not None:
                    converted.append((f, value, f.convert(value)))
        columns = []
        for f, value, array in converted:
            columns.append(ComponentColumn(f.descriptor, _Batch(array), lengths=f.row_lengths(value, array)))
        return ComponentColumnList(columns)


ENUMS: dict[str, type] = {}


def _make_archetype(name: str) -> type[Archetype]:
    entry = ARCHETYPES[name]
    fields = tuple(_Field(entry["archetype"], f) for f in entry["fields"])
    cls = type(name, (Archetype,), {"_NAME": entry["archetype"], "_FIELDS": fields, "__module__": "chunkhouse",
                                    "__doc__": f"**Archetype** `{entry['archetype']}`: column helpers and descriptors."})

    def columns(klass, **kwargs) -> ComponentColumnList:
        return klass._columns(kwargs)

    columns.__name__ = "columns"
    columns.__qualname__ = f"{name}.columns"
    columns.__doc__ = (f"Columns of {name} data, one `ComponentColumn` per field given (fields: "
                       f"{', '.join(f.name for f in fields)}), cut into rows as the module explains. "
                       "Use `.partition(lengths)` on the result to cut them otherwise.")
    columns.__signature__ = inspect.Signature(
        [inspect.Parameter("cls", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None) for f in fields])
    cls.columns = classmethod(columns)
    for f in fields:
        cls_descriptor = _descriptor_getter(f, name)
        setattr(cls, cls_descriptor.__name__, staticmethod(cls_descriptor))
    return cls


def _descriptor_getter(f: _Field, archetype: str):
    def descriptor() -> ComponentDescriptor:
        return f.descriptor

    descriptor.__name__ = f"descriptor_{f.name}"
    descriptor.__qualname__ = f"{archetype}.descriptor_{f.name}"
    descriptor.__doc__ = f"The descriptor of `{f.descriptor.component}` ({f.descriptor.component_type})."
    return descriptor


Points3D = _make_archetype("Points3D")
Scalars = _make_archetype("Scalars")
TextLog = _make_archetype("TextLog")
Transform3D = _make_archetype("Transform3D")
