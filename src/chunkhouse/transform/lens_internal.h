#pragma once
// What the lens engine's files share: results under construction, output evaluation, casting
// and finishing a chunk. Errors inside one result are texts, kept in order (notes §0.12).
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/transform/lens.h"

namespace chunkhouse::transform::lens_detail {

using ArrayPtr = std::shared_ptr<arrow::Array>;
using Errors = std::vector<std::string>;
// Component columns of a result by identifier (a later insert replaces an earlier one).
using Columns = std::map<std::string, std::pair<ComponentDescriptor, ArrayPtr>>;

// One result of the engine: a chunk, nothing (ok, no output), or errors.
struct Outcome {
  std::shared_ptr<Chunk> chunk;
  Errors errors;
};

// --- lens_cast.cc ---------------------------------------------------------------------------
// The element type of `list` converted as `cast` says. The error's message is the lens error text.
Result<ArrayPtr> CastOutput(const CastTo& cast, const ComponentDescriptor& descriptor, const std::string& entity,
                            ArrayPtr list);
// Arrow's cast with arrow-rs's "safe" rules: values that do not convert become null; an
// unsupported pair is "Cast error: Casting from A to B not supported".
Result<ArrayPtr> CastValues(const ArrayPtr& values, const std::shared_ptr<arrow::DataType>& target);

// --- lens_derive.cc -------------------------------------------------------------------------
// An output column: the selector per row on `input`, then the cast. nullopt when suppressed or
// failed (the error is appended).
std::optional<ArrayPtr> EvalOutput(const ComponentOutput& output, const ArrayPtr& input, const std::string& input_id,
                                   const std::string& entity, Errors& errors);
// "Failed to apply operations to component 'Y' (entity: `E`, input: `X`): <error>"
std::string ComponentFailure(const std::string& component, const std::string& entity, const std::string& input,
                             const Status& error);
// A chunk with fresh row ids, rows stably sorted by the timelines in name order; null when the
// columns do not make a valid chunk (the reason is appended to `errors`). `timelines` holds the
// input's first (in name order), then `num_original` onwards those the lens added. With
// `tolerant`, earlier errors (failed output columns) do not discard the chunk.
std::shared_ptr<Chunk> Finalize(const std::string& entity, std::vector<Chunk::TimeColumn> timelines, Columns columns,
                                Errors& errors, size_t num_original = SIZE_MAX, bool tolerant = false);
// A derive to its own chunk at `target`: one row per input row, or scattered. `tolerant`: a
// failed output column is left out instead of failing the chunk (the MCAP importer's lenses).
Outcome DeriveOneToOne(const Chunk& chunk, const Lens& lens, const std::string& target, bool tolerant = false);
Outcome DeriveScatter(const Chunk& chunk, const Lens& lens, const std::string& target);

// The column `id` of `chunk` (a List array), or null.
ArrayPtr ComponentArray(const Chunk& chunk, const std::string& id);

}  // namespace chunkhouse::transform::lens_detail
