// The selector operators on whole arrays (notes §1.3–§1.5). Each works on the array at once
// (children, offsets and bitmaps, Arrow's Take); nothing runs per row through a virtual call.
#include "chunkhouse/transform/selector_eval.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>

#include "chunkhouse/base/type_text.h"
#include "chunkhouse/transform/selector_functions.h"

namespace chunkhouse::transform {
namespace detail {
namespace {

Value Flat(ArrayPtr array) { return Value{std::move(array), nullptr, {}}; }

std::optional<Value> Some(Value v) { return std::optional<Value>(std::move(v)); }

// `.name` on a struct: its child (the struct's slice of it). A struct with nulls masks the
// child; a missing field suppresses.
EvalResult GetField(const arrow::StructArray& st, const std::string& name) {
  const auto& type = *st.struct_type();
  for (int i = 0; i < type.num_fields(); ++i) {
    if (type.field(i)->name() != name) continue;  // the first of duplicate names wins
    ArrayPtr child = st.field(i);
    Bits parent = PhysicalBits(st);
    if (!parent.present()) return Some(Flat(std::move(child)));
    ARROW_ASSIGN_OR_RAISE(auto valid, AndBits(PhysicalBits(*child), parent));
    ARROW_ASSIGN_OR_RAISE(auto masked, WithValidity(child, valid));
    return Some(Flat(std::move(masked)));
  }
  return std::nullopt;
}

// `[N]` on a list: Take with index 0 standing in for null and too-short rows, which are then
// masked; their slots hold a copy of values[0], as in Rerun (notes §1.4).
EvalResult GetIndex(const arrow::ListArray& list, uint64_t n) {
  const ArrayPtr& values = list.values();
  if (values->length() == 0) {
    ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(values->type(), list.length()));
    return Some(Flat(std::move(nulls)));
  }
  ARROW_ASSIGN_OR_RAISE(auto offsets, ListOffsets(list));
  const int32_t* o = offsets->raw_values();
  const int64_t rows = list.length();
  ARROW_ASSIGN_OR_RAISE(auto index_buf, arrow::AllocateBuffer(rows * static_cast<int64_t>(sizeof(int64_t))));
  ARROW_ASSIGN_OR_RAISE(auto mask_buf, arrow::AllocateEmptyBitmap(rows));
  auto* idx = reinterpret_cast<int64_t*>(index_buf->mutable_data());
  uint8_t* mask = mask_buf->mutable_data();
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t start = o[r], end = o[r + 1];
    const bool hit = list.IsValid(r) && end > start && n < static_cast<uint64_t>(end - start);
    idx[r] = hit ? start + static_cast<int64_t>(n) : 0;
    if (hit) arrow::bit_util::SetBit(mask, r);
  }
  auto indices = std::make_shared<arrow::Int64Array>(rows, std::move(index_buf));
  auto taken = arrow::compute::Take(values, indices, arrow::compute::TakeOptions::BoundsCheck());
  if (!taken.ok()) return InvalidArgument("Invalid argument error: {}", taken.status().message());
  ArrayPtr result = taken->make_array();
  ARROW_ASSIGN_OR_RAISE(auto valid, AndBits(PhysicalBits(*result), Bits{std::move(mask_buf), 0, rows}));
  ARROW_ASSIGN_OR_RAISE(result, WithValidity(result, valid));
  return Some(Flat(std::move(result)));
}

// `[]` on a fixed-size list: the visible child values, grouped n by n.
EvalResult EachFixed(const arrow::FixedSizeListArray& fsl) {
  const int64_t size = fsl.value_length(), rows = fsl.length();
  if (rows * size > INT32_MAX) {
    return InvalidArgument("Invalid argument error: `.[]` can't handle fixed size list with length {}", rows);
  }
  const ArrayPtr& values = fsl.values();
  if (values->length() < (fsl.offset() + rows) * size) {
    return InvalidArgument("Invalid argument error: fixed size list of {} x {} has only {} child values", rows, size,
                           values->length());
  }
  ARROW_ASSIGN_OR_RAISE(auto buf, arrow::AllocateBuffer((rows + 1) * static_cast<int64_t>(sizeof(int32_t))));
  auto* o = reinterpret_cast<int32_t*>(buf->mutable_data());
  for (int64_t r = 0; r <= rows; ++r) o[r] = static_cast<int32_t>(r * size);
  return Some(Value{values->Slice(fsl.offset() * size, rows * size),
                    std::make_shared<arrow::Int32Array>(rows + 1, std::move(buf)), PhysicalBits(fsl)});
}

EvalResult EvalAtom(const Stage& stage, const ArrayPtr& input) {
  const arrow::DataType& type = *input->type();
  const auto id = type.id();
  switch (stage.kind) {
    case AtomKind::kIdentity: return Some(Flat(input));
    case AtomKind::kField:
      if (id == arrow::Type::STRUCT) return GetField(static_cast<const arrow::StructArray&>(*input), stage.name);
      return InvalidArgument("Invalid argument error: cannot access field `.{}` on unexpected type {}", stage.name,
                             TypeDisplay(type));
    case AtomKind::kIndex:
      if (id == arrow::Type::LIST) return GetIndex(static_cast<const arrow::ListArray&>(*input), stage.index);
      if (id == arrow::Type::FIXED_SIZE_LIST) {
        return MakeError(ErrorKind::kUnimplemented,
                         fmt::format("Not yet implemented: index access `[{}]` is not yet implemented for {}",
                                     stage.index, TypeDisplay(type)));
      }
      return InvalidArgument("Invalid argument error: cannot access `[{}]` on unexpected type {}", stage.index,
                             TypeDisplay(type));
    case AtomKind::kEach:
      if (id == arrow::Type::LIST) {
        const auto& list = static_cast<const arrow::ListArray&>(*input);
        ARROW_ASSIGN_OR_RAISE(auto offsets, ListOffsets(list));
        return Some(Value{list.values(), std::move(offsets), PhysicalBits(list)});
      }
      if (id == arrow::Type::FIXED_SIZE_LIST) return EachFixed(static_cast<const arrow::FixedSizeListArray&>(*input));
      return InvalidArgument("Invalid argument error: `.[]` called on unexpected type {}", TypeDisplay(type));
    case AtomKind::kMap: {
      if (id == arrow::Type::LIST) {
        ARROW_ASSIGN_OR_RAISE(auto out, EvalPerRow(static_cast<const arrow::ListArray&>(*input), *stage.body));
        if (!out) return std::nullopt;
        return Some(Flat(std::move(*out)));
      }
      if (id == arrow::Type::FIXED_SIZE_LIST) {
        return MakeError(ErrorKind::kUnimplemented,
                         fmt::format("Not yet implemented: `map()` is not yet implemented for {}", TypeDisplay(type)));
      }
      return InvalidArgument("Invalid argument error: cannot call `.map()` on unexpected type {}", TypeDisplay(type));
    }
    case AtomKind::kPack: return EvalPack(stage, input);
    case AtomKind::kFunction:
    case AtomKind::kCallable: {
      SelectorFn fn = stage.fn;
      if (stage.kind == AtomKind::kFunction) {
        ARROW_ASSIGN_OR_RAISE(fn, LookupFunction(stage.name, stage.args));
      }
      ARROW_ASSIGN_OR_RAISE(auto out, fn(input));
      if (!out) return std::nullopt;
      if (*out == nullptr) return InvalidArgument("a selector function returned no array");
      return Some(Flat(std::move(*out)));
    }
  }
  return Status::Invalid("unknown selector stage");
}

// `!`: values that are null (logically) mark their group null; without offsets each value is a
// group. An array without nulls adds nothing (no vector is created).
EvalResult Promote(Value v) {
  ARROW_ASSIGN_OR_RAISE(auto logical, LogicalBits(*v.array));
  if (!logical.present()) return Some(std::move(v));
  if (v.offsets != nullptr) {
    ARROW_ASSIGN_OR_RAISE(logical, AggregateBits(*v.offsets, logical));
  }
  ARROW_ASSIGN_OR_RAISE(v.nulls, AndBits(v.nulls, logical));
  return Some(std::move(v));
}

EvalResult EvalStage(const Stage& stage, const ArrayPtr& input) {
  EvalResult r = EvalAtom(stage, input);
  for (Postfix p : stage.postfix) {
    if (p == Postfix::kTry) {
      if (!r.ok()) r = std::optional<Value>();
    } else if (r.ok() && r->has_value()) {
      r = Promote(std::move(**r));
    }
  }
  return r;
}

}  // namespace

EvalResult EvalChain(const Chain& chain, const ArrayPtr& input) {
  Value cur = Flat(input);
  for (const Stage& stage : chain.stages) {
    ARROW_ASSIGN_OR_RAISE(auto r, EvalStage(stage, cur.array));
    if (!r) return std::nullopt;
    ARROW_ASSIGN_OR_RAISE(r->offsets, ComposeOffsets(cur.offsets, r->offsets));
    ARROW_ASSIGN_OR_RAISE(r->nulls, AndBits(cur.nulls, r->nulls));
    cur = std::move(*r);
  }
  return Some(std::move(cur));
}

Result<std::optional<ArrayPtr>> EvalPerRow(const arrow::ListArray& list, const Chain& chain) {
  ARROW_ASSIGN_OR_RAISE(auto outer, ListOffsets(list));
  ARROW_ASSIGN_OR_RAISE(auto r, EvalChain(chain, list.values()));
  if (!r) return std::nullopt;
  std::shared_ptr<arrow::Int32Array> offsets = outer;
  if (r->offsets != nullptr) {
    ARROW_ASSIGN_OR_RAISE(offsets, ComposeOffsets(outer, r->offsets));
  }
  Bits valid = PhysicalBits(list);
  if (r->nulls.present()) {
    ARROW_ASSIGN_OR_RAISE(auto rows, AggregateBits(*outer, r->nulls));
    ARROW_ASSIGN_OR_RAISE(valid, AndBits(valid, rows));
  }

  // The values must cover every offset; Rerun 0.36.2 aborts when they do not (notes §1.5).
  const int64_t rows = list.length(), n_values = r->array->length();
  const int32_t* o = offsets->raw_values();
  if (o[0] < 0) return InvalidArgument("Invalid argument error: negative offset {}", o[0]);
  for (int64_t i = 0; i < rows; ++i) {
    if (o[i + 1] < o[i]) return InvalidArgument("Invalid argument error: offsets decrease at row {}", i);
  }
  if (o[rows] > n_values) {
    return InvalidArgument("Invalid argument error: Max offset of {} exceeds length of values {}", o[rows], n_values);
  }

  std::shared_ptr<arrow::Buffer> bitmap;
  int64_t null_count = CountNulls(valid);
  if (null_count > 0) {
    ARROW_ASSIGN_OR_RAISE(bitmap, BitmapAt(valid, offsets->offset()));
  }
  auto type = arrow::list(arrow::field("item", r->array->type(), /*nullable=*/true));
  auto data = arrow::ArrayData::Make(type, rows, {std::move(bitmap), offsets->data()->buffers[1]},
                                     {r->array->data()}, null_count, offsets->offset());
  return std::optional<ArrayPtr>(arrow::MakeArray(std::move(data)));
}

}  // namespace detail

Result<std::optional<std::shared_ptr<arrow::Array>>> Selector::Execute(
    const std::shared_ptr<arrow::Array>& input) const {
  ARROW_ASSIGN_OR_RAISE(auto r, detail::EvalChain(*chain_, input));
  if (!r) return std::nullopt;
  return std::optional<std::shared_ptr<arrow::Array>>(std::move(r->array));
}

Result<std::optional<std::shared_ptr<arrow::Array>>> Selector::ExecutePerRow(
    const std::shared_ptr<arrow::Array>& list) const {
  if (list->type_id() != arrow::Type::LIST) {
    return InvalidArgument("expected a ListArray, got {}", TypeDebug(*list->type()));
  }
  return detail::EvalPerRow(static_cast<const arrow::ListArray&>(*list), *chain_);
}

}  // namespace chunkhouse::transform
