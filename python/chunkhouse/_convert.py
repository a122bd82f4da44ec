"""Python values to the Arrow arrays of Rerun's component encodings, accepting what rerun-sdk accepts
(nested lists, tuples, numpy arrays, scalars, colors as RGB(A) ints or floats or packed ints,
strings, enum names), with the same results and the same warnings when a value cannot be read.

`convert(encoding, data, arrow_type)` is the entry point; `encoding` is a name of
_archetype_table (`Vec3D`, `Float32`, `Rgba32`, ...).
"""

from __future__ import annotations

import contextlib
import enum
import math
import numbers
import threading
import warnings
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

__all__ = ["Angle", "Quaternion", "RerunWarning", "RotationAxisAngle", "arrow_type", "convert", "logged"]


class RerunWarning(Warning):
    """A value given to the SDK could not be used (Rerun's warning class; the data is left out)."""


_local = threading.local()  # per thread: nesting depth and the warnings waiting for the outermost block


@contextlib.contextmanager
def logged(context: str | None):
    """Turns an exception inside into a `RerunWarning` "{context}: {Type}({message})", sent when the
    outermost such block ends (rerun-sdk's non-strict mode)."""
    _local.depth = getattr(_local, "depth", 0) + 1
    if _local.depth == 1:
        _local.pending = []
    try:
        yield
    except Exception as err:  # noqa: BLE001  (reported as a warning, as Rerun does)
        prefix = f"{context}: " if context is not None else ""
        _local.pending.append(f"{prefix}{type(err).__name__}({err})")
    finally:
        _local.depth -= 1
        if _local.depth == 0:
            for message in _local.pending:
                warnings.warn(message, RerunWarning, stacklevel=4)


def arrow_type(spec) -> pa.DataType:
    """A pyarrow type from _archetype_table's nested-tuple form."""
    kind = spec[0]
    if kind == "fixed_size_list":
        return pa.list_(_field(spec[2]), spec[1])
    if kind == "list":
        return pa.list_(_field(spec[1]))
    if kind == "struct":
        return pa.struct([_field(f) for f in spec[1]])
    return pa.type_for_alias(kind)


def _field(spec) -> pa.Field:
    name, nullable, t = spec
    return pa.field(name, arrow_type(t), nullable=nullable)


# --- Datatypes given as objects ---------------------------------------------------------------

class Angle:
    """An angle, given in radians (`rad`) or degrees (`deg`); kept in radians."""

    def __init__(self, rad: float | None = None, deg: float | None = None) -> None:
        if rad is not None:
            self.radians = rad
        elif deg is not None:
            self.radians = math.radians(deg)
        else:
            raise ValueError("Either `rad` or `deg` must be provided.")
        self.radians = float(self.radians)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.radians, dtype=dtype)

    def __float__(self) -> float:
        return self.radians


class RotationAxisAngle:
    """A rotation by an angle (exactly one of `angle` in radians or as an `Angle`, `radians`,
    `degrees`) around an axis (need not be normalised)."""

    def __init__(self, axis, angle=None, *, radians: float | None = None, degrees: float | None = None) -> None:
        if sum(x is not None for x in (angle, radians, degrees)) != 1:
            raise ValueError("Must provide exactly one of angle, radians, or degrees")
        if radians is not None:
            angle = Angle(rad=radians)
        elif degrees is not None:
            angle = Angle(deg=degrees)
        self.axis = np.asarray(axis, dtype=np.float32)
        self.angle = angle if isinstance(angle, Angle) else Angle(rad=angle)


class Quaternion:
    """A rotation as a quaternion, its components in x, y, z, w order."""

    def __init__(self, *, xyzw) -> None:
        self.xyzw = np.asarray(xyzw, dtype=np.float32)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.xyzw, dtype=dtype)

    @staticmethod
    def identity() -> Quaternion:
        return Quaternion(xyzw=[0, 0, 0, 1])


# --- Encodings --------------------------------------------------------------------------------

def _flat(array: np.ndarray, width: int) -> np.ndarray:
    """`array` flattened, checked to hold whole `width`-vectors (a flat multiple of `width`, or an
    innermost non-singleton dimension of `width`)."""
    if array.ndim == 1:
        ok = array.shape[0] % width == 0
    elif array.ndim >= 2:
        inner = [d for d in array.shape[1:] if d != 1]
        ok = (inner[-1] if inner else 1) == width
    else:
        ok = True
    if not ok:
        raise ValueError(f"Expected either a flat array with a length multiple of {width} elements, or an array "
                         f"with shape (`num_elements`, {width}). Shape of passed array was {array.shape}.")
    return array.ravel()


def _vectors(width: int):
    def convert_vectors(data, t):
        values = np.ascontiguousarray(_flat(np.asarray(data, dtype=np.float32), width))
        return pa.FixedSizeListArray.from_arrays(values, type=t)
    return convert_vectors


def _numbers(np_type):
    def convert_numbers(data, t):
        return pa.array(np.asarray(data, dtype=np_type).flatten(), type=t)
    return convert_numbers


def _utf8(data, t):
    if isinstance(data, str):
        values = [data]
    elif isinstance(data, Sequence):
        values = [str(d) for d in data]
    elif isinstance(data, np.ndarray):
        values = data
    else:
        values = [str(data)]
    return pa.array(values, type=t)


def _pack_rgba(u8: np.ndarray) -> np.ndarray:
    """Rows of [r, g, b] or [r, g, b, a] bytes packed as 0xRRGGBBAA (alpha 255 when absent)."""
    r, g, b = u8[:, 0].astype(np.uint32), u8[:, 1].astype(np.uint32), u8[:, 2].astype(np.uint32)
    a = u8[:, 3].astype(np.uint32) if u8.shape[1] == 4 else np.full(len(u8), 0xFF, dtype=np.uint32)
    return (r << 24) | (g << 16) | (b << 8) | a


def _rgba_rows(data: np.ndarray) -> np.ndarray:
    if data.size == 0:
        return np.array([], dtype=np.uint32)
    if data.dtype.type in (np.float32, np.float64):
        return _pack_rgba(np.asarray(np.round(np.asarray(data) * 255.0), np.uint8))
    return _pack_rgba(np.asarray(data, dtype=np.uint8))


def _one_color(value) -> int:
    if isinstance(value, np.ndarray):
        return int(_rgba_rows(value.reshape((1, -1)))[0])
    if isinstance(value, Sequence):
        row = np.array(value).reshape((1, -1))
        if row.shape[1] not in (3, 4):
            raise ValueError(f"expected sequence of length of 3 or 4, received {row.shape[1]}")
        return int(_rgba_rows(row)[0])
    return int(value)


def _rgba32(data, t):
    if isinstance(data, int):
        packed = np.array([data])
    elif isinstance(data, Sequence) and len(data) == 0:
        packed = np.array([])
    else:
        try:
            arr = np.asarray(data).squeeze()
            if arr.ndim <= 1 and arr.dtype not in (np.uint8, np.float32, np.float64, np.uint32):
                if arr.size not in (3, 4):
                    arr = arr.astype(np.uint32)  # packed values
                elif np.max(arr) < 256:
                    arr = arr.reshape((1, -1))  # one color
                else:
                    warnings.warn(f"Ambiguous input for colors of length {arr.size}. If using 0xRRGGBBAA values, "
                                  "please wrap as np.array with dtype=np.uint32", RerunWarning, stacklevel=5)
                    arr = arr.astype(np.uint32)
            elif arr.ndim <= 1 and arr.dtype != np.uint32:
                arr = arr.reshape((-1, 4)) if arr.size > 4 else arr.reshape((1, -1))
            packed = arr.flatten() if arr.dtype == np.uint32 else _rgba_rows(arr)
        except (ValueError, TypeError, IndexError):
            items = list(data)
            try:
                items = [_one_color(items)]
            except (IndexError, ValueError):
                pass
            packed = np.array([_one_color(item) for item in items], np.uint32)
    return pa.array(packed, type=t)


def _mat3x3_columns(value) -> np.ndarray:
    """A 3x3 matrix given row by row, as its 9 values column by column."""
    return np.asarray(value, dtype=np.float32).reshape(3, 3).ravel("F")


def _mat3x3(data, t):
    if len(data) == 0:
        flat = np.empty((0,), dtype=np.float32)
    else:
        try:
            flat = _mat3x3_columns(data)
        except ValueError:
            if isinstance(data[0], numbers.Number):
                raise
            flat = np.hstack([_mat3x3_columns(m) for m in data]).ravel()
    return pa.FixedSizeListArray.from_arrays(np.ascontiguousarray(flat), type=t)


def _rotation_axis_angle(data, t):
    items = [data] if isinstance(data, RotationAxisAngle) or _is_foreign_axis_angle(data) else data
    axes = _vectors(3)([np.asarray(x.axis, dtype=np.float32) for x in items], t.field("axis").type)
    angles = pa.array(np.asarray([_radians(x.angle) for x in items], dtype=np.float32).flatten(),
                      type=t.field("angle").type)
    return pa.StructArray.from_arrays([axes, angles], fields=list(t))


def _is_foreign_axis_angle(value) -> bool:
    return hasattr(value, "axis") and hasattr(value, "angle") and not isinstance(value, (list, tuple))


def _radians(angle) -> float:
    if isinstance(angle, Angle):
        return angle.radians
    return float(getattr(angle, "radians", angle))


_CONVERTERS = {
    "Vec3D": _vectors(3), "Quaternion": _vectors(4), "Mat3x3": _mat3x3,
    "Float32": _numbers(np.float32), "Float64": _numbers(np.float64), "Bool": _numbers(np.bool_),
    "ClassId": _numbers(np.uint16), "KeypointId": _numbers(np.uint16),
    "Utf8": _utf8, "Rgba32": _rgba32, "RotationAxisAngle": _rotation_axis_angle,
}


def make_enum(name: str, variants) -> type[enum.Enum]:
    """An enum component type (e.g. `TransformRelation`) with Rerun's forgiving `auto` conversion."""
    cls = enum.Enum(name, list(variants), module="chunkhouse.components")

    def auto(klass, value):
        if isinstance(value, klass):
            return value
        if isinstance(value, int):
            return klass(value)
        try:
            return klass[value]
        except KeyError:
            for variant in klass:
                if variant.name.lower() == value.lower():
                    return variant
        raise ValueError(f"Cannot convert {value} to {klass.__name__}")

    cls.auto = classmethod(auto)
    cls.__str__ = lambda self: self.name
    return cls


def _enum_values(cls, data, t):
    if isinstance(data, (enum.Enum, int, str)):
        data = [data]
    return pa.array([cls.auto(v).value if v is not None else None for v in data], type=t)


def convert(encoding: str, data, t: pa.DataType, enum_cls=None) -> pa.Array:
    """`data` as an Arrow array of type `t`, read as `encoding` reads it. An Arrow array of type `t`
    is taken as it is."""
    if isinstance(data, pa.Array) and data.type == t:
        return data
    if encoding == "enum":
        return _enum_values(enum_cls, data, t)
    return _CONVERTERS[encoding](data, t)
