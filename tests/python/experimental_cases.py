"""Cases of seed 003's chunk API, run on both sides: by test_experimental_differential.py with
`chunkhouse` and by experimental_reference.py (in the rerun-sdk venv) with `rerun`.

Each case is a function `case_<name>(rr, rx, paths)` (rr: the top-level module, rx: its
`experimental` module, paths: the files written by the reference side) returning something JSON
can hold. It imports neither library itself, so one text of each case runs on both sides.
"""

from __future__ import annotations

import dataclasses

F_APP_ID = "integration_tests"
F_RECORDING_ID = "fixed-recording-id-for-integration-tests"


def write_fixture_f(rr, pa, path) -> None:
    """Fixture F of the spec (Rerun's own integration-test recording), written with rerun-sdk."""
    with rr.RecordingStream(F_APP_ID, recording_id=F_RECORDING_ID) as rec:
        rec.save(path)
        rec.send_columns("/robots/arm",
                         indexes=[rr.TimeColumn("my_index", sequence=[1, 2]),
                                  rr.TimeColumn("other_timeline", sequence=[10, 20])],
                         columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6]], colors=[[255, 0, 0], [0, 255, 0]]))
        rec.send_columns("/cameras/front", indexes=[rr.TimeColumn("my_index", sequence=[1])],
                         columns=rr.TextLog.columns(text=["frame_001"]))
        rec.send_columns("/config", indexes=[], columns=rr.TextLog.columns(text=["v1"]))
        imu = pa.StructArray.from_arrays(
            [pa.array([0.1, 0.4], pa.float64()), pa.array([0.2, 0.5], pa.float64()), pa.array([9.8, 9.7], pa.float64()),
             pa.array([1_000_000_000, 2_000_000_000], pa.int64())], names=["x", "y", "z", "timestamp"])
        rec.send_columns("/sensors/imu", indexes=[rr.TimeColumn("my_index", sequence=[1, 2])],
                         columns=rr.DynamicArchetype.columns(archetype="Imu", components={"accel": imu}))


def write_scalar_chunks(rr, path, n: int = 4200) -> None:
    """`n` one-row scalar chunks at /sensor (the compaction case)."""
    with rr.RecordingStream("compaction", recording_id="scalars") as rec:
        rec.save(path)
        for i in range(n):
            rec.send_columns("/sensor", indexes=[rr.TimeColumn("t", sequence=[i])],
                             columns=rr.Scalars.columns(scalars=[float(i)]))


def write_two_stores(rr, path) -> None:
    """Two recordings and a blueprint in one file (written apart, joined by `rerun rrd merge`)."""
    import subprocess  # noqa: PLC0415  (reference side only)
    import sys  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    import rerun.blueprint as rrb  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for i, (rid, entity) in enumerate([("recording_1", "/a"), ("recording_2", "/b")]):
            part = Path(tmp) / f"{i}.rrd"
            with rr.RecordingStream("rerun_example_test_app", recording_id=rid) as rec:
                rec.save(part)
                if i == 0:
                    rec.send_blueprint(rrb.Blueprint(rrb.TextLogView(origin="/")))
                rec.log(entity, rr.TextLog(rid))
            parts.append(str(part))
        rerun_cli = Path(sys.executable).parent / "rerun"
        subprocess.run([str(rerun_cli), "rrd", "merge", *parts, "-o", str(path)], check=True, capture_output=True)


# -- helpers --------------------------------------------------------------------------------------

def entities(store) -> list[str]:
    return sorted({line.split(" ", 1)[0] for line in store.summary().splitlines()})


def columns(schema) -> list[str]:
    return sorted(str(c.name) for c in schema.component_columns())


def reader(rx, paths, name="F"):
    return rx.RrdReader(paths[name])


def ids(chunks) -> set:
    return {c.id for c in chunks}


# -- cases ------------------------------------------------------------------------------------------

def case_reader_entries(rr, rx, paths):
    r = reader(rx, paths)
    return [[e.kind, e.application_id, e.recording_id] for e in r.recordings() + r.blueprints()]


def case_to_chunks_and_iter(rr, rx, paths):
    s = reader(rx, paths).stream()
    return [sorted(c.entity_path for c in s.to_chunks()), sorted(c.entity_path for c in s)]


def case_collect_summary(rr, rx, paths):
    store = reader(rx, paths).stream().collect()
    return [repr(store), len(store), store.summary()]


def case_from_chunks_summary(rr, rx, paths):
    chunks = reader(rx, paths).stream().to_chunks()
    return rx.ChunkStore.from_chunks(chunks).summary()


def case_filter_content(rr, rx, paths):
    s1 = reader(rx, paths).stream().filter(content="/robots/**").collect()
    s2 = reader(rx, paths).stream().filter(content=["/robots/**", "/cameras/**"]).collect()
    return [entities(s1), entities(s2)]


def case_filter_is_static(rr, rx, paths):
    return [entities(reader(rx, paths).stream().filter(is_static=v).collect()) for v in (True, False)]


def case_filter_has_timeline(rr, rx, paths):
    return entities(reader(rx, paths).stream().filter(has_timeline="other_timeline").collect())


def case_filter_components(rr, rx, paths):
    out = []
    for comps in ("Points3D:positions", ["Points3D:positions", "Nonexistent:foo"], ["Nonexistent:a", "Nonexistent:b"],
                  ["Points3D:positions", "Points3D:colors"], []):
        out.append(reader(rx, paths).stream().filter(components=comps).collect().summary())
    return out


def case_component_slices_get_new_ids(rr, rx, paths):
    original = ids(reader(rx, paths).stream().to_chunks())
    kept = reader(rx, paths).stream().filter(components="Points3D:positions").to_chunks()
    dropped = reader(rx, paths).stream().filter(content="/robots/**").drop(components="Points3D:positions").to_chunks()
    untouched = reader(rx, paths).stream().drop(components="Points3D:positions").to_chunks()
    return [bool(ids(kept) & original), bool(ids(dropped) & original), len(ids(untouched) & original)]


def case_drop(rr, rx, paths):
    a = reader(rx, paths).stream().drop(components=["Points3D:positions", "Points3D:colors"]).collect().summary()
    b = entities(reader(rx, paths).stream().drop(content="/robots/**").collect())
    c = reader(rx, paths).stream().drop(components=[]).collect().summary()
    d = entities(reader(rx, paths).stream().drop(content=[]).collect())
    e = entities(reader(rx, paths).stream().filter(content=[]).collect())
    return [a, b, c, d, e]


def case_split_merge_roundtrip(rr, rx, paths):
    a, b = reader(rx, paths).stream().split(is_static=True)
    merged = rx.LazyChunkStream.merge(a, b).collect()
    whole = reader(rx, paths).stream().collect()
    return [columns(merged.schema()) == columns(whole.schema()), sorted(merged.summary().splitlines())]


def case_split_components(rr, rx, paths):
    m, u = reader(rx, paths).stream().split(components=["Points3D:positions", "Points3D:colors"])
    both = rx.LazyChunkStream.merge(m, u).collect().summary()
    m2, _ = reader(rx, paths).stream().split(components=["Points3D:positions"])
    return [sorted(both.splitlines()), m2.collect().summary()]


def case_split_one_branch(rr, rx, paths):
    m, _ = reader(rx, paths).stream().split(content="/robots/**")
    _, u = reader(rx, paths).stream().split(content="/robots/**")
    return [entities(m.collect()), entities(u.collect())]


def case_chained_filters(rr, rx, paths):
    s = reader(rx, paths).stream().filter(is_static=False).filter(content="/robots/**").filter(components="Points3D:colors")
    t = reader(rx, paths).stream().filter(is_static=True).filter(is_static=False)
    return [s.collect().summary(), t.collect().summary()]


def case_consumed_streams(rr, rx, paths):
    out = []

    def attempt(f):
        try:
            f()
            out.append("no error")
        except Exception as err:  # noqa: BLE001
            out.append([type(err).__name__, str(err)])

    s = reader(rx, paths).stream()
    s.filter(is_static=True)
    attempt(lambda: s.filter(is_static=True))
    attempt(lambda: s.to_chunks())
    s = reader(rx, paths).stream()
    s.split(is_static=True)
    attempt(lambda: s.collect())
    a = reader(rx, paths).stream()
    attempt(lambda: rx.LazyChunkStream.merge(a, a))
    s = reader(rx, paths).stream()
    s.map(lambda c: c)
    attempt(lambda: s.to_chunks())
    s = reader(rx, paths).stream()
    s.flat_map(lambda c: [c])
    attempt(lambda: s.to_chunks())
    return out


def case_terminals_do_not_consume(rr, rx, paths):
    s = reader(rx, paths).stream().filter(is_static=False)
    a = s.collect()
    b = s.collect()
    c = list(s)
    d = s.to_chunks()
    return [columns(a.schema()) == columns(b.schema()), len(c), len(d)]


def case_map_flat_map(rr, rx, paths):
    n = len(reader(rx, paths).stream().to_chunks())
    m = len(reader(rx, paths).stream().map(lambda c: c).to_chunks())
    f = len(reader(rx, paths).stream().flat_map(lambda c: [c, c]).to_chunks())
    z = len(reader(rx, paths).stream().flat_map(lambda c: []).to_chunks())
    after = len(reader(rx, paths).stream().filter(content="/robots/**").map(lambda c: c).to_chunks())
    m1, u1 = reader(rx, paths).stream().split(is_static=True)
    branch = rx.LazyChunkStream.merge(m1.map(lambda c: c), u1).collect().summary()
    s = reader(rx, paths).stream().map(lambda c: c)
    twice = [len(s.to_chunks()), len(s.to_chunks())]
    return [n, m, f, z, after, sorted(branch.splitlines()), twice]


def case_map_errors(rr, rx, paths):
    out = []

    def boom(c):
        raise ValueError("test error from map")

    def flat_boom(c):
        raise ValueError("test error from flat_map")

    for stream in (reader(rx, paths).stream().map(boom), reader(rx, paths).stream().flat_map(flat_boom)):
        try:
            stream.to_chunks()
            out.append("no error")
        except ValueError as err:
            out.append(str(err))
    try:
        reader(rx, paths).stream().map(lambda c: None).to_chunks()
        out.append("no error")
    except AttributeError as err:
        out.append(["AttributeError", str(err)])
    try:
        reader(rx, paths).stream().flat_map(lambda c: 5).to_chunks()
        out.append("no error")
    except TypeError:
        out.append("TypeError")
    return out


def case_from_iter(rr, rx, paths):
    chunks = reader(rx, paths).stream().to_chunks()
    store = rx.LazyChunkStream.from_iter(chunks).collect()
    lazy = reader(rx, paths).store()
    once = rx.LazyChunkStream.from_iter(iter(chunks))
    first, second = len(once.to_chunks()), len(once.to_chunks())
    return [columns(store.schema()) == columns(lazy.schema()), columns(store.schema()), first, second]


def case_write_rrd_roundtrip(rr, rx, paths):
    out = paths["tmp"] + "/roundtrip.rrd"
    reader(rx, paths).stream().write_rrd(out, application_id="rerun_example_my_app", recording_id="my-rec")
    back = rx.RrdReader(out)
    entry = back.recordings()[0]
    return [entry.application_id, entry.recording_id, columns(back.store().schema()) == columns(reader(rx, paths).store().schema()),
            back.stream().collect().summary()]


def case_lazy_store(rr, rx, paths):
    lazy = reader(rx, paths).store()
    before = lazy._chunks_loaded
    summary = lazy.summary()
    got = lazy.stream().filter(content="/robots/**").to_chunks()
    return [repr(lazy), len(lazy), before, summary, summary == lazy.stream().collect().summary(), len(got),
            columns(lazy.schema())]


def case_lazy_store_pushdown(rr, rx, paths):
    lazy = reader(rx, paths).store()
    got = lazy.stream().filter(is_static=False).filter(has_timeline="other_timeline").to_chunks()
    return [len(got), lazy._chunks_loaded]


def case_merge_two_files(rr, rx, paths):
    def prefixed(prefix):
        return reader(rx, paths).stream().drop(content="/__properties/**").map(
            lambda c: c.with_entity_path(prefix + c.entity_path))

    out = paths["tmp"] + "/merged.rrd"
    rx.LazyChunkStream.merge(prefixed("/left"), prefixed("/right")).write_rrd(out, application_id="a", recording_id="b")
    return entities(rx.RrdReader(out).stream().collect())


def case_optimization_profile(rr, rx, paths):
    P = rx.OptimizationProfile
    custom = P(max_rows=100, extra_passes=3, gop_batching=False, split_size_ratio=10.0)
    fields = ["max_bytes", "max_rows", "max_rows_if_unsorted", "extra_passes", "gop_batching", "split_size_ratio",
              "fix_keyframe"]
    return [[getattr(p, f) for f in fields] for p in (P.LIVE, P.OBJECT_STORE, custom, P())] + [
        P() == P(), dataclasses.replace(P.OBJECT_STORE, gop_batching=False).max_rows]


def case_compaction_invariants(rr, rx, paths):
    s = rx.RrdReader(paths["scalars"]).stream()
    default = s.collect()
    plain = s.collect(optimize=rx.OptimizationProfile())
    live = s.collect(optimize=rx.OptimizationProfile.LIVE)
    obj = s.collect(optimize=rx.OptimizationProfile.OBJECT_STORE)

    def rows(store):
        return [int(line.split(" rows=")[1].split(" ")[0]) for line in store.summary().splitlines()]

    return {
        "invariants": [len(default) < 4200, len(plain) <= len(default), sum(rows(default)), sum(rows(plain)),
                       sum(rows(live)), max(rows(live)) <= 4096, sum(rows(obj)), max(rows(obj)) > 4096,
                       columns(default.schema()) == columns(obj.schema())],
        # Chunk counts are heuristics: reported beside rerun-sdk's, not required equal.
        "counts": [len(default), len(plain), len(live), len(obj)],
    }


def case_multi_store(rr, rx, paths):
    import warnings  # noqa: PLC0415

    r = rx.RrdReader(paths["two_stores"])
    recs = r.recordings()
    out = [len(recs), len(r.blueprints()), repr(recs[0]), recs[0] == r.recordings()[0],
           hash(recs[0]) == hash(r.recordings()[0])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r.stream()
    out.append(any("implicitly using" in str(w.message) for w in caught))
    out.append([str(w.message) for w in caught if "implicitly" in str(w.message)])
    out.append(entities(r.stream(store=recs[1]).collect()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reader(rx, paths).stream()
    out.append(any("implicitly using" in str(w.message) for w in caught))
    try:
        reader(rx, paths).stream(store=recs[0])
        out.append("no error")
    except ValueError as err:
        out.append(str(err))
    return out


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}
# Cases whose result may differ between implementations: only these keys are compared.
PARTIAL = {"compaction_invariants": ["invariants"]}
