"""Random chunk pipelines, run the same way on both sides (test_pipeline_properties.py runs them
with chunkhouse, pipeline_properties_reference.py with rerun-sdk in its venv).

A scenario is plain JSON: chunks (entity, timelines, components as Python values) and a list of
operations. `run_scenario(rr, pa, scenario)` builds the chunks with `Chunk.from_record_batch`,
runs the operations and describes the output with minted ids replaced by where they came from.
"""

from __future__ import annotations

import json
import random

ENTITIES = ["/a", "/a/b", "/c", "/c/d/e", "/__properties"]
COMPONENTS = ["Pos:xy", "Pos:label", "Imu:accel", "Text:text", "Flag:on"]
TIMELINES = ["frame", "tick"]


def make_scenario(rng: random.Random) -> dict:
    chunks = []
    many = rng.random() < 0.25  # many small chunks of a few shapes: what compaction merges
    for _ in range(rng.randint(20, 80) if many else rng.randint(1, 6)):
        rows = rng.randint(1, 2) if many else rng.randint(1, 5)
        timelines = {} if rng.random() < 0.25 else {
            name: [rng.randint(-3, 20) for _ in range(rows)] for name in rng.sample(TIMELINES, rng.randint(1, 2))}
        components = {}
        for comp in rng.sample(COMPONENTS, rng.randint(1, 3)):
            kind = COMPONENTS.index(comp) % 3
            values = []
            for _ in range(rows):
                if rng.random() < 0.2:
                    values.append(None)
                elif kind == 0:
                    values.append([rng.randint(-5, 5) for _ in range(rng.randint(0, 3))])
                elif kind == 1:
                    values.append([rng.choice(["x", "yy", ""]) for _ in range(rng.randint(0, 2))])
                else:
                    values.append([rng.random() < 0.5])
            components[comp] = [kind, values]
        entity = rng.choice(ENTITIES[:2]) if many else rng.choice(ENTITIES)
        if many:  # one shape per entity, mostly, so that chunks are concatenable
            timelines = {"frame": [rng.randint(0, 200) for _ in range(rows)]} if rng.random() < 0.9 else {}
            components = {comp: [COMPONENTS.index(comp) % 3, [v for v in values[:rows]] + [None] * (rows - len(values))]
                          for comp, (kind, values) in list(components.items())[:1]}
        chunks.append({"entity": entity, "timelines": timelines, "components": components})
    ops = []
    for _ in range(rng.randint(0, 4)):
        op = rng.choice(["filter", "drop", "filter", "drop", "split_merge", "map", "flat_map"])
        kwargs = {}
        if op in ("filter", "drop", "split_merge"):
            if rng.random() < 0.4:
                kwargs["content"] = rng.choice(["/a/**", "/c", ["/a", "/c/**"], "/**", [], "-/a/** /**"])
            if rng.random() < 0.3:
                kwargs["is_static"] = rng.random() < 0.5
            if rng.random() < 0.3:
                kwargs["has_timeline"] = rng.choice(TIMELINES)
            if rng.random() < 0.4:
                kwargs["components"] = rng.sample(COMPONENTS, rng.randint(0, 2))
        ops.append([op, kwargs])
    return {"chunks": chunks, "ops": ops}


ARROW_TYPES = ["int64", "utf8", "bool"]


def build_chunks(rr, pa, scenario):
    out = []
    for spec in scenario["chunks"]:
        cols = {}
        for name, values in spec["timelines"].items():
            cols[name] = pa.array(values, pa.int64())
        for name, (kind, values) in spec["components"].items():
            item = {"int64": pa.int64(), "utf8": pa.utf8(), "bool": pa.bool_()}[ARROW_TYPES[kind]]
            cols[name] = pa.array(values, pa.list_(item))
        batch = pa.RecordBatch.from_pydict(cols)
        index = list(spec["timelines"]) or None
        out.extend(rr.experimental.Chunk.from_record_batch(batch, index=index, entity_path=spec["entity"]))
    return out


def describe(chunks, inputs) -> list:
    """Each chunk with minted ids replaced by their origin: an input chunk's index, or 'new'."""
    ids = {c.id: i for i, c in enumerate(inputs)}
    row_origin = {}
    for i, c in enumerate(inputs):
        batch = c.to_record_batch()
        for r, rid in enumerate(batch.column(0).to_pylist()):
            row_origin[rid] = [i, r]
    out = []
    for c in chunks:
        batch = c.to_record_batch()
        columns = []
        for field, column in zip(batch.schema, batch.columns):
            md = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
            if field.name == "rerun.controls.RowId":
                values = [row_origin.get(v, "new") for v in column.to_pylist()]
            else:
                values = column.to_pylist()
            columns.append([field.name, str(field.type), sorted(md.items()), values])
        out.append({"entity": c.entity_path, "id": ids.get(c.id, "new"), "rows": c.num_rows, "static": c.is_static,
                    "columns": columns})
    return out


def apply(rx, stream, op, kwargs):
    if op == "filter":
        return stream.filter(**kwargs)
    if op == "drop":
        return stream.drop(**kwargs)
    if op == "map":
        return stream.map(lambda c: c)
    if op == "flat_map":
        return stream.flat_map(lambda c: [c] if c.num_rows % 2 else [c, c])
    if op == "split_merge":
        a, b = stream.split(**kwargs)
        return rx.LazyChunkStream.merge(a, b)
    raise ValueError(op)


def run_scenario(rr, pa, scenario) -> dict:
    rx = rr.experimental
    try:
        inputs = build_chunks(rr, pa, scenario)
    except Exception as err:  # noqa: BLE001
        return {"build_error": [type(err).__name__, str(err)]}
    stream = rx.LazyChunkStream.from_iter(inputs)
    merged = any(op == "split_merge" for op, _ in scenario["ops"])
    for op, kwargs in scenario["ops"]:
        stream = apply(rx, stream, op, kwargs)
    result = {}
    try:
        chunks = stream.to_chunks()
        described = describe(chunks, inputs)
        if merged:  # merge interleaves its inputs in no fixed order
            described.sort(key=lambda d: json.dumps(d, sort_keys=True))
        result["chunks"] = described
    except Exception as err:  # noqa: BLE001
        result["error"] = [type(err).__name__, str(err)]
    try:
        result["from_chunks"] = rx.ChunkStore.from_chunks(inputs).summary()
    except Exception as err:  # noqa: BLE001
        result["from_chunks"] = [type(err).__name__, str(err)]
    # Which neighbour a chunk is merged into is a heuristic whose ties rerun-sdk breaks in hash-map
    # order (its own result varies from run to run), so compaction is compared by what it must
    # keep: per (entity, static, timelines, columns), the rows, and the chunk limits.
    try:
        store = rx.LazyChunkStream.from_iter(inputs).collect()
        totals = {}
        for line in store.summary().splitlines():
            head, rest = line.split(" rows=", 1)
            rows, shape = rest.split(" ", 1)
            key = head + " " + shape
            totals[key] = totals.get(key, 0) + int(rows)
        result["collect"] = sorted(totals.items())
        result["collect_summary"] = store.summary()
    except Exception as err:  # noqa: BLE001
        result["collect"] = [type(err).__name__, str(err)]
    return result
