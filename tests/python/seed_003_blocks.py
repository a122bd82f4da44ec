"""Seed 003's code blocks, as written there (only the import line differs between the two
sides), each followed by a few lines that use its result. test_seed_003.py runs them with
`import chunkhouse as rr`, seed_003_reference.py with `import rerun as rr`.

Blocks that need MCAP or Parquet (ColumnRule, McapReader, ParquetReader) are the next issue's;
the query_metrics block needs a Rerun Cloud URL and dataset name (placeholders in the seed)."""

SETUP = """
import pyarrow as pa
import pyarrow.compute
from {module}.experimental import (Chunk, ChunkStore, DeriveLens, LazyChunkStream, MutateLens,
                                   OptimizationProfile, RrdReader, Selector)
reader = RrdReader(PATH_F)
imu = [c for c in reader.stream().to_chunks() if c.entity_path == "/sensors/imu"][0]
my_struct_array = pa.StructArray.from_arrays(
    [pa.array([{{"x": 1.0}}, {{"x": 2.0}}]), pa.array([1.5, 3.0])], names=["location", "values"])
"""

# (name, the seed's block, lines after it that turn its result into something comparable)
BLOCKS = [
    ("from_columns", """
chunk = Chunk.from_columns(
    "/robots/arm",
    indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
    columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
)
""", "result = [chunk.num_rows, chunk.num_columns, chunk.format(redact=True)]"),
    ("derive_lens", """
lens = (
    DeriveLens("Imu:accel")
    .to_component(rr.Scalars.descriptor_scalars(), Selector(".x"))
)
""", "result = [c.format(redact=True) for c in imu.apply_lenses(lens)] + "
         "[reader.stream().lenses(lens).collect().summary()]"),
    ("derive_lens_target", """
lens = (
    DeriveLens("Imu:accel", output_entity="/out/x")
    .to_component(rr.Scalars.descriptor_scalars(), Selector(".x"))
)
""", "result = [c.format(redact=True) for c in imu.apply_lenses(lens)] + "
         "[reader.stream().lenses(lens, output_mode='forward_unmatched').collect().summary()]"),
    ("collect_object_store", """
store = reader.stream().collect(optimize=OptimizationProfile.OBJECT_STORE)
""", "result = [len(store), store.summary()]"),
    ("mutate_lens", """
lens = MutateLens("Imu:accel", Selector(".x"))
""", "result = [c.format(redact=True) for c in imu.apply_lenses(lens)]"),
    ("selector", """
selector = Selector(".location")
result = selector.execute(my_struct_array)
""", "result = result.to_pylist()"),
    ("selector_pipe", """
selector = Selector(".values").pipe(lambda arr: pa.compute.multiply(arr, 2))
result = selector.execute(my_struct_array)
""", "result = result.to_pylist()"),
]


def run_blocks(module: str, path_f: str) -> dict:
    out = {}
    for name, block, after in BLOCKS:
        namespace = {"PATH_F": path_f}
        exec(f"import {module} as rr", namespace)  # the one line that differs
        exec(SETUP.format(module=module), namespace)
        try:
            exec(block, namespace)
            exec(after, namespace)
            out[name] = {"ok": namespace["result"]}
        except Exception as err:  # noqa: BLE001
            out[name] = {"error": [type(err).__name__, str(err)]}
    return out
