#include "chunkhouse/transform/selector_groups.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/bitmap_ops.h>

#include "chunkhouse/base/type_text.h"

namespace chunkhouse::transform::detail {

namespace bit_util = arrow::bit_util;

Bits PhysicalBits(const arrow::Array& array) {
  const auto& data = *array.data();
  if (array.type_id() == arrow::Type::NA || data.buffers.empty() || data.buffers[0] == nullptr) return {};
  return Bits{data.buffers[0], data.offset, data.length};
}

namespace {

// The set bits of a boolean array that are also valid (true and not null).
Result<Bits> TrueBits(const arrow::Datum& datum) {
  auto bools = std::static_pointer_cast<arrow::BooleanArray>(datum.make_array());
  Bits values{bools->values(), bools->offset(), bools->length()};
  return AndBits(values, PhysicalBits(*bools));
}

Result<Bits> AllNull(int64_t length) {
  ARROW_ASSIGN_OR_RAISE(auto buf, arrow::AllocateEmptyBitmap(length));
  return Bits{std::move(buf), 0, length};
}

}  // namespace

int64_t CountNulls(const Bits& bits) {
  if (!bits.present()) return 0;
  return bits.length - arrow::internal::CountSetBits(bits.buf->data(), bits.offset, bits.length);
}

Result<Bits> LogicalBits(const arrow::Array& array) {
  Bits bits;
  switch (array.type_id()) {
    case arrow::Type::NA:
      if (array.length() == 0) return Bits{};
      return AllNull(array.length());
    case arrow::Type::DICTIONARY: {
      const auto& dict = static_cast<const arrow::DictionaryArray&>(array);
      if (dict.dictionary()->null_count() == 0) {
        bits = PhysicalBits(array);
        break;
      }
      ARROW_ASSIGN_OR_RAISE(auto valid_values, arrow::compute::IsValid(dict.dictionary()));
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(valid_values, dict.indices()));
      ARROW_ASSIGN_OR_RAISE(bits, TrueBits(taken));
      break;
    }
    case arrow::Type::SPARSE_UNION:
    case arrow::Type::DENSE_UNION:
    case arrow::Type::RUN_END_ENCODED: {
      ARROW_ASSIGN_OR_RAISE(auto valid, arrow::compute::IsValid(array.data()));
      ARROW_ASSIGN_OR_RAISE(bits, TrueBits(valid));
      break;
    }
    default: return PhysicalBits(array);  // present even without nulls, as arrow-rs' NullBuffer
  }
  if (CountNulls(bits) == 0) return Bits{};
  return bits;
}

Result<std::shared_ptr<arrow::Int32Array>> ListOffsets(const arrow::ListArray& list) {
  const auto& buf = list.data()->buffers[1];
  int64_t needed = (list.offset() + list.length() + 1) * static_cast<int64_t>(sizeof(int32_t));
  if (buf == nullptr || buf->size() < needed) {
    if (list.length() == 0) {  // an empty list may come without offsets: one 0 stands for them
      ARROW_ASSIGN_OR_RAISE(auto zero, arrow::AllocateBuffer(sizeof(int32_t)));
      *reinterpret_cast<int32_t*>(zero->mutable_data()) = 0;
      return std::make_shared<arrow::Int32Array>(1, std::move(zero));
    }
    return InvalidArgument("Invalid argument error: list offsets buffer holds {} bytes, {} rows need {}",
                           buf == nullptr ? 0 : buf->size(), list.length(), needed);
  }
  return std::make_shared<arrow::Int32Array>(list.length() + 1, buf, nullptr, 0, list.offset());
}

Result<Bits> AndBits(const Bits& a, const Bits& b) {
  if (!a.present()) return b;
  if (!b.present()) return a;
  if (a.length != b.length) {
    // Rerun 0.36.2 aborts the process here (notes §0.2): group nulls of two nesting levels.
    return InvalidArgument(
        "Invalid argument error: cannot combine group validity of lengths {} and {} (nulls from different "
        "nesting levels)",
        a.length, b.length);
  }
  ARROW_ASSIGN_OR_RAISE(auto buf, arrow::internal::BitmapAnd(arrow::default_memory_pool(), a.buf->data(), a.offset,
                                                             b.buf->data(), b.offset, a.length, 0));
  return Bits{std::move(buf), 0, a.length};
}

Result<Bits> AggregateBits(const arrow::Int32Array& offsets, const Bits& bits) {
  const int64_t groups = offsets.length() - 1;
  const int32_t* o = offsets.raw_values();
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::AllocateEmptyBitmap(groups));
  uint8_t* dst = out->mutable_data();
  const uint8_t* src = bits.buf->data();
  for (int64_t g = 0; g < groups; ++g) {
    const int64_t s = o[g], e = o[g + 1];
    bool valid = s == e;
    if (!valid) {
      if (s < 0 || e < s || e > bits.length) {
        // Rerun 0.36.2 reads out of bounds and aborts here.
        return InvalidArgument("Invalid argument error: group {} spans values [{}, {}) but the validity has {} entries",
                               g, s, e, bits.length);
      }
      if (e - s <= 16) {
        for (int64_t i = s; i < e && !valid; ++i) valid = bit_util::GetBit(src, bits.offset + i);
      } else {
        valid = arrow::internal::CountSetBits(src, bits.offset + s, e - s) > 0;
      }
    }
    if (valid) bit_util::SetBit(dst, g);
  }
  return Bits{std::move(out), 0, groups};
}

Result<std::shared_ptr<arrow::Int32Array>> ComposeOffsets(const std::shared_ptr<arrow::Int32Array>& outer,
                                                          const std::shared_ptr<arrow::Int32Array>& inner) {
  if (outer == nullptr) return inner;
  if (inner == nullptr) return outer;
  const int64_t n = outer->length();
  const int32_t* o = outer->raw_values();
  const int32_t* in = inner->raw_values();
  const int64_t inner_len = inner->length();
  ARROW_ASSIGN_OR_RAISE(auto buf, arrow::AllocateBuffer(n * static_cast<int64_t>(sizeof(int32_t))));
  auto* dst = reinterpret_cast<int32_t*>(buf->mutable_data());
  for (int64_t i = 0; i < n; ++i) {
    if (o[i] < 0 || o[i] >= inner_len) {
      // Rerun 0.36.2 indexes out of bounds and aborts here.
      return InvalidArgument("Invalid argument error: offset {} points past the {} groups it indexes", o[i],
                             inner_len - 1);
    }
    dst[i] = in[o[i]];
  }
  return std::make_shared<arrow::Int32Array>(n, std::move(buf));
}

Result<std::shared_ptr<arrow::Buffer>> BitmapAt(const Bits& bits, int64_t out_offset) {
  if (bits.offset == out_offset) return bits.buf;
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::AllocateEmptyBitmap(out_offset + bits.length));
  arrow::internal::CopyBitmap(bits.buf->data(), bits.offset, bits.length, out->mutable_data(), out_offset);
  return std::shared_ptr<arrow::Buffer>(std::move(out));
}

Result<ArrayPtr> WithValidity(const ArrayPtr& array, const Bits& valid) {
  const int64_t nulls = CountNulls(valid);
  auto data = array->data()->Copy();
  if (nulls == 0) {
    if (data->buffers.empty() || data->buffers[0] == nullptr) return array;
    data->buffers[0] = nullptr;
    data->null_count = 0;
    return arrow::MakeArray(data);
  }
  switch (array->type_id()) {
    case arrow::Type::NA:
    case arrow::Type::SPARSE_UNION:
    case arrow::Type::DENSE_UNION:
    case arrow::Type::RUN_END_ENCODED:
      return InvalidArgument("Invalid argument error: Arrays of type {} cannot contain a null bitmask",
                             TypeDebug(*array->type()));
    default: break;
  }
  ARROW_ASSIGN_OR_RAISE(data->buffers[0], BitmapAt(valid, data->offset));
  data->null_count = nulls;
  return arrow::MakeArray(data);
}

}  // namespace chunkhouse::transform::detail
