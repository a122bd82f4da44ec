// The selector against the worked examples of notes/selector_lens.md (each checked there against
// rerun-sdk 0.36.2), its message tables, its canonical text, and the cases where the wheel aborts
// (which must be errors here).
#include "chunkhouse/transform/selector.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <string>

namespace chunkhouse::transform {
namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

ArrayPtr J(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

// A struct with the validity given as a JSON list of booleans.
ArrayPtr MakeStruct(const arrow::ArrayVector& children, const std::vector<std::string>& names, const std::string& valid) {
  auto bits = J(arrow::boolean(), valid);
  std::shared_ptr<arrow::Buffer> bitmap = bits->data()->buffers[1];
  int64_t nulls = bits->length() - static_cast<const arrow::BooleanArray&>(*bits).true_count();
  return arrow::StructArray::Make(children, names, bitmap, nulls).ValueOrDie();
}

std::shared_ptr<arrow::DataType> ListOf(std::shared_ptr<arrow::DataType> t) { return arrow::list(std::move(t)); }
const auto kI64 = arrow::int64();
const auto kXY = arrow::struct_({arrow::field("x", arrow::int64()), arrow::field("y", arrow::int64())});

// "None", "ERR: <message>" (kind-tagged when not invalid-argument), or the array's text.
std::string Eval(std::string_view query, const ArrayPtr& input, bool per_row) {
  auto sel = Selector::Parse(query);
  if (!sel.ok()) return "PARSE: " + sel.status().message();
  auto r = per_row ? sel->ExecutePerRow(input) : sel->Execute(input);
  if (!r.ok()) {
    std::string tag = KindOf(r.status()) == ErrorKind::kUnimplemented ? "UNIMPL: " : "ERR: ";
    return tag + r.status().message();
  }
  if (!*r) return "None";
  return (**r)->ToString();
}

// The result equals `expected` (values, validity and the type with its field names).
void ExpectArray(std::string_view query, const ArrayPtr& input, bool per_row, const ArrayPtr& expected) {
  SCOPED_TRACE(std::string(query) + (per_row ? " (per row)" : ""));
  auto sel = Selector::Parse(query);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  auto r = per_row ? sel->ExecutePerRow(input) : sel->Execute(input);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->has_value()) << "suppressed";
  const ArrayPtr& got = **r;
  ASSERT_TRUE(got->ValidateFull().ok()) << got->ValidateFull().ToString();
  EXPECT_EQ(got->type()->ToString(true), expected->type()->ToString(true));
  EXPECT_TRUE(got->Equals(*expected)) << "got      " << got->ToString() << "\nexpected " << expected->ToString();
}

void ExpectRows(std::string_view q, const ArrayPtr& in, const std::shared_ptr<arrow::DataType>& item,
                const std::string& json) {
  ExpectArray(q, in, true, J(ListOf(item), json));
}

std::vector<int32_t> Offsets(const ArrayPtr& list) {
  const auto& l = static_cast<const arrow::ListArray&>(*list);
  std::vector<int32_t> out;
  for (int64_t i = 0; i <= l.length(); ++i) out.push_back(l.value_offset(i));
  return out;
}

ArrayPtr PerRow(std::string_view q, const ArrayPtr& in) {
  auto r = Selector::Parse(q).ValueOrDie().ExecutePerRow(in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && *r ? **r : nullptr;
}

// --- E1: list<struct<x,y>> with null rows, empty rows and null elements ------------------------
ArrayPtr E1() {
  return J(ListOf(kXY), R"([[{"x":1,"y":2}],[{"x":3,"y":null}],null,[],[null,{"x":5,"y":6}]])");
}

TEST(SelectorEval, E1StructList) {
  auto a = E1();
  ExpectArray(".", a, false, a);
  ExpectRows(".", a, kXY, R"([[{"x":1,"y":2}],[{"x":3,"y":null}],null,[],[null,{"x":5,"y":6}]])");
  EXPECT_EQ(Eval(".x", a, false),
            "ERR: Invalid argument error: cannot access field `.x` on unexpected type List(Struct(\"x\": Int64, "
            "\"y\": Int64))");
  ExpectRows(".x", a, kI64, "[[1],[3],null,[],[null,5]]");
  ExpectRows(".y", a, kI64, "[[2],[null],null,[],[null,6]]");
  ExpectRows(".y!", a, kI64, "[[2],null,null,[],[null,6]]");
  EXPECT_EQ(Eval(".z", a, true), "None");
  EXPECT_EQ(Eval(".z?", a, false), "None");
  ExpectArray("[]", a, false, J(kXY, R"([{"x":1,"y":2},{"x":3,"y":null},null,{"x":5,"y":6}])"));
  EXPECT_EQ(Eval("[]", a, true),
            "ERR: Invalid argument error: `.[]` called on unexpected type Struct(\"x\": Int64, \"y\": Int64)");
  ExpectArray("[0]", a, false, J(kXY, R"([{"x":1,"y":2},{"x":3,"y":null},null,null,null])"));
  EXPECT_EQ(Eval("[0]", a, true),
            "ERR: Invalid argument error: cannot access `[0]` on unexpected type Struct(\"x\": Int64, \"y\": Int64)");
}

// --- E2: struct validity masks children --------------------------------------------------------
ArrayPtr E2() {
  auto x = J(kI64, "[1,null,3,4]");
  auto q = J(kI64, "[10,20,30,40]");
  auto p = MakeStruct({q}, {"q"}, "[true,true,true,false]");
  auto st = MakeStruct({x, p}, {"x", "p"}, "[true,true,false,true]");
  auto offsets = J(arrow::int32(), "[0,1,3,4]");
  return arrow::ListArray::FromArrays(*offsets, *st).ValueOrDie();
}

TEST(SelectorEval, E2StructValidityPropagates) {
  auto a = E2();
  ExpectRows(".x", a, kI64, "[[1],[null,null],[4]]");
  ExpectRows(".p.q", a, kI64, "[[10],[20,null],[null]]");
  ExpectRows(".p.q!", a, kI64, "[[10],[20,null],null]");
  ExpectRows(".p!.q", a, kI64, "[[10],[20,null],null]");
  for (const char* q : {".z", ".z.q", ".z!", ".p.z", ".x.y?", ".p[0]?"}) EXPECT_EQ(Eval(q, a, true), "None") << q;
  EXPECT_EQ(Eval(".x.y", a, true), "ERR: Invalid argument error: cannot access field `.y` on unexpected type Int64");
}

// --- E3: List<List<Int64>> ---------------------------------------------------------------------
ArrayPtr E3() { return J(ListOf(ListOf(kI64)), "[[[1,2],[3]],[[null],[]],null,[],[null,[null,4]],[[null,null]]]"); }

TEST(SelectorEval, E3NestedLists) {
  auto a = E3();
  ExpectArray("[]", a, false, J(ListOf(kI64), "[[1,2],[3],[null],[],null,[null,4],[null,null]]"));
  ExpectRows("[]", a, kI64, "[[1,2,3],[null],null,[],[null,4],[null,null]]");
  EXPECT_EQ(Offsets(PerRow("[]", a)), (std::vector<int32_t>{0, 3, 4, 4, 4, 6, 8}));
  ExpectRows("[]!", a, kI64, "[[1,2,3],[null],null,[],[null,4],null]");
  ExpectRows("[0]", a, kI64, "[[1,3],[null,null],null,[],[null,null],[null]]");
  ExpectRows("[0]!", a, kI64, "[[1,3],null,null,[],null,null]");
  ExpectRows("[1]", a, kI64, "[[2,null],[null,null],null,[],[null,4],[null]]");
  ExpectArray("map([])", a, false, J(ListOf(kI64), "[[1,2,3],[null],null,[],[null,4],[null,null]]"));
  ExpectArray("map([0])", a, false, J(ListOf(kI64), "[[1,3],[null,null],null,[],[null,null],[null]]"));
}

// --- §1.4: [N] is a take with placeholder index 0 ----------------------------------------------
TEST(SelectorEval, IndexTakesPlaceholderZero) {
  auto a = E3();
  auto r = Selector::Parse("[0]").ValueOrDie().Execute(a).ValueOrDie();
  ASSERT_TRUE(r.has_value());
  ExpectArray("[0]", a, false, J(ListOf(kI64), "[[1,2],[null],null,null,null,[null,null]]"));
  EXPECT_EQ(Offsets(*r), (std::vector<int32_t>{0, 2, 3, 5, 7, 7, 9}));  // null rows hold [1,2]
  ExpectArray("[0][]", a, false, J(kI64, "[1,2,null,1,2,1,2,null,null]"));
  ExpectArray("[18446744073709551615]", a, false, J(ListOf(kI64), "[null,null,null,null,null,null]"));
  EXPECT_EQ(Eval("[18446744073709551616]", a, false),
            "PARSE: Failed to parse selector: failed to parse `18446744073709551616` as integer: number too large to "
            "fit in target type");
  // §0.4: hidden contents reappear after a later [] in per-row mode.
  auto b = J(ListOf(ListOf(ListOf(kI64))), "[[[[1,2]],[]],[[[3]]]]");
  ExpectRows("[0][]", b, kI64, "[[1,2,1,2],[3]]");
}

// --- E4/E5/E7: group nulls at mismatched levels ------------------------------------------------
TEST(SelectorEval, E4NestedEachAbortCasesAreErrors) {
  auto a = E3();  // outer has nulls (6 rows), inner lists have nulls (7 entries)
  for (const char* q : {"[][]", "[] | []", "[][]!", "[]![]!", "[][0]!"}) {
    EXPECT_NE(Eval(q, a, false).find("ERR: Invalid argument error: cannot combine group validity of lengths 6 and 7"),
              std::string::npos)
        << q << ": " << Eval(q, a, false);
  }
  // Outer without nulls, inner with nulls: the nulls are just carried.
  auto b = J(ListOf(ListOf(kI64)), "[[[1,2,null],[3]],[null,[null,5]]]");
  ExpectArray("[][]", b, false, J(kI64, "[1,2,null,3,null,5]"));
  EXPECT_NE(Eval("[]![]", b, false).find("lengths 2 and 4"), std::string::npos) << Eval("[]![]", b, false);
  // Outer with nulls, inner without.
  auto c = J(ListOf(ListOf(kI64)), "[[[1,2],[7]],null,[[null,3],[4]]]");
  ExpectArray("[][]", c, false, J(kI64, "[1,2,7,null,3,4]"));
  EXPECT_NE(Eval("[][]!", c, false).find("lengths 3 and 4"), std::string::npos) << Eval("[][]!", c, false);
  // No nulls anywhere.
  auto d = J(ListOf(ListOf(ListOf(kI64))), "[[[[1,2],[3]],[[4]]],[[[5,6,7]]],[],[[]]]");
  ExpectRows("[][]", d, kI64, "[[1,2,3,4],[5,6,7],[],[]]");
  EXPECT_EQ(Offsets(PerRow("[][]", d)), (std::vector<int32_t>{0, 4, 7, 7, 7}));
  ExpectArray("[][]", d, false, J(ListOf(kI64), "[[1,2],[3],[4],[5,6,7]]"));
  ExpectArray("map([][])", d, false, J(ListOf(kI64), "[[1,2,3,4],[5,6,7],[],[]]"));
}

TEST(SelectorEval, E5PromotedAllValidVectorIsPresent) {
  auto a = J(ListOf(ListOf(kI64)), "[[[1],null],[[3]]]");
  EXPECT_NE(Eval("[]![]", a, false).find("lengths 2 and 3"), std::string::npos) << Eval("[]![]", a, false);
  ExpectArray("[][]", a, false, J(kI64, "[1,3]"));
}

TEST(SelectorEval, E7WrongLevelNullsAreApplied) {
  auto a = J(ListOf(ListOf(ListOf(kI64))), "[[[[1],null]],[[null,null],[[2,3]]],[[null]],[]]");
  ExpectRows("[][]", a, kI64, "[[1],null,null,[]]");
}

// --- E6: `!` after [] vs on the [] segment -----------------------------------------------------
TEST(SelectorEval, E6PosesOfStructs) {
  auto px = arrow::struct_({arrow::field("x", kI64)});
  auto t = arrow::struct_({arrow::field("poses", ListOf(px))});
  auto a = J(ListOf(t), R"([[{"poses":[{"x":1},{"x":2}]},{"poses":[]}],[{"poses":null}],null,[],
                            [{"poses":[null,{"x":5}]}]])");
  ExpectRows(".poses", a, ListOf(px), R"([[[{"x":1},{"x":2}],[]],[null],null,[],[[null,{"x":5}]]])");
  ExpectRows(".poses[]", a, px, R"([[{"x":1},{"x":2}],null,null,[],[null,{"x":5}]])");
  ExpectRows(".poses[].x", a, kI64, "[[1,2],null,null,[],[null,5]]");
  ExpectRows(".poses[].x!", a, kI64, "[[1,2],null,null,[],[null,5]]");
  ExpectRows(".poses | map(.x)", a, ListOf(kI64), "[[[1,2],[]],[null],null,[],[[null,5]]]");
  ExpectArray("map(.poses[].x)", a, false, J(ListOf(kI64), "[[1,2],null,null,[],[null,5]]"));
  ExpectRows(".poses[0].x", a, kI64, "[[1,null],[null],null,[],[null]]");
  ExpectRows(".poses!", a, ListOf(px), R"([[[{"x":1},{"x":2}],[]],null,null,[],[[null,{"x":5}]]])");
}

// --- E8: empty values and empty inputs ---------------------------------------------------------
TEST(SelectorEval, E8EmptyValuesAndInputs) {
  ExpectArray("[0]", J(ListOf(kI64), "[[],[],null]"), false, J(kI64, "[null,null,null]"));
  ExpectArray("[]", J(ListOf(kI64), "[[],[],null]"), false, J(kI64, "[]"));
  auto empty = J(ListOf(kI64), "[]");
  ExpectArray(".", empty, false, empty);
  ExpectArray("[0]", empty, false, J(kI64, "[]"));
  ExpectArray("[]", empty, false, J(kI64, "[]"));
  auto empty_xy = J(ListOf(arrow::struct_({arrow::field("x", kI64)})), "[]");
  ExpectRows(".x", empty_xy, kI64, "[]");
  EXPECT_EQ(Eval(".zz", empty_xy, true), "None");
  ExpectRows("pack(.x!)", empty_xy, arrow::fixed_size_list(arrow::field("item", kI64, true), 1), "[]");
  auto b = J(ListOf(ListOf(kI64)), "[[[]],[],null,[null]]");
  ExpectRows("[0]", b, kI64, "[[null],[],null,[null]]");
  ExpectRows("[0]!", b, kI64, "[null,[],null,null]");
  ExpectRows("[]", b, kI64, "[[],[],null,null]");
  ExpectRows("[]!", b, kI64, "[[],[],null,null]");
  auto c = J(ListOf(kI64), "[[1,null],[null],[2],null]");
  ExpectArray("[0]", c, false, J(kI64, "[1,null,2,null]"));
  ExpectArray("[5]", c, false, J(kI64, "[null,null,null,null]"));
  ExpectArray("[1]!", c, false, J(kI64, "[null,null,null,null]"));
}

// --- E9: FixedSizeList ---------------------------------------------------------------------------
TEST(SelectorEval, E9FixedSizeList) {
  auto fsl_type = arrow::fixed_size_list(kI64, 2);
  auto fsl = J(fsl_type, "[[1,2],null,[3,null]]");
  ExpectArray("[]", fsl, false, J(kI64, "[1,2,null,null,3,null]"));
  EXPECT_EQ(Eval("[0]", fsl, false),
            "UNIMPL: Not yet implemented: index access `[0]` is not yet implemented for FixedSizeList(2 x Int64)");
  EXPECT_EQ(Eval("map(.)", fsl, false),
            "UNIMPL: Not yet implemented: `map()` is not yet implemented for FixedSizeList(2 x Int64)");
  EXPECT_EQ(Eval(".", fsl, true),
            "ERR: expected a ListArray, got FixedSizeList(Field { data_type: Int64, nullable: true }, 2)");
  auto lf = J(ListOf(fsl_type), "[[[1,2],[3,4]],[null],null,[],[[null,6]]]");
  ExpectRows("[]", lf, kI64, "[[1,2,3,4],null,null,[],[null,6]]");
  EXPECT_EQ(Offsets(PerRow("[]", lf)), (std::vector<int32_t>{0, 4, 6, 6, 6, 8}));
  ExpectArray("[]", lf, false, J(fsl_type, "[[1,2],[3,4],null,[null,6]]"));
  EXPECT_EQ(Eval("[0]?", lf, true), "None");
}

// --- E10: sliced inputs --------------------------------------------------------------------------
TEST(SelectorEval, E10SlicedInputs) {
  auto s = J(ListOf(kI64), "[[1,2],[3],[4,5,6],[7]]")->Slice(1, 2);
  ExpectArray("[]", s, false, J(kI64, "[1,2,3,4,5,6,7]"));  // the raw child, all of it
  ExpectArray("[0]", s, false, J(kI64, "[3,4]"));
  ArrayPtr seen;
  auto spy = Selector::Parse(".").ValueOrDie().Pipe(
      [&](const ArrayPtr& a) -> Result<std::optional<ArrayPtr>> {
        seen = a;
        return std::optional<ArrayPtr>(a);
      });
  auto r = spy.ExecutePerRow(s).ValueOrDie();
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->Equals(*J(kI64, "[1,2,3,4,5,6,7]")));
  EXPECT_EQ(Offsets(*r), (std::vector<int32_t>{2, 3, 6}));
  EXPECT_TRUE((*r)->Equals(*J(ListOf(kI64), "[[3],[4,5,6]]")));
  auto f = J(arrow::fixed_size_list(kI64, 2), "[[1,2],[3,4],[5,6]]")->Slice(1, 2);
  ExpectArray("[]", f, false, J(kI64, "[3,4,5,6]"));
  auto st = J(kXY, R"([{"x":1,"y":2},{"x":3,"y":4},{"x":5,"y":6}])")->Slice(1, 2);
  ExpectArray(".x", st, false, J(kI64, "[3,5]"));
}

// --- E11: pack -------------------------------------------------------------------------------------
ArrayPtr E11() {
  auto f64 = arrow::float64();
  auto t = arrow::struct_({arrow::field("x", f64, false), arrow::field("y", f64), arrow::field("z", f64, false),
                           arrow::field("i", kI64, false), arrow::field("l", ListOf(f64), false)});
  return J(ListOf(t), R"([[{"x":0,"y":1,"z":5,"i":1,"l":[1]},{"x":1,"y":null,"z":6,"i":2,"l":[]}],
                          [{"x":2,"y":3,"z":7,"i":3,"l":[2,3]}],[{"x":3,"y":4,"z":8,"i":4,"l":[4]}]])");
}

TEST(SelectorEval, E11Pack) {
  auto a = E11();
  auto f64 = arrow::float64();
  auto fsl_nn = arrow::fixed_size_list(arrow::field("item", f64, false), 2);
  auto fsl = arrow::fixed_size_list(arrow::field("item", f64, true), 2);
  ExpectRows("pack(.x, .z)", a, fsl_nn, "[[[0,5],[1,6]],[[2,7]],[[3,8]]]");
  EXPECT_EQ(Eval("pack(.x, .y)", a, true),
            "ERR: `pack` path `.y` is nullable and must be acknowledged with `!` (e.g. `.y!`), since a null shadows "
            "the whole entry");
  ExpectRows("pack(.x, .y!)", a, fsl, "[[[0,1],null],[[2,3]],[[3,4]]]");
  EXPECT_EQ(Eval("pack(.x, .i)", a, true),
            "ERR: `pack` path `.i` has type Int64, but expected Float64 (inferred from the first path); all paths "
            "must share the same datatype");
  EXPECT_EQ(Eval("pack(.x, .q)", a, true), "ERR: Field 'q' not found. Available fields: [x, y, z, i, l]");
  EXPECT_EQ(Eval("pack(.x?, .q?)", a, true), "ERR: Field 'q' not found. Available fields: [x, y, z, i, l]");
  ExpectRows("pack(.l[0]!, .x)", a, fsl, "[[[1,0],null],[[2,2]],[[4,3]]]");
  ExpectRows("pack(.l[5]!)", a, arrow::fixed_size_list(arrow::field("item", f64, true), 1),
             "[[null,null],[null],[null]]");
  EXPECT_EQ(Eval("pack(.x | .y)", a, true),
            "ERR: Type mismatch in `pack` path `.x | .y` accesses field `.y`: expected Struct, got Float64");
  ExpectRows("pack(.x, .y!) | .[]", a, f64, "[[0,1,1,null],[2,3],[3,4]]");
  EXPECT_EQ(Eval("pack(.x, .y!) | [0]", a, true),
            "UNIMPL: Not yet implemented: index access `[0]` is not yet implemented for FixedSizeList(2 x Float64)");
  EXPECT_EQ(Eval("pack(.x)", a, false),
            "ERR: Type mismatch in `pack` path `.x` accesses field `.x`: expected Struct, got List(Struct(\"x\": "
            "non-null Float64, \"y\": Float64, \"z\": non-null Float64, \"i\": non-null Int64, \"l\": non-null "
            "List(Float64)))");
}

TEST(SelectorEval, PackRootNullability) {
  auto f64 = arrow::float64();
  auto t = arrow::struct_({arrow::field("x", f64, false), arrow::field("y", f64, false)});
  auto st = J(t, R"([{"x":0,"y":5},null,{"x":2,"y":7}])");
  EXPECT_NE(Eval("pack(.x, .y)", st, false).find("`pack` path `.x` is nullable"), std::string::npos);
  ExpectArray("pack(.x!, .y!)", st, false,
              J(arrow::fixed_size_list(arrow::field("item", f64, true), 2), "[[0,5],null,[2,7]]"));
  // A struct without nulls is not nullable.
  auto full = J(t, R"([{"x":0,"y":5}])");
  ExpectArray("pack(.x, .y)", full, false,
              J(arrow::fixed_size_list(arrow::field("item", f64, false), 2), "[[0,5]]"));
  EXPECT_EQ(Eval("pack(., .)", J(f64, "[1.0, null]"), false),
            "ERR: `pack` path `.` is nullable and must be acknowledged with `!` (e.g. `.!`), since a null shadows "
            "the whole entry");
  EXPECT_EQ(Eval("pack(.!, .!)", J(f64, "[1.0]"), false),
            "PARSE: Failed to parse selector: expected `)` but found `!`");
  EXPECT_EQ(Eval("pack(.a[0]!)", J(arrow::struct_({arrow::field("a", kI64)}), R"([{"a":1}])"), false),
            "ERR: Type mismatch in `pack` path `.a[0]!` indexes into a list: expected List or FixedSizeList, got "
            "Int64");
  EXPECT_EQ(Eval("pack([1]!, [0]!)", J(arrow::fixed_size_list(kI64, 2), "[[1,2]]"), false),
            "UNIMPL: Not yet implemented: index access `[1]` is not yet implemented for FixedSizeList(2 x Int64)");
  EXPECT_EQ(Eval("pack(.a?)", J(arrow::struct_({arrow::field("a", kI64)}), R"([{"a":1}])"), false),
            "ERR: `pack` path `.a?` is nullable and must be acknowledged with `!` (e.g. `.a?!`), since a null "
            "shadows the whole entry");
}

// §0.3: a bitmap counts when it exists, even if the array's slice holds no null (a sliced
// struct's child keeps its bitmap, as arrow-rs' NullBuffer does).
TEST(SelectorEval, BitmapPresenceSurvivesSlicing) {
  auto y = J(ListOf(kI64), "[null,[1],[2,3]]");
  auto st = arrow::StructArray::Make(arrow::ArrayVector{y}, std::vector<std::string>{"y"}).ValueOrDie()->Slice(1, 2);
  EXPECT_EQ(Eval(".y | pack(.)", st, false),
            "ERR: `pack` path `.` is nullable and must be acknowledged with `!` (e.g. `.!`), since a null shadows "
            "the whole entry");
  // Without the bitmap (as Python arrays arrive when they have no null) it is not nullable.
  auto plain = arrow::StructArray::Make(arrow::ArrayVector{J(ListOf(kI64), "[[1],[2,3]]")}, std::vector<std::string>{"y"})
                   .ValueOrDie();
  EXPECT_NE(Eval(".y | pack(.)", plain, false).rfind("ERR", 0), 0u) << Eval(".y | pack(.)", plain, false);
}

// --- functions -------------------------------------------------------------------------------------
TEST(SelectorEval, StringPrefix) {
  ExpectArray("string_prefix(\"image/\")", J(arrow::utf8(), R"(["png", null, ""])"), false,
              J(arrow::utf8(), R"(["image/png", null, "image/"])"));
  ExpectArray("string_prefix(\"a\"; \"b\")", J(arrow::utf8(), R"(["x"])"), false, J(arrow::utf8(), R"(["ax"])"));
  EXPECT_EQ(Eval("string_prefix", J(arrow::utf8(), "[]"), false),
            "ERR: Wrong arguments for function: `string_prefix`");
  EXPECT_EQ(Eval("string_prefix()", J(arrow::utf8(), "[]"), false),
            "ERR: Wrong arguments for function: `string_prefix`");
  EXPECT_EQ(Eval("string_prefix(\"a\")", J(arrow::large_utf8(), "[]"), false),
            "ERR: Type mismatch in string_prefix input: expected StringArray, got LargeUtf8");
  EXPECT_EQ(Eval("string_suffix(\"a\")", J(arrow::utf8(), "[]"), false), "ERR: Unknown function: `string_suffix`");
  EXPECT_EQ(Eval("nope?", J(arrow::utf8(), "[]"), false), "PARSE: Failed to parse selector: unexpected symbol `?`");
}

// --- §3.4 runtime messages and §0.7 -----------------------------------------------------------------
TEST(SelectorEval, RuntimeMessages) {
  auto i64 = J(kI64, "[1]");
  EXPECT_EQ(Eval(".zz", i64, false),
            "ERR: Invalid argument error: cannot access field `.zz` on unexpected type Int64");
  EXPECT_EQ(Eval("[3]", i64, false), "ERR: Invalid argument error: cannot access `[3]` on unexpected type Int64");
  EXPECT_EQ(Eval("[]", i64, false), "ERR: Invalid argument error: `.[]` called on unexpected type Int64");
  EXPECT_EQ(Eval("map(.)", i64, false), "ERR: Invalid argument error: cannot call `.map()` on unexpected type Int64");
  EXPECT_EQ(Eval(".", J(arrow::large_list(kI64), "[]"), true),
            "ERR: expected a ListArray, got LargeList(Field { data_type: Int64, nullable: true })");
  // `?` binds to one segment: the error of `.x` on a list is not suppressed by `.y?`.
  auto a = E1();
  EXPECT_NE(Eval(".x.y?", a, false).find("cannot access field `.x`"), std::string::npos);
  EXPECT_EQ(Eval(".x?.y", a, false), "None");
  // A Null child under a struct with nulls cannot take the struct's nulls (arrow-rs' check).
  auto n = MakeStruct({J(arrow::null(), "[null,null]")}, {"n"}, "[true,false]");
  EXPECT_EQ(Eval(".n", n, false), "ERR: Invalid argument error: Arrays of type Null cannot contain a null bitmask");
}

// --- Python-callable-shaped stages ---------------------------------------------------------------------
TEST(SelectorEval, CallableStages) {
  auto a = J(ListOf(kXY), R"([[{"x":1,"y":2},{"x":7,"y":8}],[{"x":3,"y":null}],null,[],[null,{"x":5,"y":6}]])");
  ArrayPtr seen;
  auto identity = [&](const ArrayPtr& in) -> Result<std::optional<ArrayPtr>> {
    seen = in;
    return std::optional<ArrayPtr>(in);
  };
  auto r = Selector::Parse(".x").ValueOrDie().Pipe(identity).ExecutePerRow(a).ValueOrDie();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->length(), 5);
  EXPECT_TRUE((*r)->Equals(*J(ListOf(kI64), "[[1,7],[3],null,[],[null,5]]")));
  // Longer results: extra values are unreferenced; shorter: an error naming both lengths.
  auto longer = [](const ArrayPtr&) -> Result<std::optional<ArrayPtr>> {
    return std::optional<ArrayPtr>(J(kI64, "[0,1,2,3,4,5,6,7,8]"));
  };
  auto shorter = [](const ArrayPtr&) -> Result<std::optional<ArrayPtr>> {
    return std::optional<ArrayPtr>(J(kI64, "[0,1]"));
  };
  auto l = Selector::Parse(".").ValueOrDie().Pipe(longer).ExecutePerRow(a).ValueOrDie();
  EXPECT_TRUE((*l)->Equals(*J(ListOf(kI64), "[[0,1],[2],null,[],[3,4]]")));
  auto s = Selector::Parse(".").ValueOrDie().Pipe(shorter).ExecutePerRow(a);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "Invalid argument error: Max offset of 5 exceeds length of values 2");
  auto none = [](const ArrayPtr&) -> Result<std::optional<ArrayPtr>> { return std::nullopt; };
  EXPECT_FALSE(Selector::Parse(".").ValueOrDie().Pipe(none).ExecutePerRow(a).ValueOrDie().has_value());
  auto fails = [](const ArrayPtr&) -> Result<std::optional<ArrayPtr>> {
    return InvalidArgument("Python callback failed: ZeroDivisionError: division by zero");
  };
  auto e = Selector::Parse(".").ValueOrDie().Pipe(fails).Execute(a);
  EXPECT_EQ(e.status().message(), "Python callback failed: ZeroDivisionError: division by zero");
  // A callable returning a shorter list after `[]` cannot be indexed by the composed offsets.
  auto short_list = [](const ArrayPtr&) -> Result<std::optional<ArrayPtr>> {
    return std::optional<ArrayPtr>(J(ListOf(kI64), "[[1]]"));
  };
  auto nested = J(ListOf(ListOf(kI64)), "[[[1],[2]],[[3]]]");
  auto c = Selector::Parse("[]").ValueOrDie().Pipe(short_list).Pipe(Selector::Parse("[]").ValueOrDie())
               .ExecutePerRow(nested);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("points past"), std::string::npos) << c.status().message();
}

// --- §3.2 lexer and §3.3 parser messages ----------------------------------------------------------------
std::string ParseError(std::string_view q) {
  auto s = Selector::Parse(q);
  if (s.ok()) return "OK " + s->ToString();
  EXPECT_EQ(KindOf(s.status()), ErrorKind::kInvalidArgument);
  const std::string prefix = "Failed to parse selector: ";
  EXPECT_EQ(s.status().message().rfind(prefix, 0), 0u);
  return s.status().message().substr(prefix.size());
}

TEST(SelectorParse, LexerMessages) {
  EXPECT_EQ(ParseError("@"), "unexpected character `@` at line 1, column 1");
  EXPECT_EQ(ParseError(".a @"), "unexpected character `@` at line 1, column 4");
  EXPECT_EQ(ParseError(".\xC3\xA9 @"), "unexpected character `@` at line 1, column 4");
  EXPECT_EQ(ParseError(".a\n  $x"), "unexpected character `$` at line 2, column 3");
  EXPECT_EQ(ParseError(".[-1]"), "unexpected character `-` at line 1, column 3");
  EXPECT_EQ(ParseError(".[1:3]"), "unexpected character `:` at line 1, column 4");
  EXPECT_EQ(ParseError(".a // .b"), "unexpected character `/` at line 1, column 4");
  EXPECT_EQ(ParseError("#c"), "unexpected character `#` at line 1, column 1");
  EXPECT_EQ(ParseError(".a{"), "unexpected character `{` at line 1, column 3");
  EXPECT_EQ(ParseError("f(\"a\nb\") @"), "unexpected character `@` at line 1, column 10");
  EXPECT_EQ(ParseError("[99999999999999999999]"),
            "failed to parse `99999999999999999999` as integer: number too large to fit in target type");
  EXPECT_EQ(ParseError("99999999999999999999"),
            "failed to parse `99999999999999999999` as integer: number too large to fit in target type");
  EXPECT_EQ(ParseError("\"abc"), "unterminated string at line 1, column 2");
  EXPECT_EQ(ParseError("f(\"ab"), "unterminated string at line 1, column 4");
  EXPECT_EQ(ParseError("f(\"a\\"), "unterminated string at line 1, column 4");
  EXPECT_EQ(ParseError("f(\"a\\x\")"), "invalid escape sequence `\\x` at line 1, column 6");
}

TEST(SelectorParse, TokenRules) {
  for (const char* ok : {".foo-bar_2", ".a-", ".\xC3\xA9", ".\xC3\x9Cn\xC3\xAF", ".a_1-2"}) {
    EXPECT_EQ(ParseError(ok), std::string("OK ") + ok);
  }
  EXPECT_EQ(ParseError("._x"), "unexpected symbol `_x`");
  EXPECT_EQ(ParseError(".1"), "unexpected symbol `1`");
  EXPECT_EQ(ParseError(". .foo"), "OK .foo");
  EXPECT_EQ(ParseError(".[ 0 ]"), "OK [0]");
  EXPECT_EQ(ParseError("[ ]"), "OK []");
  EXPECT_EQ(ParseError("map ( . )"), "OK map(.)");
  EXPECT_EQ(ParseError("pack(.x .y)"), "OK pack(.x.y)");
}

TEST(SelectorParse, ParserMessages) {
  for (const char* q : {"", " ", ".foo |", ".[0", "[", "map", "map(", "pack", "map(.a", "f(\"a\"", ".a | map",
                        "map(.a .b"}) {
    EXPECT_EQ(ParseError(q), "unexpected end of input") << q;
  }
  const std::pair<const char*, const char*> unexpected[] = {
      {"]", "]"}, {"?", "?"}, {"| .a", "|"}, {".a | | .b", "|"}, {"[x]", "x"}, {"[.a]", ".a"}, {".[]x", "x"},
      {"x.y", ".y"}, {"f(1)", "1"}, {"f(.a)", ".a"}, {"..", "."}, {".a..b", "."}, {".a,.b", ","}, {".a ; .b", ";"},
      {"invalid query without dot", "query"}, {".?", "?"}, {".!", "!"}, {"map(.x)[0]", "["}, {"map(.x)?", "?"},
      {"string_prefix(\"a\")?", "?"}, {"nope?", "?"}, {"pack(.x, .y!)[]", "["}, {"f(\"a\";)", ")"},
      {"pack()", ")"}, {"pack(.x,)", ")"}, {"map()", ")"}, {"pack(|)", "|"}, {"pack(.a[x])", "x"},
      {"map(.)!", "!"}, {"f()?", "?"}, {"pack(.x)?", "?"}};
  for (const auto& [q, sym] : unexpected) {
    EXPECT_EQ(ParseError(q), std::string("unexpected symbol `") + sym + "`") << q;
  }
  EXPECT_EQ(ParseError("map .x"), "expected `(` but found `.x`");
  EXPECT_EQ(ParseError("map(.a]"), "expected `)` but found `]`");
  EXPECT_EQ(ParseError("[0 1]"), "expected `]` but found `1`");
  EXPECT_EQ(ParseError("pack([0)"), "expected `]` but found `)`");
  EXPECT_EQ(ParseError("f(\"a\" \"b\")"), "expected `)` but found `\"b\"`");
  EXPECT_EQ(ParseError("f(\"a\",\"b\")"), "expected `)` but found `,`");
  EXPECT_EQ(ParseError("pack(.a; .b)"), "expected `)` but found `;`");
  const std::string pack_path =
      "`pack` paths must be scalar navigation paths \xE2\x80\x94 identity (`.`), field access (`.foo`), or indexing "
      "(`[N]`), optionally with `?`/`!` and pipes; iteration (`[]`), `map`, functions, and nested `pack` are not "
      "allowed (found `";
  for (const auto& [q, found] : std::vector<std::pair<const char*, const char*>>{
           {"pack(.x[], .y)", "]"}, {"pack(.[])", "]"}, {"pack(.a | [])", "]"}, {"pack(.x, foo())", "foo"},
           {"pack(map(.x))", "map"}, {"pack(pack(.x))", "pack"}}) {
    EXPECT_EQ(ParseError(q), pack_path + found + "`)") << q;
  }
}

// --- §4 canonical text ---------------------------------------------------------------------------------
TEST(SelectorText, Canonical) {
  const std::pair<const char*, const char*> cases[] = {
      {".[]", "[]"}, {".[0]", "[0]"}, {". | .foo", ". | .foo"}, {".a?" "?!!", ".a?" "?!!"}, {".x.y?[1]!", ".x.y?[1]!"},
      {"\t.a\r\n", ".a"}, {"pack(.a!, .b[0]!, .)", "pack(.a!, .b[0]!, .)"}, {"pack(.a | .b?)", "pack(.a | .b?)"},
      {"map(.a | .b)", "map(.a | .b)"}, {"foo(\"a\"; \"b\\n\\t\\\\\\\"\")", "foo(\"a\"; \"b\\n\\t\\\\\\\"\")"},
      {"f", "f"}, {"f()", "f()"}, {"[0001]", "[1]"}, {".a|.b", ".a | .b"}};
  for (const auto& [q, text] : cases) EXPECT_EQ(ParseError(q), std::string("OK ") + text) << q;
  // Literals print Rust-Debug escaped (which need not re-parse, as in Rerun).
  EXPECT_EQ(ParseError("f(\"a\rb\x01" "c\xC3\xA9\xE2\x80\x8B\")"), "OK f(\"a\\rb\\u{1}c\xC3\xA9\\u{200b}\")");
}

TEST(SelectorText, PipeAndCallables) {
  auto fn = [](const ArrayPtr& a) -> Result<std::optional<ArrayPtr>> { return std::optional<ArrayPtr>(a); };
  auto s = Selector::Parse(".a").ValueOrDie()
               .Pipe(Selector::Parse(".b | [0]").ValueOrDie())
               .Pipe(fn)
               .Pipe(Selector::Parse(".c").ValueOrDie());
  EXPECT_EQ(s.ToString(), ".a | .b | [0] | <function> | .c");
  EXPECT_TRUE(s.has_callable());
  EXPECT_FALSE(Selector::Parse(".a").ValueOrDie().has_callable());
  EXPECT_EQ(Selector::Parse(".").ValueOrDie().Pipe(Selector::Parse(".").ValueOrDie()).ToString(), ". | .");
  EXPECT_EQ(Selector::Parse(".a").ValueOrDie().Pipe(Selector::Parse("[]").ValueOrDie()).ToString(), ".a | []");
}

TEST(SelectorParse, DeepInputsDoNotRecurse) {
  std::string chain;
  for (int i = 0; i < 100000; ++i) chain += ".a?";
  auto s = Selector::Parse(chain);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ToString(), chain);
  EXPECT_EQ(Eval(chain, J(kI64, "[1]"), false), "None");
  std::string maps;
  for (int i = 0; i < 101; ++i) maps += "map(";
  EXPECT_NE(ParseError(maps).find("nested more than 100 levels"), std::string::npos);
}

}  // namespace
}  // namespace chunkhouse::transform
