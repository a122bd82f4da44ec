"""Selector cases shared by the differential test and its reference runner (which imports this file
inside rerun-sdk's venv, so it needs only pyarrow and the standard library).

A case is (input id, optional slice, mode, query, pipes). Inputs: the shapes of
notes/selector_lens.md (null rows, empty rows, null elements, nested lists, structs with nulls,
fixed-size lists, slices, names other than `item`) written by hand, plus random nested arrays.
Queries: hand-written ones per input, plus random strings from a small grammar that also makes
invalid ones. Pipes name the callables below (defined identically on both sides).
"""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc

I64, F64 = pa.int64(), pa.float64()


def _struct(arrays, names=None, mask=None, fields=None):
    mask = None if mask is None else pa.array(mask)
    if fields is not None:
        return pa.StructArray.from_arrays(arrays, fields=fields, mask=mask)
    return pa.StructArray.from_arrays(arrays, names=names, mask=mask)


def hand_inputs() -> dict[str, pa.Array]:
    xy = pa.struct([("x", I64), ("y", I64)])
    e2_p = _struct([pa.array([10, 20, 30, 40])], ["q"], [False, False, False, True])
    e2 = _struct([pa.array([1, None, 3, 4]), e2_p], ["x", "p"], [False, False, True, False])
    poses_t = pa.struct([("poses", pa.list_(pa.struct([("x", I64)])))])
    e11_t = pa.struct([pa.field("x", F64, False), ("y", F64), pa.field("z", F64, False), pa.field("i", I64, False),
                       pa.field("l", pa.list_(F64), False)])
    nn = pa.struct([pa.field("x", F64, False), pa.field("y", F64, False)])
    return {
        "e1": pa.array([[{"x": 1, "y": 2}], [{"x": 3, "y": None}], None, [], [None, {"x": 5, "y": 6}]], pa.list_(xy)),
        "e2": pa.ListArray.from_arrays(pa.array([0, 1, 3, 4], pa.int32()), e2),
        "e3": pa.array([[[1, 2], [3]], [[None], []], None, [], [None, [None, 4]], [[None, None]]], pa.list_(pa.list_(I64))),
        "e4_outer_valid": pa.array([[[1, 2, None], [3]], [None, [None, 5]]], pa.list_(pa.list_(I64))),
        "e4_no_nulls": pa.array([[[[1, 2], [3]], [[4]]], [[[5, 6, 7]]], [], [[]]], pa.list_(pa.list_(pa.list_(I64)))),
        "e5": pa.array([[[1], None], [[3]]], pa.list_(pa.list_(I64))),
        "e7": pa.array([[[[1], None]], [[None, None], [[2, 3]]], [[None]], []], pa.list_(pa.list_(pa.list_(I64)))),
        "e6": pa.array([[{"poses": [{"x": 1}, {"x": 2}]}, {"poses": []}], [{"poses": None}], None, [],
                        [{"poses": [None, {"x": 5}]}]], pa.list_(poses_t)),
        "e8_empty_values": pa.array([[], [], None], pa.list_(I64)),
        "e8_empty": pa.array([], pa.list_(I64)),
        "e8_empty_struct": pa.array([], pa.list_(pa.struct([("x", I64)]))),
        "e8_nested_empty": pa.array([[[]], [], None, [None]], pa.list_(pa.list_(I64))),
        "e8_ints": pa.array([[1, None], [None], [2], None], pa.list_(I64)),
        "e9_fsl": pa.array([[1, 2], None, [3, None]], pa.list_(I64, 2)),
        "e9_list_fsl": pa.array([[[1, 2], [3, 4]], [None], None, [], [[None, 6]]], pa.list_(pa.list_(I64, 2))),
        "e10_list": pa.array([[1, 2], [3], [4, 5, 6], [7]], pa.list_(I64)),
        "e10_fsl": pa.array([[1, 2], [3, 4], [5, 6]], pa.list_(I64, 2)),
        "e10_struct": pa.array([{"x": 1, "y": 2}, {"x": 3, "y": 4}, {"x": 5, "y": None}], xy),
        "e11": pa.array([[{"x": 0, "y": 1, "z": 5, "i": 1, "l": [1]}, {"x": 1, "y": None, "z": 6, "i": 2, "l": []}],
                         [{"x": 2, "y": 3, "z": 7, "i": 3, "l": [2, 3]}], [{"x": 3, "y": 4, "z": 8, "i": 4, "l": [4]}]],
                        pa.list_(e11_t)),
        "root_nulls": _struct([pa.array([0.0, 1.0, 2.0]), pa.array([5.0, 6.0, 7.0])], mask=[False, True, False], fields=list(nn)),
        "root_full": pa.array([{"x": 0.0, "y": 5.0}], nn),
        "floats": pa.array([1.0, None]),
        "ints": pa.array([1, None, 3]),
        "strings": pa.array(["png", None, ""]),
        "large_strings": pa.array(["a"], pa.large_utf8()),
        "list_strings": pa.array([["png", None], [], None, [""]], pa.list_(pa.utf8())),
        "named_item": pa.array([[1], [2, 3], None], pa.list_(pa.field("element", I64, False))),
        "nested_named": pa.array([[[1]], [[2, 3]]], pa.list_(pa.field("element", pa.list_(pa.field("inner", I64, False))))),
        "list_null": pa.array([[None], [None, None], []], pa.list_(pa.null())),
        "null_child": _struct([pa.array([None, None], pa.null())], ["n"], [False, True]),
        "dict_list": pa.ListArray.from_arrays(pa.array([0, 1, 3], pa.int32()),
                                              pa.DictionaryArray.from_arrays(pa.array([0, 1, 1]), pa.array(["a", None]))),
        "struct_dup": pa.StructArray.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["x", "x"]),
        # A struct child keeps its bitmap through the struct's slice (arrow-rs' NullBuffer), so the
        # nulls outside the slice still make `.y` nullable and `!` groups present.
        "struct_list_slice": _struct([pa.array([None, [1], [2, 3], [4]]), pa.array([[{"l": None}], [], [{"l": 1.0}],
                                      [{"l": 2.0}, {"l": None}]])], ["y", "z"]),
        "pack_structs": pa.array([[{"x": 1, "y": 2}, {"x": 3, "y": None}], [], None], pa.list_(xy)),
    }


# Queries written for each hand input (every one is run both ways).
COMMON = [".", ".x", ".y", ".z", ".z?", "[]", "[0]", "[1]", "[5]", "[]!", "[0]!", "map(.)", "map([])", ".x!",
          "[18446744073709551615]", ".x?", "[]?", "pack(.)", "string_prefix(\"a\")", "nope", "nope()"]
HAND_QUERIES = {
    "e1": [".y!", ".x | .y", "[] | .x", "map(.x)", "pack(.x!, .y!)", "pack(.x, .y)", ".x.y", ".x.y?", ".x?.y"],
    "e2": [".p.q", ".p.q!", ".p!.q", ".z.q", ".z!", ".p.z", ".x.y", ".x.y?", ".p[0]?", ".p", ".p!"],
    "e3": ["[][0]", "[0][]", "[1]!", "map([0])", "map([]!)", "[] | [0]", "[]?![]?"],
    "e4_outer_valid": ["[][]", "[] | []", "[]![]!", "[][0]", "[][]!"],
    "e4_no_nulls": ["[][]", "map([][])", "[][][]", "[][0]", "[0][0]", "[][]!"],
    "e5": ["[][]", "[]![]?"],
    "e7": ["[][]", "[][][]", "map([][])"],
    "e6": [".poses", ".poses[]", ".poses[].x", ".poses[].x!", ".poses | map(.x)", "map(.poses[].x)", ".poses[0].x",
           ".poses!", ".poses[]!", ".poses[0]!.x"],
    "e8_empty_struct": ["pack(.x!)", ".zz"],
    "e8_nested_empty": ["[0][0]"],
    "e9_list_fsl": ["[0]?", "[][]", "pack([0]!, [1]!)"],
    "e10_fsl": ["pack([1]!, [0]!)"],
    "e10_struct": ["pack(.x, .y!)", "pack(.x!, .y!)", "pack(.y!)"],
    "e11": ["pack(.x, .z)", "pack(.x, .y!)", "pack(.x, .i)", "pack(.x, .q)", "pack(.x?, .q?)", "pack(.l[0]!, .x)",
            "pack(.l[5]!)", "pack(.x | .y)", "pack(.x, .y!) | .[]", "pack(.x, .y!) | [0]", "pack(.x, .y!) | .[] | [0]",
            "pack(.x, .z, .x)", ".l[]", ".l | map(.)", "pack(.x?!)", "pack(.i!, .i)"],
    "root_nulls": ["pack(.x, .y)", "pack(.x!, .y!)", "pack(.x!, .y)"],
    "root_full": ["pack(.x, .y)", "pack(., .)"],
    "floats": ["pack(., .)", "pack(.)"],
    "strings": ["string_prefix(\"image/\")", "string_prefix(\"a\"; \"b\")", "string_prefix", "string_prefix()",
                "string_suffix(\"a\")"],
    "large_strings": ["string_prefix(\"image/\")"],
    "list_strings": ["string_prefix(\"x\")", "map(string_prefix(\"x\"))", "[0] | string_prefix(\"x\")"],
    "list_null": ["[0]!", "[]!"],
    "null_child": [".n", ".n!", ".n?"],
    "dict_list": ["[]!", "[0]", "map(.)"],
    "struct_dup": [".x"],
    "pack_structs": ["pack(.x!, .y!)", "pack(.x!, .y!) | .[]"],
    "struct_list_slice": [".y | pack(.)", ".y | pack(.!)", ".y!", ".y![]", ".y[]!", ".y![]!", ".z![].l!", ".z[].l!",
                          ".z!", ".z | map(.l!)", ".y | pack([0]!)"],
}

SLICES = {"struct_list_slice": (1, 2), "e10_list": (1, 2), "e10_fsl": (1, 2), "e10_struct": (1, 2), "e1": (1, 3), "e3": (2, 3), "e6": (1, 4)}


# ---- callables (the same names on both sides) -------------------------------------------------
class MyErr(Exception):
    pass


def _raise(exc):
    def fn(a):
        raise exc

    return fn


CALLABLES = {
    "identity": lambda a: a,
    "times10": lambda a: pc.multiply(a, 10),
    "fill0": lambda a: pc.fill_null(a, 0),
    "none": lambda a: None,
    "longer": lambda a: pa.array(list(range(len(a) + 4))),
    "zerodiv": lambda a: 1 / 0,
    "valueerror": _raise(ValueError()),
    "keyerror": lambda a: {}["k"],
    "myerr": _raise(MyErr("custom")),
    "returns_int": lambda a: 5,
    "returns_list": lambda a: [1],
    "returns_chunked": lambda a: pa.chunked_array([a]),
    "length": lambda a: pa.array([len(a)]),
}

PIPE_CASES = [
    ("e1", ".x", ["identity"]), ("e1", ".", ["identity"]), ("e1", ".x", ["times10", ".", ]),
    ("e1", ".y!", ["fill0"]), ("e1", ".", ["none"]), ("e1", ".", ["longer"]), ("e1", ".x", ["zerodiv"]),
    ("e1", ".x", ["valueerror"]), ("e1", ".x", ["keyerror"]), ("e1", ".x", ["myerr"]), ("e1", ".x", ["returns_int"]),
    ("e1", ".x", ["returns_list"]), ("e1", ".x", ["returns_chunked"]), ("e3", "[]", ["identity", "[0]"]),
    ("e3", "[]", ["times10"]), ("e10_list", ".", ["identity"]), ("e1", ".x?", ["times10"]),
    ("e1", "[]", ["identity", ".x"]), ("e2", ".p", ["identity", ".q!"]), ("ints", ".", ["length"]),
    ("e3", "[] | [0]", ["fill0", "."]), ("e1", ".", [".x", "times10"]), ("e1", ".x", ["none", ".zz"]),
]


# ---- random inputs and queries -----------------------------------------------------------------
NAMES = ["x", "y", "l", "p"]


def random_type(rng: random.Random, depth: int = 0) -> pa.DataType:
    choice = rng.random()
    if depth >= 3 or choice < 0.3:
        return rng.choice([I64, F64, pa.utf8()])
    if choice < 0.6:
        return pa.list_(random_type(rng, depth + 1))
    if choice < 0.7:
        return pa.list_(random_type(rng, depth + 1), rng.choice([1, 2]))
    names = rng.sample(NAMES, rng.randint(1, 3))
    return pa.struct([pa.field(n, random_type(rng, depth + 1), rng.random() > 0.15) for n in names])


def random_value(rng: random.Random, t: pa.DataType, nullable: bool = True):
    if nullable and rng.random() < 0.2:
        return None
    if pa.types.is_fixed_size_list(t):
        return [random_value(rng, t.value_type, t.value_field.nullable) for _ in range(t.list_size)]
    if pa.types.is_list(t):
        return [random_value(rng, t.value_type, t.value_field.nullable) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
    if pa.types.is_struct(t):
        return {f.name: random_value(rng, f.type, f.nullable) for f in t}
    if t == I64:
        return rng.randint(-5, 50)
    if t == F64:
        return rng.choice([0.5, -1.0, 2.25, 7.0])
    return rng.choice(["", "a", "png", "ünï"])


def random_input(rng: random.Random) -> pa.Array:
    t = pa.list_(random_type(rng, 1)) if rng.random() < 0.8 else random_type(rng)
    return pa.array([random_value(rng, t) for _ in range(rng.randint(0, 6))], t)


def random_query(rng: random.Random) -> str:
    def segment():
        s = rng.choice([".x", ".y", ".l", ".p", ".q", "[]", "[]", "[0]", "[1]", "[3]", ".zz"])
        return s + rng.choice(["", "", "", "?", "!", "!", "?!", "!?"])

    def path():
        if rng.random() < 0.15:
            return "."
        return "".join(rng.choice([".x", ".y", ".p", "[0]", "[1]"]) + rng.choice(["", "!", "!", "?"])
                       for _ in range(rng.randint(1, 2)))

    def term(depth=0):
        r = rng.random()
        if r < 0.1 and depth < 2:
            return f"map({chain(depth + 1)})"
        if r < 0.18:
            return "pack(" + ", ".join(path() for _ in range(rng.randint(1, 3))) + ")"
        if r < 0.21:
            return rng.choice(['string_prefix("p")', "nope", "string_prefix"])
        if r < 0.26:
            return "."
        return "".join(segment() for _ in range(rng.randint(1, 3)))

    def chain(depth=0):
        return " | ".join(term(depth) for _ in range(rng.randint(1, 3)))

    q = chain()
    if rng.random() < 0.12:  # make some invalid: drop, duplicate or insert a character
        i = rng.randrange(len(q) + 1)
        q = q[:i] + rng.choice(["]", "[", "@", "(", ")", ",", "|", "?", "\"", "1", "-", ""]) + q[i + 1 if rng.random() < 0.5 else i:]
    return q


def typed_query(rng: random.Random, t: pa.DataType) -> str:
    """A selector that mostly follows the type `t` it will run on (so it mostly yields values)."""
    post = lambda: rng.choice(["", "", "", "!", "?", "!?"])  # noqa: E731
    parts = []
    for _ in range(rng.randint(1, 4)):
        if pa.types.is_struct(t) and t.num_fields:
            f = t.field(rng.randrange(t.num_fields))
            parts.append("." + f.name + post())
            t = f.type
        elif pa.types.is_list(t) or pa.types.is_fixed_size_list(t):
            r = rng.random()
            if r < 0.5 or pa.types.is_fixed_size_list(t):
                parts.append("[]" + post())
            elif r < 0.8:
                parts.append(f"[{rng.choice([0, 0, 1, 2])}]" + post())
            else:
                parts.append(f"map({typed_query(rng, t.value_type)})")
                break
            t = t.value_type
        else:
            break
    if pa.types.is_struct(t) and t.num_fields and rng.random() < 0.3:
        f = t.field(rng.randrange(t.num_fields))
        paths = [rng.choice([f".{f.name}!", f".{f.name}", ".!"]) for _ in range(rng.randint(1, 3))]
        parts.append((" | " if parts else "") + "pack(" + ", ".join(paths) + ")" + rng.choice(["", " | []"]))
    q = "".join(parts) or "."
    return q if rng.random() < 0.8 else q + " | " + random_query(rng)


def slice_aborts_wheel(t: pa.DataType, nested: bool = False) -> bool:
    """Whether rerun-sdk 0.36.2 aborts on importing a *sliced* array of type `t`: arrow-rs 58
    applies the offset twice to a Struct nested in a Struct or FixedSizeList (`assertion failed:
    end <= self.len()`). A List in between stops it: list children are not sliced."""
    if pa.types.is_struct(t):
        return nested or any(slice_aborts_wheel(f.type, True) for f in t)
    if pa.types.is_fixed_size_list(t):
        return slice_aborts_wheel(t.value_type, True)
    return False


def cases(seed: int = 36, random_inputs: int = 60, random_per_input: int = 8):
    """(inputs, cases): inputs by id (with optional slice), cases as dicts."""
    inputs = {k: (v, SLICES.get(k)) for k, v in hand_inputs().items()}
    out = []
    for name in inputs:
        for q in COMMON + HAND_QUERIES.get(name, []):
            for mode in ("execute", "per_row"):
                out.append({"input": name, "mode": mode, "query": q, "pipes": []})
    for name, q, pipes in PIPE_CASES:
        for mode in ("execute", "per_row"):
            out.append({"input": name, "mode": mode, "query": q, "pipes": pipes})
    rng = random.Random(seed)
    for i in range(random_inputs):
        arr = random_input(rng)
        sl = None
        if len(arr) > 2 and rng.random() < 0.3 and not slice_aborts_wheel(arr.type):
            off = rng.randrange(len(arr) - 1)
            sl = (off, rng.randint(0, len(arr) - off))
        inputs[f"rand{i}"] = (arr, sl)
        for _ in range(random_per_input):
            mode = rng.choice(["execute", "per_row"])
            t = arr.type.value_type if mode == "per_row" and pa.types.is_list(arr.type) else arr.type
            q = typed_query(rng, t) if rng.random() < 0.7 else random_query(rng)
            out.append({"input": f"rand{i}", "mode": mode, "query": q, "pipes": []})
    return inputs, out


def build(selector_cls, case):
    """The selector of a case, built with `selector_cls` (Rerun's or ours)."""
    sel = selector_cls(case["query"])
    for p in case["pipes"]:
        sel = sel.pipe(CALLABLES[p] if p in CALLABLES else selector_cls(p))
    return sel


def sliced(array: pa.Array, sl):
    return array if sl is None else array.slice(*sl)


# Python-surface expressions, evaluated with S = the Selector class on each side.
SURFACE = [
    "S(5)", "S(None)", "S(b'.a')", "S('.').execute([1])", "S('.').execute(None)",
    "S('.').execute(pa.chunked_array([[1]]))", "S('.').execute_per_row(pa.array([1]))",
    "S('.').execute_per_row([1])", "S('.').execute_per_row(pa.array([[1]], pa.large_list(pa.field('el', pa.int64(), False))))",
    "S('.').execute_per_row(pa.array([[1]], pa.list_view(pa.int64())))",
    "S('.').execute_per_row(pa.array([[1, 2]], pa.list_(pa.int64(), 2)))",
    "S('.').execute_per_row(pa.array([{1: 2}], pa.map_(pa.int64(), pa.int64())))",
    "S('.').pipe(5)", "S('.').pipe(None)", "S('.').pipe('.a')",
    "str(S('.a').pipe(S('.b | [0]')).pipe(CALLABLES['identity']).pipe(S('.c')))",
    "str(S('.').pipe(S('.')))", "repr(S('.a').pipe(CALLABLES['identity']))",
    "repr(S('foo(\"a\"; \"b\\\\n\\\\t\\\\\\\\\\\\\"\")'))", "str(S('f(\"a\\rb\\x01cé\\u200b\")'))",
    "repr(S('f(\"a\\rb\\x01cé\\u200b\")'))", "str(S('\\t.a\\r\\n'))", "str(S('.a??!!'))", "str(S('. .foo'))",
    "pickle.dumps(S('.').pipe(CALLABLES['identity']))", "str(pickle.loads(pickle.dumps(S('.a').pipe(S('[0]')))))",
    "type(pickle.loads(pickle.dumps(S('.a | .b'))).__reduce__()[1])",
    "S('.a').__reduce__()[1]", "S('.').execute(source=pa.array([1])).to_pylist()", "str(S(query='.a'))",
    "S('.').execute()", "S('.').execute(pa.array([1]), 2)",
    "S('.').execute(pa.record_batch({'a': [1]})).type",
    "S('.').pipe(CALLABLES['identity']).execute(pa.array([1])).to_pylist()",
    "S('.').pipe(lambda a: pa.record_batch({'z': a})).execute(pa.array([1])).type",
]
