// libFuzzer target: arbitrary bytes as a selector. A parse error is the expected outcome; a
// selector that parses must print a text that parses back to the same text (except string
// literals Rerun prints with escapes its own lexer rejects, `\r`, `\0`, `\u{..}`), and executing
// it on a set of awkward arrays must give an error or a valid array, never a crash, a leak or an
// out-of-bounds read (ASan + UBSan).
#include <arrow/api.h>
#include <arrow/json/from_string.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chunkhouse/transform/selector.h"

using chunkhouse::transform::Selector;
using ArrayPtr = std::shared_ptr<arrow::Array>;

namespace {

ArrayPtr J(const std::shared_ptr<arrow::DataType>& type, const char* json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

std::vector<ArrayPtr> MakeArrays() {
  auto i64 = arrow::int64();
  auto xy = arrow::struct_({arrow::field("x", i64), arrow::field("y", i64)});
  auto valid = J(arrow::boolean(), "[true,true,false,true]");
  arrow::ArrayVector children = {J(i64, "[1,null,3,4]"), J(arrow::list(i64), "[[1],[],null,[2,3]]")};
  std::vector<std::string> names = {"x", "l"};
  auto st = arrow::StructArray::Make(children, names, valid->data()->buffers[1], 1).ValueOrDie();
  auto f64 = arrow::float64();
  auto packable = arrow::struct_({arrow::field("x", f64, false), arrow::field("y", f64), arrow::field("l", arrow::list(f64), false)});
  return {
      J(arrow::list(xy), R"([[{"x":1,"y":2}],[{"x":3,"y":null}],null,[],[null,{"x":5,"y":6}]])"),
      J(arrow::list(arrow::list(i64)), "[[[1,2],[3]],[[null],[]],null,[],[null,[null,4]],[[null,null]]]"),
      J(arrow::list(arrow::list(arrow::list(i64))), "[[[[1],null]],[[null,null],[[2,3]]],[[null]],[]]"),
      J(arrow::fixed_size_list(i64, 2), "[[1,2],null,[3,null]]"),
      J(arrow::list(arrow::fixed_size_list(i64, 2)), "[[[1,2],[3,4]],[null],null,[],[[null,6]]]"),
      st,
      arrow::ListArray::FromArrays(*J(arrow::int32(), "[0,1,3,4]"), *st).ValueOrDie(),
      J(arrow::utf8(), R"(["png", null, ""])"),
      J(arrow::list(arrow::utf8()), R"([["a", null], [], null])"),
      J(arrow::list(i64), "[[1,2],[3],[4,5,6],[7]]")->Slice(1, 2),
      J(arrow::list(i64), "[]"),
      J(arrow::list(packable), R"([[{"x":0,"y":1,"l":[1]},{"x":1,"y":null,"l":[]}],[{"x":2,"y":3,"l":[2,3]}]])"),
      J(arrow::list(arrow::null()), "[[null],[null,null],null]"),
  };
}

// Escapes Rerun prints in string literals but its lexer does not accept.
bool HasUnlexableEscape(const std::string& text) {
  return text.find("\\r") != std::string::npos || text.find("\\0") != std::string::npos ||
         text.find("\\u{") != std::string::npos;
}

void Check(const Selector& sel, const ArrayPtr& input, bool per_row) {
  auto r = per_row ? sel.ExecutePerRow(input) : sel.Execute(input);
  if (!r.ok() || !r->has_value()) return;
  auto st = (**r)->ValidateFull();
  if (!st.ok()) {
    std::fprintf(stderr, "invalid result of `%s` (%s): %s\n", sel.ToString().c_str(), per_row ? "per row" : "execute",
                 st.ToString().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<ArrayPtr> arrays = MakeArrays();
  auto sel = Selector::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!sel.ok()) return 0;
  const std::string text = sel->ToString();
  auto again = Selector::Parse(text);
  if (again.ok() ? again->ToString() != text : !HasUnlexableEscape(text)) {
    std::fprintf(stderr, "canonical text `%s` does not round-trip: %s\n", text.c_str(),
                 again.ok() ? again->ToString().c_str() : again.status().ToString().c_str());
    std::abort();
  }
  for (const auto& a : arrays) {
    Check(*sel, a, false);
    Check(*sel, a, true);
  }
  return 0;
}
