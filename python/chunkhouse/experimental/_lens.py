"""Lenses: `DeriveLens` and `MutateLens`, as `rerun.experimental` has them (0.36).

A lens reads one component column of the chunks it meets and writes new columns from it with
selectors: a `MutateLens` replaces the column in place; a `DeriveLens` adds columns (and
timelines) beside the others, or on another entity (`output_entity`), one output row per input
row or, with `scatter=True`, one per list element. The engine is C++ (`chunkhouse._core`); use
lenses with `Chunk.apply_lenses` or `LazyChunkStream.lenses`.

    lens = DeriveLens("Imu:accel", output_entity="/imu/x").to_component("Scalars:scalars", ".x")
    chunks = chunk.apply_lenses(lens)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .. import _core
from .._selector import Selector

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["DeriveLens", "Lens", "MutateLens"]

_EMPTY_COMPONENT = "Invalid `ComponentIdentifier`: must not be empty"


class _Descriptor:
    """A component descriptor for when chunkhouse's `ComponentDescriptor` is not available."""

    __slots__ = ("archetype", "component", "component_type")

    def __init__(self, component: str, archetype: str | None = None, component_type: str | None = None) -> None:
        if not component:
            raise RuntimeError(_EMPTY_COMPONENT)
        self.component = component
        self.archetype = archetype
        self.component_type = component_type


def _descriptor(component: str, archetype: str | None = None, component_type: str | None = None) -> Any:
    try:
        from .._columns import ComponentDescriptor  # noqa: PLC0415  (added by the columns work)
    except ImportError:
        ComponentDescriptor = _Descriptor  # noqa: N806
    return ComponentDescriptor(component, archetype=archetype, component_type=component_type)


def _as_selector(selector: Selector | str) -> Selector:
    return Selector(selector) if isinstance(selector, str) else selector


def _descriptor_parts(component: Any) -> tuple[str, str | None, str | None]:
    if isinstance(component, str):
        component = _descriptor(component)
    return component.component, component.archetype, component.component_type


def _check_cast_to(cast_to: Any) -> Any:
    if cast_to is None or isinstance(cast_to, str):
        return cast_to  # the strings are checked by the core ("auto" or a ValueError)
    import pyarrow as pa  # noqa: PLC0415

    if not isinstance(cast_to, pa.DataType):
        kind = type(cast_to)
        raise TypeError(f"Expected instance of pyarrow.lib.DataType, got {kind.__module__}.{kind.__qualname__}")
    return cast_to


# Descriptors of the convenience builders' targets (archetype, component, component type).
_TRANSFORM = "rerun.archetypes.Transform3D"
_TRANSLATION = ("Transform3D:translation", _TRANSFORM, "rerun.components.Translation3D")
_QUATERNION = ("Transform3D:quaternion", _TRANSFORM, "rerun.components.RotationQuat")
_SCALE = ("Transform3D:scale", _TRANSFORM, "rerun.components.Scale3D")
_AXIS_ANGLE = ("Transform3D:rotation_axis_angle", _TRANSFORM, "rerun.components.RotationAxisAngle")
_SCALARS = ("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


class DeriveLens:
    """Derives new component columns (and optionally timelines) from one input component.

    Outputs go to the input's entity, or to `output_entity` when given. With `scatter=True` every
    element of the first output's rows becomes its own row (other outputs must line up with it).
    Each `to_*` method returns a new lens; the one it is called on is unchanged.
    """

    _internal: _core.DeriveLens

    def __init__(self, input_component: str, *, output_entity: str | None = None, scatter: bool = False) -> None:
        """
        Parameters
        ----------
        input_component:
            Identifier of the component read, e.g. `"Imu:accel"`.
        output_entity:
            Entity the outputs are written to; default: the input chunk's entity.
        scatter:
            One output row per list element of the first output instead of one per input row.

        """
        self._internal = _core.DeriveLens(input_component, output_entity=output_entity, scatter=scatter)

    def _with(self, internal: _core.DeriveLens) -> DeriveLens:
        new = DeriveLens.__new__(DeriveLens)
        new._internal = internal
        return new

    def to_component(self, component: Any, selector: Selector | str, *,
                     cast_to: pa.DataType | Literal["auto"] | None = None) -> DeriveLens:
        """Adds an output column: `selector` applied row by row to the input.

        `component` is a `ComponentDescriptor` or an identifier. `cast_to` converts the result's
        element type: `None` keeps it, `"auto"` gives the Arrow type of the descriptor's
        component type (e.g. `rerun.components.Scalar` → float64), a pyarrow `DataType` that type.
        """
        sel = _as_selector(selector)
        name, archetype, component_type = _descriptor_parts(component)
        cast = _check_cast_to(cast_to)
        return self._with(self._internal.to_component(name, archetype, component_type, sel._internal, cast))

    def to_timeline(self, timeline_name: str, timeline_type: Literal["sequence", "duration_ns", "timestamp_ns"],
                    selector: Selector | str) -> DeriveLens:
        """Adds (or replaces) a timeline whose times are `selector`'s Int64 values, one per output row."""
        sel = _as_selector(selector)
        return self._with(self._internal.to_timeline(timeline_name, timeline_type, sel._internal))

    def to_packed_component(self, component: Any, *fields: str,
                            cast_to: pa.DataType | Literal["auto"] | None = "auto") -> DeriveLens:
        """Adds a column packing struct `fields` (same type) into one fixed-size list per value;
        cast to the component's Arrow type unless `cast_to` says otherwise."""
        if not fields:
            raise ValueError("to_packed_component requires at least one field")
        paths = ", ".join(f".{f}!" for f in fields)
        return self.to_component(component, f"pack({paths})", cast_to=cast_to)

    def to_translation(self, x: str, y: str, z: str) -> DeriveLens:
        """`Transform3D:translation` from three struct fields."""
        return self.to_packed_component(_descriptor(*_TRANSLATION), x, y, z, cast_to="auto")

    def to_quaternion(self, x: str, y: str, z: str, w: str) -> DeriveLens:
        """`Transform3D:quaternion` from four struct fields, in x, y, z, w order."""
        return self.to_packed_component(_descriptor(*_QUATERNION), x, y, z, w, cast_to="auto")

    def to_scale(self, x: str, y: str, z: str) -> DeriveLens:
        """`Transform3D:scale` from three struct fields."""
        return self.to_packed_component(_descriptor(*_SCALE), x, y, z, cast_to="auto")

    def to_rotation_axis_angle(self, axis_x: str, axis_y: str, axis_z: str, angle: str) -> DeriveLens:
        """`Transform3D:rotation_axis_angle` from an axis (three struct fields) and an angle in radians."""
        fields = (axis_x, axis_y, axis_z, angle)
        sel = Selector(".").pipe(lambda values: _axis_angle(values, fields))
        return self.to_component(_descriptor(*_AXIS_ANGLE), sel)

    def to_scalars(self, *fields: str) -> DeriveLens:
        """`Scalars:scalars` from struct fields: one field gives one value per row, several give
        that many instances per row (one series each)."""
        if not fields:
            raise ValueError("to_scalars requires at least one field")
        if len(fields) == 1:
            return self.to_component(_descriptor(*_SCALARS), f".{fields[0]}", cast_to=None)
        paths = ", ".join(f".{f}!" for f in fields)
        return self.to_component(_descriptor(*_SCALARS), f"pack({paths}) | .[]", cast_to=None)


class MutateLens:
    """Replaces one component column in place with `selector`'s result (its descriptor kept).

    The chunk gets fresh row ids (rows re-sorted by time) unless `keep_row_ids=True`.
    """

    _internal: _core.MutateLens

    def __init__(self, input_component: str, selector: Selector | str, *, keep_row_ids: bool = False) -> None:
        sel = _as_selector(selector)
        self._internal = _core.MutateLens(input_component, sel._internal, keep_row_ids=keep_row_ids)


Lens = DeriveLens | MutateLens
"""Any lens."""


def compiled(lenses: Any) -> _core.LensSet:
    """The engine's checked set of one lens or a sequence of them. One lens keeps its set (a lens
    never changes: its builders return new lenses), so applying it chunk by chunk checks it once."""
    if isinstance(lenses, (DeriveLens, MutateLens)):
        cached = lenses.__dict__.get("_compiled")
        if cached is None:
            cached = _core.LensSet([lenses._internal])
            lenses._compiled = cached
        return cached
    return _core.LensSet(internals(lenses))


def internals(lenses: Any) -> list:
    """The core objects of one lens or a sequence of them (a non-lens has no `_internal`)."""
    if isinstance(lenses, (DeriveLens, MutateLens)):
        lenses = [lenses]
    return [lens._internal for lens in lenses]


def _axis_angle(values: pa.StructArray, fields: tuple[str, str, str, str]) -> pa.StructArray:
    """Struct{axis: FixedSizeList(3 x non-null float32), angle: non-null float32} from four fields
    of `values` (a null axis value reads as NaN; the angle is only cast)."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    def f32(name: str) -> pa.Array:
        column = pc.cast(values.field(name), pa.float32())
        return pc.fill_null(column, float("nan")) if column.null_count else column

    x, y, z = (f32(name) for name in fields[:3])
    angle = pc.cast(values.field(fields[3]), pa.float32())
    flat = pa.concat_arrays([x, y, z]).take(_interleave_indices(len(values), 3))
    axis_type = pa.list_(pa.field("item", pa.float32(), nullable=False), 3)
    axis = pa.FixedSizeListArray.from_arrays(flat, type=axis_type)
    return pa.StructArray.from_arrays(
        [axis, angle], fields=[pa.field("axis", axis_type, nullable=False), pa.field("angle", pa.float32(), nullable=False)])


def _interleave_indices(n: int, k: int) -> Any:
    """Positions taking row i of each of k concatenated length-n arrays in turn."""
    import pyarrow as pa  # noqa: PLC0415

    return pa.array([j * n + i for i in range(n) for j in range(k)], pa.int64())
