// The lens engine against the ✔ examples of notes/selector_lens.md §5 (each checked there against
// rerun-sdk 0.36.2): build checks, planning and collisions, prefix rules, 1:1 and scatter
// derives, casts, error texts and their order, and the stream step.
#include "chunkhouse/transform/lens.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/transform/lens_internal.h"

namespace chunkhouse::transform {
namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;
using Chunks = std::vector<std::shared_ptr<Chunk>>;

ArrayPtr J(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}
Selector S(std::string_view q) { return Selector::Parse(q).ValueOrDie(); }
ComponentDescriptor D(std::string id, std::optional<std::string> arch = std::nullopt,
                      std::optional<std::string> type = std::nullopt) {
  return ComponentDescriptor{std::move(arch), std::move(id), std::move(type)};
}
ComponentDescriptor Scalars() { return D("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar"); }

const auto kQ = arrow::struct_({arrow::field("q", arrow::int64())});
const auto kXYZ = arrow::struct_({arrow::field("x", arrow::float64()), arrow::field("y", arrow::float64()),
                                  arrow::field("z", arrow::float64())});

struct Column {
  ComponentDescriptor d;
  std::shared_ptr<arrow::DataType> item;
  std::string json;
};

std::shared_ptr<Chunk> MakeChunk(const std::string& entity, std::vector<std::pair<std::string, std::vector<int64_t>>> times,
                                 const std::vector<Column>& columns) {
  ChunkBuilder b(entity);
  for (auto& [name, v] : times) b.AddIndex(Timeline{name, TimeType::kSequence}, v);
  for (const auto& c : columns) b.AddComponent(c.d, J(arrow::list(c.item), c.json));
  return b.Build().ValueOrDie();
}

// /s, frame=[0,1], Imu:accel (struct x,y,z) and other (struct q): the chunk of notes §5.6.
std::shared_ptr<Chunk> Sensor() {
  return MakeChunk("/s", {{"frame", {0, 1}}},
                   {{D("Imu:accel", "Imu"), kXYZ, R"([[{"x":1,"y":3,"z":5}],[{"x":2,"y":4,"z":6}]])"},
                    {D("other"), kQ, R"([[{"q":10}],[{"q":20}]])"}});
}

Result<Chunks> Apply(const std::shared_ptr<Chunk>& c, std::vector<Lens> lenses,
                     OutputMode mode = OutputMode::kForwardUnmatched) {
  ARROW_ASSIGN_OR_RAISE(auto set, LensSet::Make(std::move(lenses)));
  return ApplyLenses(c, set, mode);
}

std::string Error(const Result<Chunks>& r) { return r.ok() ? "no error" : r.status().message(); }

std::vector<std::string> Columns(const Chunk& c) {
  std::vector<std::string> out;
  for (const auto& f : c.batch()->schema()->fields()) out.push_back(f->name());
  return out;
}
std::string Col(const Chunk& c, const std::string& name) { return c.batch()->GetColumnByName(name)->ToString(); }
std::string Times(const Chunk& c, const std::string& name) {
  auto col = c.batch()->GetColumnByName(name);
  std::string out;
  for (int64_t i = 0; i < col->length(); ++i) {
    out += (i ? "," : "") + std::to_string(col->data()->GetValues<int64_t>(1)[i]);
  }
  return out;
}
bool SameRowIds(const Chunk& a, const Chunk& b) {
  return a.batch()->column(0)->Equals(*b.batch()->column(0));
}
bool FreshRowIds(const Chunk& c) {
  return c.batch()->column(0)->Equals(*SequentialRowIds(c.id(), c.num_rows()));
}
Lens Derive(std::string in, std::optional<std::string> entity = std::nullopt, bool scatter = false) {
  return Lens::Derive(std::move(in), std::move(entity), scatter);
}

// --- build checks (§5.1) -------------------------------------------------------------------------

TEST(LensBuild, Checks) {
  EXPECT_EQ(LensSet::Make({Derive("other").ToTimeline("t", TimeType::kSequence, S(".q"))}).status().message(),
            "Lens for input component `other` is missing output components");
  EXPECT_EQ(LensSet::Make({Derive("other").ToComponent(D("other"), S(".q"))}).status().message(),
            "Derive lens targets the same component as its input `other` on the same entity - use a mutate lens "
            "instead");
  EXPECT_EQ(LensSet::Make({Derive("other").ToComponent(D("o"), S(".q")).ToTimeline("", TimeType::kSequence, S(".q"))})
                .status()
                .message(),
            "Invalid `TimelineName`: must not be empty");
  EXPECT_EQ(LensSet::Make({Derive("")}).status().message(), "Invalid `ComponentIdentifier`: must not be empty");
  EXPECT_EQ(ParseOutputMode("bogus").status().message(),
            "Unknown output_mode 'bogus', expected 'forward_all', 'forward_unmatched', or 'drop_unmatched'");
}

TEST(LensBuild, OwnEntityAsOutputEntityBypassesTheSameComponentCheck) {
  auto r = Apply(Sensor(), {Derive("other", "/s").ToComponent(D("other"), S(".q"))});
  ASSERT_TRUE(r.ok()) << Error(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(Columns(*(*r)[0]), (std::vector<std::string>{"rerun.controls.RowId", "frame", "Imu:accel"}));
  EXPECT_EQ((*r)[1]->entity_path(), "/s");
  EXPECT_EQ(Col(*(*r)[1], "other"), J(arrow::list(arrow::int64()), "[[10],[20]]")->ToString());
}

// --- collisions (§5.7) ---------------------------------------------------------------------------

TEST(LensPlan, Collisions) {
  EXPECT_EQ(Error(Apply(Sensor(), {Lens::Mutate("Imu:accel", S(".x")), Lens::Mutate("Imu:accel", S(".y"))})),
            "Lens collision at entity `/s`: mutate target `Imu:accel` already claimed by a prior lens");
  EXPECT_EQ(Error(Apply(Sensor(), {Derive("other").ToComponent(D("shared"), S(".q")),
                                   Derive("Imu:accel").ToComponent(D("shared"), S(".x"))})),
            "Lens collision at entity `/s`: derive output `shared` already claimed by a prior lens");
  EXPECT_EQ(Error(Apply(Sensor(), {Derive("other", "/n").ToComponent(D("shared"), S(".q")),
                                   Derive("Imu:accel", "n").ToComponent(D("shared"), S(".x"))})),
            "Lens collision at entity `/n`: derive output `shared` already claimed by a prior lens");
  // A(a,b), B(b,c), C(c): B is skipped but still claims c.
  EXPECT_EQ(Error(Apply(Sensor(), {Derive("other").ToComponent(D("a"), S(".q")).ToComponent(D("b"), S(".q")),
                                   Derive("other").ToComponent(D("b"), S(".q")).ToComponent(D("c"), S(".q")),
                                   Derive("other").ToComponent(D("c"), S(".q"))})),
            "Lens collision at entity `/s`: derive output `b` already claimed by a prior lens; "
            "Lens collision at entity `/s`: derive output `c` already claimed by a prior lens");
  // Lenses whose input is missing claim nothing.
  EXPECT_TRUE(Apply(Sensor(), {Derive("nope").ToComponent(D("shared"), S(".q")),
                               Derive("other").ToComponent(D("shared"), S(".q"))})
                  .ok());
}

TEST(LensPlan, NoCollisionAcrossKinds) {
  // A separate derive to the input's own entity and a same-entity derive, same output: both emitted.
  auto r = Apply(Sensor(), {Derive("other", "/s").ToComponent(D("o"), S(".q")), Derive("other").ToComponent(D("o"), S(".q"))});
  ASSERT_TRUE(r.ok()) << Error(r);
  ASSERT_EQ(r->size(), 2u);
  // A merged derive overwrites a mutated column, with its own descriptor.
  r = Apply(Sensor(), {Lens::Mutate("Imu:accel", S(".x")), Derive("other").ToComponent(D("Imu:accel"), S("."))});
  ASSERT_TRUE(r.ok()) << Error(r);
  ASSERT_EQ(r->size(), 1u);
  const auto* c = (*r)[0]->FindComponent("Imu:accel");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->descriptor.archetype.has_value());
}

TEST(LensPlan, FirstFailingResultOnly) {
  // A prefix collision wins over a failing derived chunk.
  auto r = Apply(Sensor(), {Lens::Mutate("other", S(".q")), Lens::Mutate("other", S(".q")),
                            Derive("other", "/a").ToComponent(D("o"), S("[0]"))});
  EXPECT_EQ(Error(r), "Lens collision at entity `/s`: mutate target `other` already claimed by a prior lens");
  // Two failing derived chunks: only the first one's errors.
  r = Apply(Sensor(), {Derive("other", "/a").ToComponent(D("o"), S("[0]")), Derive("other", "/b").ToComponent(D("o"), S("[0]"))});
  EXPECT_EQ(Error(r),
            "Failed to apply operations to component 'o' (entity: `/a`, input: `other`): Invalid argument error: "
            "cannot access `[0]` on unexpected type Struct(\"q\": Int64); Chunk validation failed: Detected malformed "
            "chunk: All timelines in a chunk must have the same number of timestamps, matching the number of row IDs. "
            "Found 0 row IDs but 2 timestamps for timeline 'frame'");
  // A mutate error, then a merged-derive error.
  r = Apply(Sensor(), {Lens::Mutate("Imu:accel", S("[0]")), Derive("other").ToComponent(D("o"), S("[0]"))});
  EXPECT_EQ(Error(r),
            "Failed to apply operations to component 'Imu:accel' (entity: `/s`, input: `Imu:accel`): Invalid argument "
            "error: cannot access `[0]` on unexpected type Struct(\"x\": Float64, \"y\": Float64, \"z\": Float64); "
            "Failed to apply operations to component 'o' (entity: `/s`, input: `other`): Invalid argument error: "
            "cannot access `[0]` on unexpected type Struct(\"q\": Int64)");
}

// --- output modes (§5.6) -------------------------------------------------------------------------

std::string Describe(const Chunks& chunks, const std::shared_ptr<Chunk>& input) {
  std::string out;
  for (const auto& c : chunks) {
    out += c->entity_path() + "[";
    std::vector<std::string> names;
    for (const auto& cc : c->components()) names.push_back(cc.descriptor.component);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) out += n + ",";
    out += c->id() == input->id() ? "]same" : SameRowIds(*c, *input) ? "]rows" : FreshRowIds(*c) ? "]fresh" : "]?";
    out += " ";
  }
  return out;
}

TEST(LensModes, Table) {
  struct Row {
    std::vector<Lens> lenses;
    std::string drop, fwd_unmatched, fwd_all;
  };
  const std::vector<Row> rows = {
      {{Derive("other").ToComponent(D("o"), S(".q"))}, "/s[o,]rows ", "/s[Imu:accel,o,]rows ",
       "/s[Imu:accel,o,other,]rows "},
      {{Derive("other", "/n").ToComponent(D("o"), S(".q"))}, "/n[o,]fresh ", "/s[Imu:accel,]rows /n[o,]fresh ",
       "/s[Imu:accel,other,]same /n[o,]fresh "},
      {{Lens::Mutate("other", S(".q"))}, "/s[other,]fresh ", "/s[Imu:accel,other,]fresh ",
       "/s[Imu:accel,other,]fresh "},
      {{Lens::Mutate("other", S(".q")), Derive("other").ToComponent(D("o"), S(".q"))}, "/s[o,other,]fresh ",
       "/s[Imu:accel,o,other,]fresh ", "/s[Imu:accel,o,other,]fresh "},
      {{Derive("nope").ToComponent(D("o"), S("."))}, "", "/s[Imu:accel,other,]same ", "/s[Imu:accel,other,]same "},
      {{}, "", "/s[Imu:accel,other,]same ", "/s[Imu:accel,other,]same "},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    auto in = Sensor();
    EXPECT_EQ(Describe(Apply(in, rows[i].lenses, OutputMode::kDropUnmatched).ValueOrDie(), in), rows[i].drop);
    EXPECT_EQ(Describe(Apply(in, rows[i].lenses, OutputMode::kForwardUnmatched).ValueOrDie(), in), rows[i].fwd_unmatched);
    EXPECT_EQ(Describe(Apply(in, rows[i].lenses, OutputMode::kForwardAll).ValueOrDie(), in), rows[i].fwd_all);
  }
}

TEST(LensModes, SuppressedMutatesAndMerges) {
  auto in = Sensor();
  // A suppressed mutate removes its column; with nothing left there is no prefix.
  EXPECT_EQ(Describe(Apply(in, {Lens::Mutate("other", S(".zz"))}).ValueOrDie(), in), "/s[Imu:accel,]fresh ");
  EXPECT_EQ(Describe(Apply(in, {Lens::Mutate("other", S(".zz"))}, OutputMode::kDropUnmatched).ValueOrDie(), in), "");
  // A suppressed merged derive: the prefix still exists with the other columns.
  EXPECT_EQ(Describe(Apply(in, {Derive("other").ToComponent(D("o"), S(".zz"))}).ValueOrDie(), in),
            "/s[Imu:accel,]rows ");
}

// --- row ids and sorting (§5.3) ------------------------------------------------------------------

TEST(LensRows, UnsortedInput) {
  auto in = MakeChunk("/s", {{"t", {3, 1, 2}}}, {{D("comp"), kQ, R"([[{"q":3}],[{"q":1}],[{"q":2}]])"}});
  auto r = Apply(in, {Lens::Mutate("comp", S(".q"))}).ValueOrDie();
  ASSERT_EQ(r.size(), 1u) << in->batch()->ToString();
  EXPECT_EQ(Times(*r[0], "t"), "1,2,3");
  EXPECT_TRUE(FreshRowIds(*r[0]));
  r = Apply(in, {Lens::Mutate("comp", S(".q"), /*keep_row_ids=*/true)}).ValueOrDie();
  EXPECT_EQ(Times(*r[0], "t"), "3,1,2");
  EXPECT_TRUE(SameRowIds(*r[0], *in));
  EXPECT_NE(r[0]->id(), in->id());
  EXPECT_FALSE(r[0]->FindIndex("t")->is_sorted);
  r = Apply(in, {Derive("comp", "/o").ToComponent(D("v"), S(".q"))}).ValueOrDie();
  ASSERT_EQ(r.size(), 1u);  // comp is consumed: no prefix
  EXPECT_EQ(Times(*r[0], "t"), "1,2,3");
  EXPECT_EQ(Col(*r[0], "v"), J(arrow::list(arrow::int64()), "[[1],[2],[3]]")->ToString());
  auto sel = ApplySelector(*in, "comp", S(".q")).ValueOrDie();
  EXPECT_EQ(Times(*sel, "t"), "3,1,2");
  EXPECT_TRUE(FreshRowIds(*sel));
}

TEST(LensRows, NewTimelineSortsFirstByName) {
  auto in = MakeChunk("/s", {{"frame", {0, 1, 2}}}, {{D("c"), arrow::struct_({arrow::field("t", arrow::int64())}),
                                                      R"([[{"t":9}],[{"t":8}],[{"t":7}]])"}});
  auto r = Apply(in, {Derive("c").ToComponent(D("o"), S(".t")).ToTimeline("a", TimeType::kSequence, S(".t"))})
               .ValueOrDie();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(Times(*r[0], "a"), "7,8,9");
  EXPECT_EQ(Times(*r[0], "frame"), "2,1,0");
}

// --- 1:1 derive (§5.4) ---------------------------------------------------------------------------

TEST(LensDerive, TimelineTakesRawValuesPositionWise) {
  auto xt = arrow::struct_({arrow::field("x", arrow::float64()), arrow::field("t", arrow::int64())});
  auto in = MakeChunk("/s", {{"frame", {0, 1, 2, 3}}},
                      {{D("c"), xt, R"([[{"x":1,"t":10}],[{"x":2,"t":null},{"x":3,"t":30}],null,[{"x":4,"t":40}]])"}});
  auto r = Apply(in, {Derive("c").ToComponent(D("out"), S(".x")).ToTimeline("a", TimeType::kSequence, S(".t"))})
               .ValueOrDie();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(Times(*r[0], "a"), "0,10,30,40");
  EXPECT_EQ(Times(*r[0], "frame"), "1,0,2,3");
  EXPECT_EQ(Col(*r[0], "out"), J(arrow::list(arrow::float64()), "[[2,3],[1],null,[4]]")->ToString());
}

TEST(LensDerive, TimelineErrorsAndReplacement) {
  auto in = MakeChunk("/s", {{"frame", {0, 1}}},
                      {{D("c"), arrow::struct_({arrow::field("t", arrow::int64()), arrow::field("f", arrow::float64())}),
                        R"([[{"t":5,"f":1.5}],[{"t":6,"f":2.5}]])"}});
  auto r = Apply(in, {Derive("c")
                          .ToComponent(D("o"), S(".t"))
                          .ToTimeline("a", TimeType::kSequence, S("[0]"))
                          .ToTimeline("b", TimeType::kSequence, S(".f"))});
  EXPECT_EQ(Error(r),
            "Failed to apply operations to timeline 'a' (entity: `/s`, input: `c`): Invalid argument error: cannot "
            "access `[0]` on unexpected type Struct(\"t\": Int64, \"f\": Float64); Invalid time column type for "
            "timeline 'b': expected List<Int64>, got Float64");
  // An output named like an existing timeline replaces it (and its type).
  auto ok = Apply(in, {Derive("c").ToComponent(D("o"), S(".t")).ToTimeline("frame", TimeType::kTimestamp, S(".t"))})
                .ValueOrDie();
  EXPECT_EQ(ok[0]->FindIndex("frame")->timeline.type, TimeType::kTimestamp);
  EXPECT_EQ(Times(*ok[0], "frame"), "5,6");
}

TEST(LensDerive, AllOutputsSuppressed) {
  auto temporal = Sensor();
  EXPECT_EQ(Error(Apply(temporal, {Derive("other", "/o").ToComponent(D("o"), S(".zz"))})),
            "Chunk validation failed: Detected malformed chunk: All timelines in a chunk must have the same number of "
            "timestamps, matching the number of row IDs. Found 0 row IDs but 2 timestamps for timeline 'frame'");
  auto stat = MakeChunk("/s", {}, {{D("other"), kQ, R"([[{"q":1}]])"}});
  auto r = Apply(stat, {Derive("other", "/o").ToComponent(D("o"), S(".zz"))}, OutputMode::kDropUnmatched).ValueOrDie();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]->num_rows(), 0);
  EXPECT_EQ(r[0]->num_columns(), 1);
  EXPECT_NE(r[0]->id(), stat->id());
}

TEST(LensDerive, TimelineLengthMismatchIsAnErrorNotACrash) {
  // Fewer time values than rows: the wheel aborts; more: a malformed chunk. Both are errors here.
  auto in = MakeChunk("/s", {{"frame", {0, 1, 2}}},
                      {{D("c"), arrow::struct_({arrow::field("t", arrow::int64())}), R"([[{"t":1}],[],[{"t":3}]])"}});
  EXPECT_EQ(Error(Apply(in, {Derive("c").ToComponent(D("o"), S(".t")).ToTimeline("a", TimeType::kSequence, S(".t"))})),
            "Chunk validation failed: Detected malformed chunk: All timelines in a chunk must have the same number of "
            "timestamps, matching the number of row IDs. Found 3 row IDs but 2 timestamps for timeline 'a'");
}

TEST(LensDerive, WhichTimelineAMismatchNames) {
  // Rerun's hash-map order decides (notes §5.4: unspecified); what the wheel was seen to name: the
  // last timeline the lens added, else the first by name.
  auto in = MakeChunk("/s", {{"frame", {0, 1}}, {"a", {0, 1}}, {"zzz", {0, 1}}},
                      {{D("c"), kQ, R"([[{"q":1}],[{"q":2}]])"}});
  auto named = [&](Lens lens) {
    std::string e = Error(Apply(in, {std::move(lens)}));
    return e.substr(e.rfind(' ') + 1);
  };
  EXPECT_EQ(named(Derive("c", "/o").ToComponent(D("o"), S(".zz"))), "'a'");
  EXPECT_EQ(named(Derive("c", "/o").ToComponent(D("o"), S(".zz")).ToTimeline("b", TimeType::kSequence, S(".q"))),
            "'b'");
  EXPECT_EQ(named(Derive("c", "/o")
                      .ToComponent(D("o"), S(".zz"))
                      .ToTimeline("n1", TimeType::kSequence, S(".q"))
                      .ToTimeline("n2", TimeType::kSequence, S(".q"))),
            "'n2'");
  EXPECT_EQ(named(Derive("c", "/o").ToComponent(D("o"), S(".zz")).ToTimeline("frame", TimeType::kSequence, S(".q"))),
            "'a'");
}

// --- scatter (§5.5) ------------------------------------------------------------------------------

const auto kVN = arrow::struct_({arrow::field("value", arrow::int64()), arrow::field("name", arrow::utf8()),
                                 arrow::field("ts", arrow::int64())});

std::shared_ptr<Chunk> ScatterInput() {
  return MakeChunk("/s", {{"tick", {1, 2, 3}}},
                   {{D("c"), kVN,
                     R"([[{"value":1,"name":"one","ts":1},{"value":2,"name":"two","ts":2},{"value":3,"name":"three","ts":3}],
                         [{"value":4,"name":"four","ts":4}],[{"value":5,"name":null,"ts":5}]])"},
                    {D("keep"), arrow::int64(), "[[1],[2],[3]]"}});
}

TEST(LensScatter, Example) {
  auto in = ScatterInput();
  auto r = Apply(in, {Derive("c", std::nullopt, true)
                          .ToComponent(D("val"), S(".value"))
                          .ToComponent(D("nm"), S(".name"))
                          .ToTimeline("my_ts", TimeType::kSequence, S(".ts"))})
               .ValueOrDie();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(Describe({r[0]}, in), "/s[keep,]rows ");
  EXPECT_EQ(Times(*r[1], "my_ts"), "1,2,3,4,5");
  EXPECT_EQ(Times(*r[1], "tick"), "1,1,1,2,3");
  EXPECT_EQ(Col(*r[1], "nm"), J(arrow::list(arrow::utf8()), R"([["one"],["two"],["three"],["four"],null])")->ToString());
  EXPECT_EQ(Col(*r[1], "val"), J(arrow::list(arrow::int64()), "[[1],[2],[3],[4],[5]]")->ToString());
  EXPECT_TRUE(FreshRowIds(*r[1]));
}

TEST(LensScatter, NullAndEmptyRows) {
  auto vn = arrow::struct_({arrow::field("value", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto in = MakeChunk("/s", {{"tick", {1, 2, 3, 4}}},
                      {{D("c"), vn,
                        R"([[{"value":1,"name":"a"},null],[],null,[{"value":3,"name":"c"},{"value":null,"name":"d"}]])"}});
  auto lens = Derive("c", std::nullopt, true).ToComponent(D("val"), S(".value")).ToComponent(D("nm"), S(".name"));
  auto r = Apply(in, {lens}, OutputMode::kDropUnmatched).ValueOrDie();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(Times(*r[0], "tick"), "1,1,2,3,4,4");
  EXPECT_EQ(Col(*r[0], "val"), J(arrow::list(arrow::int64()), "[[1],null,[],null,[3],null]")->ToString());
  EXPECT_EQ(Col(*r[0], "nm"), J(arrow::list(arrow::utf8()), R"([["a"],null,[],null,["c"],["d"]])")->ToString());
  // A timeline with fewer values than rows: the wheel aborts; here it is the validation error.
  auto timed = Derive("c", std::nullopt, true).ToComponent(D("val"), S(".value")).ToTimeline("t", TimeType::kSequence, S(".value"));
  EXPECT_NE(Error(Apply(in, {timed})).find("Found 6 row IDs but 4 timestamps for timeline 't'"), std::string::npos);
}

TEST(LensScatter, Errors) {
  auto in = ScatterInput();
  EXPECT_EQ(Error(Apply(in, {Derive("c", std::nullopt, true).ToComponent(D("val"), S(".value")).ToComponent(D("pk"), S("pack(.value!, .ts!) | .[]"))})),
            "Output component 'pk' for entity `/s` produced 10 rows, expected 5 — row counts must be consistent across "
            "all output components");
  EXPECT_EQ(Error(Apply(in, {Derive("c", std::nullopt, true).ToComponent(D("a"), S(".zz"))})),
            "No component outputs were produced for target entity `/s`");
  // A suppressed first output: the next one is the reference.
  auto r = Apply(in, {Derive("c", std::nullopt, true).ToComponent(D("a"), S(".zz")).ToComponent(D("val"), S(".value"))});
  ASSERT_TRUE(r.ok()) << Error(r);
  EXPECT_EQ((*r)[1]->num_rows(), 5);
  // A failing first output: the errors of every output, nothing else.
  EXPECT_EQ(Error(Apply(in, {Derive("c", std::nullopt, true).ToComponent(D("a"), S("[0]")).ToComponent(D("b"), S(".value")).ToComponent(D("d"), S("[1]"))})),
            "Failed to apply operations to component 'a' (entity: `/s`, input: `c`): Invalid argument error: cannot "
            "access `[0]` on unexpected type Struct(\"value\": Int64, \"name\": Utf8, \"ts\": Int64); Failed to apply "
            "operations to component 'd' (entity: `/s`, input: `c`): Invalid argument error: cannot access `[1]` on "
            "unexpected type Struct(\"value\": Int64, \"name\": Utf8, \"ts\": Int64)");
}

TEST(LensScatter, StaticInputAndListElements) {
  auto v = arrow::struct_({arrow::field("v", arrow::list(arrow::int64())), arrow::field("t", arrow::int64())});
  auto in = MakeChunk("/s", {{"tick", {5, 6, 7, 8}}},
                      {{D("c"), v, R"([[{"v":[1,2],"t":1}],[{"v":[],"t":2}],null,[{"v":[3],"t":3}]])"}});
  auto r = Apply(in, {Derive("c", "/o", true).ToComponent(D("e"), S(".v[]"))}, OutputMode::kDropUnmatched).ValueOrDie();
  EXPECT_EQ(Times(*r[0], "tick"), "5,5,6,7,8");
  EXPECT_EQ(Col(*r[0], "e"), J(arrow::list(arrow::int64()), "[[1],[2],[],null,[3]]")->ToString());
  auto stat = MakeChunk("/s", {}, {{D("c"), v, R"([[{"v":[1],"t":1},{"v":[2],"t":2}]])"}});
  r = Apply(stat, {Derive("c", "/o", true).ToComponent(D("e"), S(".v")).ToTimeline("t", TimeType::kSequence, S(".t"))},
            OutputMode::kDropUnmatched)
          .ValueOrDie();
  EXPECT_EQ(Columns(*r[0]), (std::vector<std::string>{"rerun.controls.RowId", "t", "e"}));
  EXPECT_EQ(Times(*r[0], "t"), "1,2");
}

// --- casts (§5.9) --------------------------------------------------------------------------------

std::string CastResult(const std::string& selector, CastTo cast, ComponentDescriptor d = D("pk")) {
  auto in = MakeChunk("/s", {}, {{D("c"), arrow::struct_({arrow::field("x", arrow::float64(), false),
                                                          arrow::field("z", arrow::float64(), false),
                                                          arrow::field("i", arrow::int64()), arrow::field("s", arrow::utf8())}),
                                  R"([[{"x":1,"z":5,"i":7,"s":"1.5"}],[{"x":2,"z":6,"i":300,"s":"abc"}]])"}});
  auto r = Apply(in, {Derive("c", "/o").ToComponent(d, S(selector), cast)}, OutputMode::kDropUnmatched);
  if (!r.ok()) return "ERR: " + r.status().message();
  const auto* c = (*r)[0]->FindComponent(d.component);
  const auto& col = (*r)[0]->column(c->column);
  return col.type()->ToString(true) + " " + col.ToString();
}

TEST(LensCast, Rules) {
  auto none = CastTo{};
  auto autocast = CastTo{CastTo::Kind::kAuto, nullptr};
  EXPECT_EQ(CastResult(".i", none).substr(0, 16), "list<item: int64");
  EXPECT_EQ(CastResult(".i", autocast, Scalars()).substr(0, 17), "list<item: double");
  EXPECT_EQ(CastResult(".i", autocast, D("q", std::nullopt, "rerun.components.Scalar")).substr(0, 17),
            "list<item: double");
  EXPECT_EQ(CastResult(".i", autocast, D("q", std::nullopt, "Scalar")),
            "ERR: Cannot auto-cast output component 'q' — its descriptor carries no known component type to derive "
            "the target Arrow datatype from (entity: `/o`)");
}

TEST(LensCast, Explicit) {
  auto to = [](std::shared_ptr<arrow::DataType> t) { return CastTo{CastTo::Kind::kType, std::move(t)}; };
  EXPECT_EQ(CastResult("pack(.x, .z)", to(arrow::float32())),
            "ERR: Failed to cast output component 'pk': Cast error: Casting from FixedSizeList(2 x non-null Float64) to "
            "Float32 not supported (entity: `/o`)");
  EXPECT_EQ(CastResult("pack(.x, .z)", to(arrow::fixed_size_list(arrow::float32(), 2))).substr(0, 44),
            "list<item: fixed_size_list<item: float>[2]> ");
  EXPECT_EQ(CastResult(".x", to(arrow::struct_({arrow::field("a", arrow::int8())}))),
            "ERR: Failed to cast output component 'pk': Cast error: Casting from Float64 to Struct(\"a\": Int8) not "
            "supported (entity: `/o`)");
  // Safe casts: what does not convert becomes null.
  EXPECT_EQ(CastResult(".s", to(arrow::float64())),
            "list<item: double> [\n  [\n    1.5\n  ],\n  [\n    null\n  ]\n]");
  EXPECT_EQ(CastResult(".i", to(arrow::int8())), "list<item: int8> [\n  [\n    7\n  ],\n  [\n    null\n  ]\n]");
  EXPECT_EQ(CastResult(".x", to(arrow::int64())), "list<item: int64> [\n  [\n    1\n  ],\n  [\n    2\n  ]\n]");
}

TEST(LensCast, FloatsAsTextLikeArrowRs) {
  auto values = J(arrow::float64(), "[1.0, -2.7, 1e20, 1e-7, 1e15, 1e16, 0.00001, 1e-6, 0.0, -0.0, null]");
  auto text = lens_detail::CastValues(values, arrow::utf8()).ValueOrDie();
  EXPECT_EQ(text->ToString(), J(arrow::utf8(), R"(["1.0", "-2.7", "1e20", "1e-7", "1000000000000000.0", "1e16",
                                                  "0.00001", "1e-6", "0.0", "-0.0", null])")
                                  ->ToString());
  auto f32 = J(arrow::float32(), "[1e15, 1.5e-6, 1234560000000]");
  EXPECT_EQ(lens_detail::CastValues(f32, arrow::utf8()).ValueOrDie()->ToString(),
            J(arrow::utf8(), R"(["1e15", "0.0000015", "1234560000000.0"])")->ToString());
  EXPECT_EQ(lens_detail::CastValues(J(arrow::list(arrow::int64()), "[[1]]"), arrow::float64()).status().message(),
            "Cast error: Cannot cast LIST to non-list data type Float64");
}

TEST(LensCast, AutoTableCoversRerunComponents) {
  // rerun-sdk's types: Translation3D is FixedSizeList(3 x non-null Float32).
  auto in = MakeChunk("/s", {}, {{D("c"), kXYZ, R"([[{"x":1,"y":3,"z":5}],[{"x":2,"y":null,"z":6}]])"}});
  auto r = Apply(in, {Derive("c", "/o").ToComponent(D("Transform3D:translation", "rerun.archetypes.Transform3D",
                                                       "rerun.components.Translation3D"),
                                                     S("pack(.x!, .y!, .z!)"), CastTo{CastTo::Kind::kAuto, nullptr})},
                 OutputMode::kDropUnmatched)
               .ValueOrDie();
  const auto& col = r[0]->column(r[0]->FindComponent("Transform3D:translation")->column);
  EXPECT_EQ(col.type()->ToString(true), "list<item: fixed_size_list<item: float not null>[3]>");
  EXPECT_EQ(col.ToString(), "[\n  [\n    [\n      1,\n      3,\n      5\n    ]\n  ],\n  [\n    null\n  ]\n]");
}

// --- output order (§5.7) -------------------------------------------------------------------------

TEST(LensOrder, PrefixThenSameEntityThenOtherEntities) {
  auto r = Apply(Sensor(), {Derive("other", "/A").ToComponent(D("a"), S(".q")),
                            Derive("other").ToComponent(D("b"), S(".q")).ToTimeline("tb", TimeType::kSequence, S(".q")),
                            Derive("other", std::nullopt, true).ToComponent(D("c"), S(".q")),
                            Derive("other", "/D").ToComponent(D("d"), S(".q")),
                            Derive("other").ToComponent(D("e"), S(".q"))});
  ASSERT_TRUE(r.ok()) << Error(r);
  std::string got;
  for (const auto& c : *r) {
    got += c->entity_path() + ":";
    std::vector<std::string> names;
    for (const auto& cc : c->components()) names.push_back(cc.descriptor.component);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) got += n + ",";
    got += " ";
  }
  EXPECT_EQ(got, "/s:Imu:accel,e, /s:b, /s:c, /A:a, /D:d, ");
  EXPECT_EQ(Times(*(*r)[1], "tb"), "10,20");
}

// --- apply_selector (§5.8) -----------------------------------------------------------------------

TEST(LensApplySelector, Messages) {
  auto in = Sensor();
  EXPECT_EQ(ApplySelector(*in, "nope", S(".")).status().message(), "Component 'nope' not found in chunk for entity `/s`");
  EXPECT_EQ(ApplySelector(*in, "", S(".")).status().message(), "Invalid `ComponentIdentifier`: must not be empty");
  EXPECT_EQ(ApplySelector(*in, "Imu:accel", S(".zz")).status().message(),
            "No component outputs were produced for target entity `/s`");
  EXPECT_EQ(ApplySelector(*in, "Imu:accel", S("[0]")).status().message(),
            "Failed to apply operations to component 'Imu:accel' (entity: `/s`, input: `Imu:accel`): Invalid argument "
            "error: cannot access `[0]` on unexpected type Struct(\"x\": Float64, \"y\": Float64, \"z\": Float64)");
  auto out = ApplySelector(*in, "Imu:accel", S(".x")).ValueOrDie();
  const auto* c = out->FindComponent("Imu:accel");
  EXPECT_EQ(c->descriptor.archetype, std::optional<std::string>("Imu"));
  EXPECT_EQ(Col(*out, "Imu:accel"), J(arrow::list(arrow::float64()), "[[1],[2]]")->ToString());
}

// --- the stream step (§5.6) ----------------------------------------------------------------------

TEST(LensStream, ContentBypassAndErrorPrefix) {
  auto set = LensSet::Make({Lens::Mutate("other", S(".q"))}).ValueOrDie();
  auto in = Sensor();
  LensTransform outside(set, OutputMode::kDropUnmatched, EntityPathFilter::Parse("/elsewhere/**"));
  auto r = outside.Apply(in).ValueOrDie();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]->id(), in->id());
  LensTransform inside(set, OutputMode::kDropUnmatched, std::nullopt);
  EXPECT_EQ(Describe(inside.Apply(in).ValueOrDie(), in), "/s[other,]fresh ");
  auto bad = LensSet::Make({Lens::Mutate("other", S("[0]"))}).ValueOrDie();
  EXPECT_EQ(LensTransform(bad, OutputMode::kDropUnmatched, std::nullopt).Apply(in).status().message(),
            "Lenses error: Failed to apply operations to component 'other' (entity: `/s`, input: `other`): Invalid "
            "argument error: cannot access `[0]` on unexpected type Struct(\"q\": Int64)");
}

}  // namespace
}  // namespace chunkhouse::transform
