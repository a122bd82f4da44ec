"""Components of any name and type: `DynamicArchetype.columns(archetype=..., components={...})`.

Values are converted as rerun-sdk converts them: an Arrow array as it is; anything with
`as_arrow_array()` through it; else by pyarrow (`pa.array`, then `pa.scalar`, then through numpy).
For columns, the outermost dimension is the rows: `[1, 2, 3]` is three rows of one value,
`[[1, 2], [3]]` two rows. Like rerun-sdk, the Arrow type first inferred for a descriptor is
remembered for the process and used for later values of it (a different type warns).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sized
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ._columns import ComponentColumn, ComponentColumnList, ComponentDescriptor
from ._convert import RerunWarning, logged

__all__ = ["AnyBatchValue", "AnyValues", "DescribedComponentBatch", "DynamicArchetype"]


@dataclass(frozen=True)
class ArrowTypeOnly:
    pa_type: pa.DataType


@dataclass(frozen=True)
class NumpyArrowType:
    np_type: Any
    pa_type: pa.DataType


class _TypeRegistry:
    def __init__(self) -> None:
        self._types: dict[ComponentDescriptor, ArrowTypeOnly | NumpyArrowType] = {}

    def get(self, descriptor, *, expect_column: bool = False):
        known = self._types.get(descriptor)
        if known is not None and expect_column:
            return ArrowTypeOnly(pa.list_(known.pa_type))  # stored without the row dimension
        return known

    def register(self, descriptor, inferred, *, expect_column: bool = False) -> None:
        if expect_column and pa.types.is_list(inferred.pa_type):
            inferred = ArrowTypeOnly(inferred.pa_type.value_type)
        known = self._types.get(descriptor)
        if known is not None and known != inferred:
            warnings.warn(f"Type for '{descriptor}' changed from {known} to {inferred}. "
                          "Rerun requires that a given component only takes on a single type.",
                          RerunWarning, stacklevel=4)
        self._types[descriptor] = inferred


_REGISTRY = _TypeRegistry()


def _parse(value, known):
    """(array, inferred type) of a plain Python/numpy value."""
    pa_type = known.pa_type if known is not None else None
    np_type = known.np_type if isinstance(known, NumpyArrowType) else None
    if hasattr(value, "__dlpack__"):
        try:
            array = pa.array(np.from_dlpack(value), type=pa_type)
            return array, ArrowTypeOnly(array.type)
        except (pa.ArrowInvalid, TypeError, BufferError):
            pass
    if not isinstance(value, (str, bytes)):
        try:
            array = pa.array(value, type=pa_type)
            return array, ArrowTypeOnly(array.type)
        except (pa.ArrowInvalid, TypeError):
            pass
    try:
        array = pa.array([pa.scalar(value)], type=pa_type)
        return array, ArrowTypeOnly(array.type)
    except (pa.ArrowInvalid, TypeError):
        pass
    np_value = np.atleast_1d(np.asarray(value, dtype=np_type))
    try:
        array = pa.array(np_value, type=pa_type)
    except pa.lib.ArrowInvalid as err:
        raise ValueError(f"Cannot convert {np_value} to arrow array of type {pa_type}.") from err
    except pa.lib.ArrowNotImplementedError as err:
        if np_type is None:
            raise ValueError(f"Cannot convert value {value} to arrow array of type {pa_type}."
                             " Inconsistent with previous type provided.") from err
        raise
    return array, NumpyArrowType(np_value.dtype, array.type)


class AnyBatchValue:
    """Any value as a batch of one component (see the module)."""

    def __init__(self, descriptor, value, *, drop_untyped_nones: bool = True, expect_column: bool = False) -> None:
        if isinstance(descriptor, str):
            descriptor = ComponentDescriptor(descriptor)
        self.descriptor = descriptor
        self.pa_array = None
        with logged(f"Converting data for '{descriptor}'"):
            if isinstance(value, pa.Array):
                self.pa_array = value
            elif hasattr(value, "as_arrow_array"):
                self.pa_array = value.as_arrow_array()
            else:
                known = _REGISTRY.get(descriptor, expect_column=expect_column)
                if known is None and (value is None or (isinstance(value, Sized) and len(value) == 0)):
                    if not drop_untyped_nones:
                        raise ValueError(f"Cannot convert {value} to arrow array without an explicit type")
                else:
                    if known is not None and value is None:
                        value = []
                    self.pa_array, inferred = _parse(value, known)
                    _REGISTRY.register(descriptor, inferred, expect_column=expect_column)

    def is_valid(self) -> bool:
        return self.pa_array is not None

    def component_descriptor(self):
        return self.descriptor

    def as_arrow_array(self):
        return self.pa_array

    @classmethod
    def column(cls, descriptor, value, drop_untyped_nones: bool = True) -> ComponentColumn | None:
        """The value as a column whose outermost dimension is the rows; None if it cannot be read."""
        if value is not None and not isinstance(value, (pa.Array, str, bytes)):
            try:
                as_np = np.asarray(value)
            except ValueError:
                as_np = None  # ragged: already rows of lists
            if as_np is not None and as_np.ndim == 1 and as_np.dtype.kind != "O":
                value = [[x] for x in value]
        batch = cls(descriptor, value, drop_untyped_nones=drop_untyped_nones, expect_column=True)
        if not batch.is_valid():
            return None
        array = batch.as_arrow_array()
        if array is not None and pa.types.is_list(array.type):
            offsets = array.offsets.to_numpy().astype(np.int32)
            batch.pa_array = array.values
            return ComponentColumn(batch.descriptor, batch, offsets=offsets)
        return ComponentColumn(batch.descriptor, batch)


class DynamicArchetype:
    """Components under an archetype name of your own, e.g. `"Imu"`: each becomes `Imu:<name>`."""

    @classmethod
    def columns(cls, archetype: str, drop_untyped_nones: bool = True,
                components: Mapping[str, Any] | None = None) -> ComponentColumnList:
        """One column per component (rows = the outermost dimension of each value); `.partition(lengths)`
        cuts them otherwise."""
        columns = []
        with logged("DynamicArchetype.columns"):
            if components is not None:
                for name, value in components.items():
                    descriptor = ComponentDescriptor(component=name).with_builtin_archetype(archetype)
                    column = AnyBatchValue.column(descriptor, value, drop_untyped_nones=drop_untyped_nones)
                    if column is not None:
                        columns.append(column)
        return ComponentColumnList(columns)


class DescribedComponentBatch:
    """A batch of component values with its descriptor (what `as_component_batches()` lists)."""

    def __init__(self, batch, descriptor) -> None:
        self._batch = batch
        self._descriptor = descriptor

    def component_descriptor(self):
        return self._descriptor

    def as_arrow_array(self) -> pa.Array:
        return self._batch.as_arrow_array()

    def partition(self, lengths=None) -> ComponentColumn:
        return ComponentColumn(self._descriptor, self, lengths=lengths)


class AnyValues:
    """Values of any names and types, one component per keyword (no archetype): e.g. a recording
    property `AnyValues(success=True, num_attempts=3)`."""

    def __init__(self, drop_untyped_nones: bool = True, **kwargs) -> None:
        self._batches = []
        with logged("AnyValues"):
            for name, value in kwargs.items():
                batch = AnyBatchValue(ComponentDescriptor(name), value, drop_untyped_nones=drop_untyped_nones)
                if batch.is_valid():
                    self._batches.append(DescribedComponentBatch(batch, batch.descriptor))

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        with logged("AnyValues"):
            if not self._batches:
                raise ValueError("No valid component batches to return.")
        return self._batches

    @property
    def component_batches(self) -> list[DescribedComponentBatch]:
        return self._batches

    @classmethod
    def columns(cls, drop_untyped_nones: bool = True, **kwargs) -> ComponentColumnList:
        """One column per keyword, rows = the outermost dimension of each value."""
        columns = []
        with logged("AnyValues.columns"):
            for name, value in kwargs.items():
                column = AnyBatchValue.column(name, value, drop_untyped_nones=drop_untyped_nones)
                if column is not None:
                    columns.append(column)
        return ComponentColumnList(columns)
