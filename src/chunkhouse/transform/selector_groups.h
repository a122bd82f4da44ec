#pragma once
// The intermediate result of selector evaluation and the vector operations on it (notes §1.1,
// §1.2): the current flat array, optional offsets grouping it (from `[]`), optional group validity
// (from `[]` and `!`). Every operation checks lengths and ranges first: where Rerun's wheel
// panics on a mismatch, these return an error.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "chunkhouse/base/status.h"

namespace chunkhouse::transform::detail {

using ArrayPtr = std::shared_ptr<arrow::Array>;

// A validity bitmap (1 = valid) of `length` bits starting at bit `offset` of `buf`. "Absent"
// (buf == nullptr) differs from "all valid": presence decides which vectors combine (notes §0.3).
struct Bits {
  std::shared_ptr<arrow::Buffer> buf;
  int64_t offset = 0;
  int64_t length = 0;
  bool present() const { return buf != nullptr; }
};

struct Value {
  ArrayPtr array;
  std::shared_ptr<arrow::Int32Array> offsets;  // absent = null; length = groups + 1
  Bits nulls;
};

using EvalResult = Result<std::optional<Value>>;

// An array's own validity bitmap, present whenever the array has one, even if its slice holds
// no null: arrow-rs keeps a NullBuffer through slicing (a sliced struct's children keep theirs)
// and drops it only when it builds or imports an array. A NullType array has none.
Bits PhysicalBits(const arrow::Array& array);
// Validity as arrow-rs's `logical_nulls` sees it: the bitmap for most types; NullType is all null,
// a dictionary is null where its key or its value is, unions and run-end arrays by their
// children (absent when none of those is null).
Result<Bits> LogicalBits(const arrow::Array& array);

// The offsets of a List (not rebased: a sliced list keeps its original offsets), checked to lie
// inside its buffer.
Result<std::shared_ptr<arrow::Int32Array>> ListOffsets(const arrow::ListArray& list);

// a AND b; one absent gives the other unchanged. Different lengths are an error.
Result<Bits> AndBits(const Bits& a, const Bits& b);
// Per group of `offsets`: valid iff the group is empty or holds at least one valid bit. Present.
Result<Bits> AggregateBits(const arrow::Int32Array& offsets, const Bits& bits);
// outer ∘ inner (result[i] = inner[outer[i]]); one absent gives the other.
Result<std::shared_ptr<arrow::Int32Array>> ComposeOffsets(const std::shared_ptr<arrow::Int32Array>& outer,
                                                          const std::shared_ptr<arrow::Int32Array>& inner);

// The bitmap of `bits` moved to start at bit `out_offset` (shared when it already does).
Result<std::shared_ptr<arrow::Buffer>> BitmapAt(const Bits& bits, int64_t out_offset);
int64_t CountNulls(const Bits& bits);

// `array` with validity `valid` (same length; it already includes the array's own nulls). An
// all-valid result drops the bitmap; types that cannot hold one (Null, unions, run-end encoded)
// give arrow-rs's error when a null would be added.
Result<ArrayPtr> WithValidity(const ArrayPtr& array, const Bits& valid);

}  // namespace chunkhouse::transform::detail
