// pack(p1, ..., pn) (notes §1.7): every path is type-checked against the input's datatype
// before any data is touched (the first failing path wins), then evaluated; the results are
// interleaved entry by entry into a FixedSizeList of n.
#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>
#include <arrow/util/bit_util.h>

#include "chunkhouse/base/type_text.h"
#include "chunkhouse/transform/selector_eval.h"

namespace chunkhouse::transform::detail {
namespace {

struct Resolved {
  std::shared_ptr<arrow::DataType> type;
  bool nullable = false;
  bool acknowledged = false;  // the last segment ends in `!`
};

// What `path` yields on data of `type`. `?` neither acknowledges nor suppresses here.
Result<Resolved> Resolve(const Chain& path, std::shared_ptr<arrow::DataType> type, bool nullable) {
  const std::string root = ChainText(path);
  Resolved cur{std::move(type), nullable, false};
  for (const Stage& s : path.stages) {
    if (s.kind == AtomKind::kField) {
      if (cur.type->id() != arrow::Type::STRUCT) {
        return InvalidArgument("Type mismatch in `pack` path `{}` accesses field `.{}`: expected Struct, got {}", root,
                               s.name, TypeDisplay(*cur.type));
      }
      std::shared_ptr<arrow::Field> found;
      std::string names;
      for (const auto& f : cur.type->fields()) {
        if (!found && f->name() == s.name) found = f;
        names += (names.empty() ? "" : ", ") + f->name();
      }
      if (!found) return InvalidArgument("Field '{}' not found. Available fields: [{}]", s.name, names);
      cur.type = found->type();
      cur.nullable = cur.nullable || found->nullable();
    } else if (s.kind == AtomKind::kIndex) {
      if (cur.type->id() != arrow::Type::LIST && cur.type->id() != arrow::Type::FIXED_SIZE_LIST) {
        return InvalidArgument(
            "Type mismatch in `pack` path `{}` indexes into a list: expected List or FixedSizeList, got {}", root,
            TypeDisplay(*cur.type));
      }
      cur.type = cur.type->field(0)->type();
      cur.nullable = true;
    }
    cur.acknowledged = false;
    for (Postfix p : s.postfix) cur.acknowledged |= p == Postfix::kNonNull;
  }
  return cur;
}

// Row-major interleave of equally long arrays: [a0[0], a1[0], ..., a0[1], a1[1], ...].
Result<ArrayPtr> Interleave(const std::vector<ArrayPtr>& arrays, int64_t rows) {
  if (arrays.size() == 1) return arrays[0];
  if (rows == 0) return arrays[0]->Slice(0, 0);
  const int64_t n = static_cast<int64_t>(arrays.size());
  ARROW_ASSIGN_OR_RAISE(auto all, arrow::Concatenate(arrays));
  ARROW_ASSIGN_OR_RAISE(auto buf, arrow::AllocateBuffer(rows * n * static_cast<int64_t>(sizeof(int64_t))));
  auto* idx = reinterpret_cast<int64_t*>(buf->mutable_data());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t p = 0; p < n; ++p) idx[r * n + p] = p * rows + r;
  }
  auto indices = std::make_shared<arrow::Int64Array>(rows * n, std::move(buf));
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(all, indices));
  return taken.make_array();
}

}  // namespace

EvalResult EvalPack(const Stage& pack, const ArrayPtr& input) {
  ARROW_ASSIGN_OR_RAISE(auto input_nulls, LogicalBits(*input));
  std::shared_ptr<arrow::DataType> expected;
  bool any_nullable = false;
  for (const auto& path : pack.paths) {
    ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(*path, input->type(), input_nulls.present()));
    if (resolved.nullable && !resolved.acknowledged) {
      const std::string p = ChainText(*path);
      return InvalidArgument(
          "`pack` path `{}` is nullable and must be acknowledged with `!` (e.g. `{}!`), since a null shadows the "
          "whole entry",
          p, p);
    }
    any_nullable |= resolved.nullable;
    if (expected == nullptr) {
      expected = resolved.type;
    } else if (!expected->Equals(*resolved.type, /*check_metadata=*/true)) {
      return InvalidArgument(
          "`pack` path `{}` has type {}, but expected {} (inferred from the first path); all paths must share the "
          "same datatype",
          ChainText(*path), TypeDisplay(*resolved.type), TypeDisplay(*expected));
    }
  }

  std::vector<ArrayPtr> arrays;
  Bits entry_valid;
  for (const auto& path : pack.paths) {
    ARROW_ASSIGN_OR_RAISE(auto r, EvalChain(*path, input));
    if (!r) return std::nullopt;
    if (!arrays.empty() && r->array->length() != arrays[0]->length()) {
      return InvalidArgument("Invalid argument error: `pack` paths produced {} and {} rows", arrays[0]->length(),
                             r->array->length());
    }
    if (!arrays.empty() && !r->array->type()->Equals(*arrays[0]->type())) {
      return InvalidArgument("Invalid argument error: `pack` paths produced {} and {}", TypeDisplay(*arrays[0]->type()),
                             TypeDisplay(*r->array->type()));
    }
    ARROW_ASSIGN_OR_RAISE(entry_valid, AndBits(entry_valid, r->nulls));
    arrays.push_back(std::move(r->array));
  }
  const int64_t rows = arrays[0]->length(), n = static_cast<int64_t>(arrays.size());
  if (entry_valid.present() && entry_valid.length != rows) {
    return InvalidArgument("Invalid argument error: `pack` entry validity has {} entries for {} rows",
                           entry_valid.length, rows);
  }
  ARROW_ASSIGN_OR_RAISE(auto child, Interleave(arrays, rows));
  // Arrow's Take may leave an all-valid bitmap, which arrow-rs' concat would not build.
  ARROW_ASSIGN_OR_RAISE(child, WithValidity(child, PhysicalBits(*child)));

  const int64_t null_count = CountNulls(entry_valid);
  std::shared_ptr<arrow::Buffer> bitmap;
  if (null_count > 0) {
    ARROW_ASSIGN_OR_RAISE(bitmap, BitmapAt(entry_valid, 0));
  }
  if (!any_nullable && child->null_count() > 0) {
    // A field declared non-null holding nulls: arrow-rs refuses (and the wheel aborts) unless
    // each such null sits in a null entry.
    for (int64_t i = 0; i < child->length(); ++i) {
      if (child->IsNull(i) && (bitmap == nullptr || arrow::bit_util::GetBit(bitmap->data(), i / n))) {
        return InvalidArgument("Invalid argument error: Found unmasked nulls for non-nullable FixedSizeListArray field "
                               "\"item\"");
      }
    }
  }
  auto type = arrow::fixed_size_list(arrow::field("item", child->type(), any_nullable), static_cast<int32_t>(n));
  auto fsl = std::make_shared<arrow::FixedSizeListArray>(type, rows, child, bitmap, null_count);
  return std::optional<Value>(Value{std::move(fsl), nullptr, {}});
}

}  // namespace chunkhouse::transform::detail
