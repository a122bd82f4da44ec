// Derived chunks (notes §5.4, §5.5): one row per input row, or scattered (one row per element of
// the first output), and finishing a chunk the way Rerun builds one with fresh row ids.
#include <arrow/api.h>
#include <arrow/compute/api_vector.h>

#include <algorithm>
#include <numeric>

#include "chunkhouse/base/type_text.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/transform/lens_internal.h"

namespace chunkhouse::transform::lens_detail {

namespace {

std::string TimeFailure(const std::string& timeline, const std::string& entity, const std::string& input,
                        const Status& error) {
  return fmt::format("Failed to apply operations to timeline '{}' (entity: `{}`, input: `{}`): {}", timeline, entity,
                     input, error.message());
}

// The raw Int64 values of a per-row time list as a time column (one time per value, not per row;
// null slots keep the integer stored under them), or the error text.
std::optional<Chunk::TimeColumn> TimeFromList(const TimeOutput& out, const ArrayPtr& list, Errors& errors) {
  const ArrayPtr values = static_cast<const arrow::ListArray&>(*list).values();
  if (values->type_id() != arrow::Type::INT64) {
    errors.push_back(fmt::format("Invalid time column type for timeline '{}': expected List<Int64>, got {}", out.name,
                                 TypeDisplay(*values->type())));
    return std::nullopt;
  }
  auto data = arrow::ArrayData::Make(TimeArrowType(out.type), values->length(), {nullptr, values->data()->buffers[1]},
                                     0, values->offset());
  return Chunk::TimeColumn{Timeline{out.name, out.type}, arrow::MakeArray(data), std::nullopt};
}

// Adds `column` to `timelines`, replacing one of the same name.
void PutTimeline(std::vector<Chunk::TimeColumn>& timelines, Chunk::TimeColumn column) {
  for (auto& tc : timelines) {
    if (tc.timeline.name == column.timeline.name) {
      tc = std::move(column);
      return;
    }
  }
  timelines.push_back(std::move(column));
}

// Raw int64 values gathered by `indices` (no validity).
ArrayPtr GatherTimes(const arrow::Array& times, const std::vector<int32_t>& indices) {
  const int64_t* v = times.data()->GetValues<int64_t>(1);
  std::vector<int64_t> out(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) out[i] = v[indices[i]];
  const auto n = static_cast<int64_t>(out.size());
  return arrow::MakeArray(arrow::ArrayData::Make(times.type(), n, {nullptr, arrow::Buffer::FromVector(std::move(out))}, 0));
}

// Every element of `list` as its own row (null where the element is null); a null row stays one
// null row and an empty row one empty row. Also gives the positions of the elements taken.
struct Exploded {
  ArrayPtr list;
  std::vector<int32_t> taken;
};
Result<Exploded> Explode(const ArrayPtr& array) {
  const auto& list = static_cast<const arrow::ListArray&>(*array);
  const ArrayPtr values = list.values();
  const int32_t* off = list.raw_value_offsets();
  const int64_t n = list.length();
  Exploded out;
  std::vector<int32_t> offsets{0};
  arrow::TypedBufferBuilder<bool> validity;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t start = off[i], end = off[i + 1];
    if (list.IsNull(i) || start == end) {
      ARROW_RETURN_NOT_OK(validity.Append(list.IsValid(i)));
      offsets.push_back(static_cast<int32_t>(out.taken.size()));
      continue;
    }
    for (int32_t j = start; j < end; ++j) {
      out.taken.push_back(j);
      offsets.push_back(static_cast<int32_t>(out.taken.size()));
      ARROW_RETURN_NOT_OK(validity.Append(values->IsValid(j)));
    }
  }
  const int64_t rows = static_cast<int64_t>(offsets.size()) - 1;
  arrow::Int32Array indices(static_cast<int64_t>(out.taken.size()), arrow::Buffer::Wrap(out.taken));
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(*values, indices));
  ARROW_ASSIGN_OR_RAISE(auto bitmap, validity.Finish());
  out.list = std::make_shared<arrow::ListArray>(arrow::list(arrow::field("item", values->type(), true)), rows,
                                                arrow::Buffer::FromVector(std::move(offsets)), taken, bitmap);
  return out;
}

// Row order sorting the rows lexicographically by the timelines in name order (stable); empty
// when the rows already are in that order.
std::vector<int64_t> SortOrder(const std::vector<Chunk::TimeColumn>& timelines, int64_t n) {
  std::vector<const Chunk::TimeColumn*> by_name;
  for (const auto& tc : timelines) by_name.push_back(&tc);
  std::sort(by_name.begin(), by_name.end(),
            [](const auto* a, const auto* b) { return a->timeline.name < b->timeline.name; });
  std::vector<const int64_t*> times;
  for (const auto* tc : by_name) times.push_back(tc->values->data()->GetValues<int64_t>(1));
  auto less = [&](int64_t a, int64_t b) {
    for (const int64_t* t : times) {
      if (t[a] != t[b]) return t[a] < t[b];
    }
    return false;
  };
  bool sorted = true;
  for (int64_t i = 1; i < n && sorted; ++i) sorted = !less(i, i - 1);
  if (sorted) return {};
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), less);
  return order;
}

}  // namespace

ArrayPtr ComponentArray(const Chunk& chunk, const std::string& id) {
  const auto* c = chunk.FindComponent(id);
  return c == nullptr ? nullptr : chunk.batch()->column(c->column);
}

std::string ComponentFailure(const std::string& component, const std::string& entity, const std::string& input,
                             const Status& error) {
  return fmt::format("Failed to apply operations to component '{}' (entity: `{}`, input: `{}`): {}", component, entity,
                     input, error.message());
}

std::optional<ArrayPtr> EvalOutput(const ComponentOutput& output, const ArrayPtr& input, const std::string& input_id,
                                   const std::string& entity, Errors& errors) {
  auto r = output.selector.ExecutePerRow(input);
  if (!r.ok()) {
    errors.push_back(ComponentFailure(output.descriptor.component, entity, input_id, r.status()));
    return std::nullopt;
  }
  if (!*r) return std::nullopt;
  auto cast = CastOutput(output.cast, output.descriptor, entity, **r);
  if (!cast.ok()) {
    errors.push_back(cast.status().message());
    return std::nullopt;
  }
  return *cast;
}

std::shared_ptr<Chunk> Finalize(const std::string& entity, std::vector<Chunk::TimeColumn> timelines, Columns columns,
                                Errors& errors, size_t num_original, bool tolerant) {
  const int64_t n = columns.empty() ? 0 : columns.begin()->second.second->length();
  auto malformed = [&](std::string what) {
    errors.push_back("Chunk validation failed: Detected malformed chunk: " + what);
    return nullptr;
  };
  // Which timeline a length mismatch names follows Rerun's hash map; what was seen of it: the
  // last timeline a lens added, else the first by name. So: added ones from the last, then the
  // original ones (which come first, in name order).
  std::vector<const Chunk::TimeColumn*> check_order;
  for (size_t i = timelines.size(); i > num_original; --i) check_order.push_back(&timelines[i - 1]);
  for (size_t i = 0; i < std::min(num_original, timelines.size()); ++i) check_order.push_back(&timelines[i]);
  for (const auto* tc_ptr : check_order) {
    const auto& tc = *tc_ptr;
    if (tc.values->length() != n) {
      return malformed(fmt::format("All timelines in a chunk must have the same number of timestamps, matching the "
                                   "number of row IDs. Found {} row IDs but {} timestamps for timeline '{}'",
                                   n, tc.values->length(), tc.timeline.name));
    }
  }
  for (const auto& [id, column] : columns) {
    if (column.second->length() != n) {
      return malformed(fmt::format("All component batches in a chunk must have the same number of rows, matching the "
                                   "number of row IDs. Found {} row IDs but {} rows for component batch {}",
                                   n, column.second->length(), id));
    }
  }
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = entity;
  parts.row_ids = SequentialRowIds(parts.id, n);
  parts.row_ids_sorted = true;
  const std::vector<int64_t> order = SortOrder(timelines, n);
  std::shared_ptr<arrow::Array> indices;
  if (!order.empty()) indices = std::make_shared<arrow::Int64Array>(n, arrow::Buffer::Wrap(order));
  auto reorder = [&](const ArrayPtr& a) -> Result<ArrayPtr> {
    if (!indices) return a;
    return arrow::compute::Take(*a, *indices);
  };
  for (auto& tc : timelines) {
    auto taken = reorder(tc.values);
    if (!taken.ok()) return malformed(taken.status().message());
    parts.timelines.push_back({tc.timeline, *taken, std::nullopt});
  }
  for (auto& [id, column] : columns) {
    auto taken = reorder(column.second);
    if (!taken.ok()) return malformed(taken.status().message());
    parts.components.emplace_back(column.first, *taken);
  }
  auto chunk = Chunk::Make(std::move(parts));
  if (!chunk.ok()) {
    errors.push_back("Chunk validation failed: " + chunk.status().message());
    return nullptr;
  }
  if (!errors.empty() && !tolerant) return nullptr;  // Python discards a partial chunk
  return *chunk;
}

Outcome DeriveOneToOne(const Chunk& chunk, const Lens& lens, const std::string& target, bool tolerant) {
  Outcome out;
  const ArrayPtr input = ComponentArray(chunk, lens.input);
  Columns columns;
  for (const auto& output : lens.components) {
    if (auto list = EvalOutput(output, input, lens.input, target, out.errors)) {
      columns[output.descriptor.component] = {output.descriptor, *list};
    }
  }
  auto timelines = chunk.parts().timelines;
  const size_t num_original = timelines.size();
  for (const auto& t : lens.timelines) {
    auto r = t.selector.ExecutePerRow(input);
    if (!r.ok()) {
      out.errors.push_back(TimeFailure(t.name, target, lens.input, r.status()));
    } else if (*r) {
      if (auto tc = TimeFromList(t, **r, out.errors)) PutTimeline(timelines, std::move(*tc));
    }
  }
  out.chunk = Finalize(target, std::move(timelines), std::move(columns), out.errors, num_original, tolerant);
  return out;
}

Outcome DeriveScatter(const Chunk& chunk, const Lens& lens, const std::string& target) {
  Outcome out;
  const ArrayPtr input = ComponentArray(chunk, lens.input);
  // The outputs produced (suppressed ones left out): a list, or the error text.
  struct Produced {
    const ComponentOutput* output;
    ArrayPtr list;
    std::string error;
  };
  std::vector<Produced> produced;
  for (const auto& output : lens.components) {
    Errors errs;
    auto list = EvalOutput(output, input, lens.input, target, errs);
    if (!errs.empty()) {
      produced.push_back({&output, nullptr, errs.front()});
    } else if (list) {
      produced.push_back({&output, *list, {}});
    }
  }
  if (produced.empty()) {
    out.errors.push_back(fmt::format("No component outputs were produced for target entity `{}`", target));
    return out;
  }
  if (!produced.front().list) {
    for (const auto& p : produced) {
      if (!p.list) out.errors.push_back(p.error);
    }
    return out;
  }
  // One row per element of the first output's rows; a null or empty row stays one row.
  const auto& ref = static_cast<const arrow::ListArray&>(*produced.front().list);
  const int32_t* off = ref.raw_value_offsets();
  std::vector<int32_t> rows;
  for (int64_t r = 0; r < ref.length(); ++r) {
    const int32_t count = off[r + 1] - off[r];
    const int32_t copies = ref.IsNull(r) || count == 0 ? 1 : count;
    rows.insert(rows.end(), static_cast<size_t>(copies), static_cast<int32_t>(r));
  }
  const int64_t expected = static_cast<int64_t>(rows.size());
  std::vector<Chunk::TimeColumn> timelines;
  for (const auto& tc : chunk.parts().timelines) timelines.push_back({tc.timeline, GatherTimes(*tc.values, rows), {}});
  const size_t num_original = timelines.size();
  for (const auto& t : lens.timelines) {
    auto r = t.selector.ExecutePerRow(input);
    if (!r.ok()) {
      out.errors.push_back(TimeFailure(t.name, target, lens.input, r.status()));
      continue;
    }
    if (!*r) continue;
    const ArrayPtr values = static_cast<const arrow::ListArray&>(***r).values();
    if (values->type_id() != arrow::Type::INT64) {
      TimeFromList(t, **r, out.errors);  // the type error
      continue;
    }
    auto exploded = Explode(**r);
    if (!exploded.ok()) {
      out.errors.push_back(TimeFailure(t.name, target, lens.input, exploded.status()));
      continue;
    }
    // The exploded values, raw: the integers stored under null slots too.
    auto raw = GatherTimes(*values, exploded->taken);
    PutTimeline(timelines, {Timeline{t.name, t.type}, raw->View(TimeArrowType(t.type)).ValueOr(raw), std::nullopt});
  }
  Columns columns;
  for (const auto& p : produced) {
    if (!p.list) {
      out.errors.push_back(p.error);
      continue;
    }
    auto exploded = Explode(p.list);
    if (!exploded.ok()) {
      out.errors.push_back(ComponentFailure(p.output->descriptor.component, target, lens.input, exploded.status()));
    } else if (exploded->list->length() != expected) {
      out.errors.push_back(fmt::format(
          "Output component '{}' for entity `{}` produced {} rows, expected {} — row counts must be consistent "
          "across all output components",
          p.output->descriptor.component, target, exploded->list->length(), expected));
    } else {
      columns[p.output->descriptor.component] = {p.output->descriptor, exploded->list};
    }
  }
  out.chunk = Finalize(target, std::move(timelines), std::move(columns), out.errors, num_original);
  return out;
}

}  // namespace chunkhouse::transform::lens_detail
