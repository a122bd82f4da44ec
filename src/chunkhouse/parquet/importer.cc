#include "chunkhouse/parquet/importer.h"

#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/builder.h>
#include <arrow/compare.h>
#include <arrow/io/interfaces.h>
#include <arrow/record_batch.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>

#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <set>

#include "chunkhouse/base/memory.h"
#include "chunkhouse/base/type_text.h"
#include "chunkhouse/chunk/format_values.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/io/file.h"
#include "chunkhouse/parquet/grouping.h"

namespace chunkhouse::pq {

namespace {

// A file that cannot be read as the options ask is the caller's mistake here (Rerun raises
// ValueError for all of these), named with its path.
Status WithPath(const Status& st, const std::string& path) {
  return InvalidArgument("{}\nFile path: {}", st.message(), path);
}

// The first column named `name` (names may repeat in a Parquet file), or -1.
int FindColumn(const arrow::Schema& schema, const std::string& name) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.field(i)->name() == name) return i;
  }
  return -1;
}

// Rust's `as i64` of a float: truncated toward zero, NaN to 0, saturating.
int64_t FloatToI64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  if (v < -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

int64_t WrappingMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// Room for `n` time values, from the pool batches are read into.
Result<std::shared_ptr<arrow::Buffer>> TimeBuffer(int64_t n) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::AllocateBuffer(n * static_cast<int64_t>(sizeof(int64_t)), MemoryPool()));
  return std::shared_ptr<arrow::Buffer>(std::move(buffer));
}

std::shared_ptr<arrow::Array> TimeArray(TimeType type, int64_t n, std::shared_ptr<arrow::Buffer> values) {
  return arrow::MakeArray(arrow::ArrayData::Make(TimeArrowType(type), n, {nullptr, std::move(values)}, 0));
}

// The raw values of a column usable as a timeline, scaled; null for a type that is not. Null
// slots keep whatever the column holds there, as Rerun's reader does.
Result<std::shared_ptr<arrow::Array>> TimeValues(const arrow::Array& column, TimeType type, int64_t multiplier) {
  const int64_t n = column.length();
  const auto& data = *column.data();
  std::shared_ptr<arrow::Buffer> buffer;
  auto fill = [&](auto tag) -> Status {
    using T = decltype(tag);
    ARROW_ASSIGN_OR_RAISE(buffer, TimeBuffer(n));
    auto* out = reinterpret_cast<int64_t*>(buffer->mutable_data());
    const T* v = data.GetValues<T>(1);
    for (int64_t i = 0; i < n; ++i) {
      int64_t raw;
      if constexpr (std::is_floating_point_v<T>) {
        raw = FloatToI64(static_cast<double>(v[i]));
      } else {
        raw = static_cast<int64_t>(v[i]);
      }
      out[i] = WrappingMul(raw, multiplier);
    }
    return Status::OK();
  };
  switch (column.type_id()) {
    case arrow::Type::INT16: ARROW_RETURN_NOT_OK(fill(int16_t{})); break;
    case arrow::Type::INT32: ARROW_RETURN_NOT_OK(fill(int32_t{})); break;
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::DURATION: ARROW_RETURN_NOT_OK(fill(int64_t{})); break;
    case arrow::Type::UINT32: ARROW_RETURN_NOT_OK(fill(uint32_t{})); break;
    case arrow::Type::UINT64: ARROW_RETURN_NOT_OK(fill(uint64_t{})); break;
    case arrow::Type::FLOAT: ARROW_RETURN_NOT_OK(fill(float{})); break;
    case arrow::Type::DOUBLE: ARROW_RETURN_NOT_OK(fill(double{})); break;
    default: return nullptr;
  }
  return TimeArray(type, n, std::move(buffer));
}

// Types without an equality kernel in Rerun's check: assumed constant, with a warning.
bool Nested(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::STRUCT:
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::FIXED_SIZE_LIST:
    case arrow::Type::LIST_VIEW:
    case arrow::Type::LARGE_LIST_VIEW:
    case arrow::Type::MAP:
    case arrow::Type::SPARSE_UNION:
    case arrow::Type::DENSE_UNION: return true;
    default: return false;
  }
}

// A value of a constant column as Rerun prints it to compare batches: Display for numbers and
// strings, the array's debug text otherwise.
std::string ValueText(const arrow::Array& column) {
  switch (column.type_id()) {
    case arrow::Type::FLOAT: return format::RustFloatDisplay(static_cast<const arrow::FloatArray&>(column).Value(0));
    case arrow::Type::DOUBLE: return format::RustFloatDisplay(static_cast<const arrow::DoubleArray&>(column).Value(0));
    case arrow::Type::INT32: return std::to_string(static_cast<const arrow::Int32Array&>(column).Value(0));
    case arrow::Type::INT64: return std::to_string(static_cast<const arrow::Int64Array&>(column).Value(0));
    case arrow::Type::STRING: return std::string(static_cast<const arrow::StringArray&>(column).GetView(0));
    default: return column.Slice(0, 1)->ToString();
  }
}

// A component known only by its name (no archetype, no component type), as Rerun's importer makes them.
ComponentDescriptor Named(const std::string& component) {
  ComponentDescriptor d;
  d.component = component;
  return d;
}

// One 1-element list per value: offsets 0, 1, ..., n over `values` (a null value becomes [null]).
std::shared_ptr<arrow::Array> OnePerRow(const std::shared_ptr<arrow::Array>& values,
                                        const std::shared_ptr<arrow::Buffer>& offsets) {
  const int64_t n = values->length();
  auto type = arrow::list(arrow::field("item", values->type(), true));
  return std::make_shared<arrow::ListArray>(type, n, arrow::SliceBuffer(offsets, 0, (n + 1) * 4), values);
}

std::shared_ptr<arrow::Buffer> CountingOffsets(int64_t n) {
  std::vector<int32_t> v(static_cast<size_t>(n + 1));
  for (int64_t i = 0; i <= n; ++i) v[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  return arrow::Buffer::FromVector(std::move(v));
}

// The file's key-value metadata as Rerun's /__properties chunk (one KeyValuePairs instance).
Result<std::shared_ptr<Chunk>> PropertiesChunk(const arrow::KeyValueMetadata& kv) {
  auto pair_type = arrow::struct_({arrow::field("first", arrow::utf8(), false), arrow::field("second", arrow::utf8(), false)});
  arrow::StringBuilder keys, values;
  for (int64_t i = 0; i < kv.size(); ++i) {
    ARROW_RETURN_NOT_OK(keys.Append(kv.key(i)));
    ARROW_RETURN_NOT_OK(values.Append(kv.value(i)));
  }
  ARROW_ASSIGN_OR_RAISE(auto k, keys.Finish());
  ARROW_ASSIGN_OR_RAISE(auto v, values.Finish());
  auto pairs = std::make_shared<arrow::StructArray>(pair_type, kv.size(), arrow::ArrayVector{k, v});
  auto instance_type = arrow::list(arrow::field("item", pair_type, false));
  auto instance = std::make_shared<arrow::ListArray>(
      instance_type, 1, arrow::Buffer::FromVector(std::vector<int32_t>{0, static_cast<int32_t>(kv.size())}), pairs);
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = "/__properties";
  parts.row_ids = SequentialRowIds(parts.id, 1);
  ComponentDescriptor d;
  d.archetype = "ParquetMetadata";
  d.component = "file_metadata";
  d.component_type = "rerun.components.KeyValuePairs";
  parts.components.emplace_back(std::move(d), OnePerRow(instance, CountingOffsets(1)));
  return Chunk::Make(std::move(parts));
}

}  // namespace

// What building one batch's chunks needs, shared by its groups' work items (which may outlive
// the importer's current batch).
struct BatchJob {
  std::shared_ptr<arrow::RecordBatch> batch;
  std::vector<Chunk::TimeColumn> timelines;
  std::shared_ptr<arrow::Buffer> offsets;
  std::shared_ptr<arrow::Schema> schema;
  std::shared_ptr<const std::vector<Group>> groups;
  bool structs = true;
  Warn warn;
  std::string path;

  Result<std::shared_ptr<Chunk>> Build(size_t group, const std::string& entity) const;
};

struct ParquetImporter::State {
  std::string path;
  CheckedOptions options;
  Warn warn;
  std::unique_ptr<parquet::arrow::FileReader> file;
  std::shared_ptr<arrow::RecordBatchReader> batches;
  std::shared_ptr<arrow::Schema> schema;
  // Timelines by name (a name given twice: the later wins), each with its column.
  std::map<std::string, std::pair<int, IndexColumn>> timelines;
  std::set<std::string> unusable_timelines;  // warned about once
  std::vector<std::pair<std::string, int>> statics;  // name, column (first of that name)
  std::shared_ptr<const std::vector<Group>> groups;
  EntityPath prefix;
  std::shared_ptr<arrow::Buffer> offsets = CountingOffsets(kBatchRows);

  std::shared_ptr<Chunk> properties;
  bool properties_sent = false;
  bool batches_done = false;
  bool statics_sent = false;
  int64_t row_offset = 0;
  std::vector<std::shared_ptr<arrow::Array>> static_values;  // row 0 of the first batch read
  std::vector<std::string> static_texts;
  std::deque<ChunkWork> pending;
};

ParquetImporter::ParquetImporter(std::unique_ptr<State> state) : s_(std::move(state)) {}
ParquetImporter::~ParquetImporter() = default;

Result<std::unique_ptr<ParquetImporter>> ParquetImporter::Open(const std::string& path, const CheckedOptions& options,
                                                               Warn warn) {
  auto s = std::make_unique<State>();
  s->path = path;
  s->options = options;
  s->warn = OrStderr(std::move(warn));
  auto opened = io::OpenRegularFile(path);
  if (!opened.ok()) return WithPath(opened.status(), path);
  // Column chunks are read as the batches need them (no pre-buffering: memory stays at a few
  // batches, not the file), into jemalloc, which keeps the batch-sized buffers it is handed back
  // for the next batch (see base/memory.h).
  parquet::ArrowReaderProperties properties;
  properties.set_batch_size(kBatchRows);
  properties.set_use_threads(false);
  properties.set_pre_buffer(false);
  parquet::arrow::FileReaderBuilder builder;
  Status st = builder.Open(opened->file);
  if (!st.ok()) return WithPath(st, path);
  auto reader = builder.memory_pool(MemoryPool())->properties(properties)->Build();
  if (!reader.ok()) return WithPath(reader.status(), path);
  s->file = std::move(*reader);
  st = s->file->GetSchema(&s->schema);
  if (!st.ok()) return WithPath(st, path);

  std::set<int> taken;  // index and static columns: never components
  for (const auto& ic : s->options.index_columns) {
    if (ic.path.empty()) return WithPath(InvalidArgument("Invalid `TimelineName`: must not be empty"), path);
    int column = FindColumn(*s->schema, ic.path);
    if (column < 0) return WithPath(InvalidArgument("Index column '{}' not found in parquet schema", ic.path), path);
    s->timelines[ic.path] = {column, ic};
    taken.insert(column);
  }
  for (const auto& name : s->options.raw.static_columns) {
    int column = FindColumn(*s->schema, name);
    if (column < 0) return WithPath(InvalidArgument("Static column '{}' not found in parquet schema", name), path);
    taken.insert(column);
    bool seen = false;
    for (const auto& [n, c] : s->statics) seen = seen || n == name;
    if (!seen) s->statics.emplace_back(name, column);
  }
  std::vector<std::pair<int, std::string>> columns;
  for (int i = 0; i < s->schema->num_fields(); ++i) {
    if (!taken.count(i)) columns.emplace_back(i, s->schema->field(i)->name());
  }
  s->groups = std::make_shared<const std::vector<Group>>(GroupColumns(columns, s->options));
  s->prefix = EntityPath::Parse(s->options.raw.entity_path_prefix.value_or("/"));

  const auto& kv = s->file->parquet_reader()->metadata()->key_value_metadata();
  if (kv && kv->size() > 0) {
    ARROW_ASSIGN_OR_RAISE(s->properties, PropertiesChunk(*kv));
  }
  return std::unique_ptr<ParquetImporter>(new ParquetImporter(std::move(s)));
}

Status ParquetImporter::ReadBatch() {
  auto& s = *s_;
  if (!s.batches) {  // made on first use: on the thread that reads
    auto batches = s.file->GetRecordBatchReader();
    if (!batches.ok()) return DataLoss("Parquet error: {} (in {})", batches.status().message(), s.path);
    s.batches = std::move(*batches);
  }
  std::shared_ptr<arrow::RecordBatch> batch;
  Status st = s.batches->ReadNext(&batch);
  if (!st.ok()) return DataLoss("Parquet error: {} (in {})", st.message(), s.path);
  if (!batch) {
    s.batches_done = true;
    return Status::OK();
  }
  const int64_t n = batch->num_rows();
  if (n == 0) return Status::OK();

  // Constant columns: checked before this batch's chunks, inside the batch and against the first.
  for (size_t i = 0; i < s.statics.size(); ++i) {
    const auto& [name, index] = s.statics[i];
    const auto& column = batch->column(index);
    if (n > 1) {
      if (Nested(*column->type())) {
        if (s.static_values.size() <= i) {
          s.warn(fmt::format("Cannot verify uniformity of static column '{}' ({}); assuming uniform", name,
                             TypeDebug(*column->type())));
        }
      } else {
        bool uniform = column->null_count() == 0;
        if (uniform) {
          ARROW_ASSIGN_OR_RAISE(auto first, column->GetScalar(0));
          ARROW_ASSIGN_OR_RAISE(auto repeated, arrow::MakeArrayFromScalar(*first, n - 1));
          uniform = column->Slice(1)->Equals(*repeated, arrow::EqualOptions::Defaults().nans_equal(true));
        }
        if (!uniform) return FailedPrecondition("Parquet error: Static column '{}' contains non-uniform values", name);
      }
    }
    std::string text = ValueText(*column);
    if (s.static_values.size() <= i) {
      s.static_values.push_back(column->Slice(0, 1));
      s.static_texts.push_back(std::move(text));
    } else if (text != s.static_texts[i]) {
      return FailedPrecondition("Parquet error: Static column '{}' changed between batches: '{}' \u2192 '{}'", name,
                                s.static_texts[i], text);
    }
  }

  // Timelines, in name order; row_index when none could be made.
  std::vector<Chunk::TimeColumn> timelines;
  for (const auto& [name, entry] : s.timelines) {
    const auto& [column, ic] = entry;
    ARROW_ASSIGN_OR_RAISE(auto values, TimeValues(*batch->column(column), ic.type, ic.multiplier));
    if (!values) {
      if (s.unusable_timelines.insert(name).second) {
        s.warn(fmt::format("Cannot use column with type {} as a timeline index", TypeDebug(*batch->column(column)->type())));
      }
      continue;
    }
    timelines.push_back({Timeline{name, ic.type}, std::move(values), std::nullopt});
  }
  if (timelines.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto rows, TimeBuffer(n));
    auto* out = reinterpret_cast<int64_t*>(rows->mutable_data());
    for (int64_t i = 0; i < n; ++i) out[i] = s.row_offset + i;
    timelines.push_back({Timeline{"row_index", TimeType::kSequence}, TimeArray(TimeType::kSequence, n, std::move(rows)),
                         std::nullopt});
  }
  s.row_offset += n;
  if (n > kBatchRows) s.offsets = CountingOffsets(n);

  // Each group's chunk is built by a work item (on a pool's worker when the caller defers it).
  auto shared = std::make_shared<const BatchJob>(BatchJob{
      batch, std::move(timelines), s.offsets, s.schema, s.groups,
      s.options.raw.use_structs && s.options.grouping != Grouping::kIndividual, s.warn, s.path});
  for (size_t g = 0; g < s.groups->size(); ++g) {
    std::string entity = GroupEntity(s.prefix, (*s.groups)[g].key).ToString();
    s.pending.push_back([shared, g, entity = std::move(entity)] { return shared->Build(g, entity); });
  }
  return Status::OK();
}

Result<std::shared_ptr<Chunk>> BatchJob::Build(size_t g, const std::string& entity) const {
  const auto& group = (*groups)[g];
  const int64_t n = batch->num_rows();
  Chunk::Parts parts;
  parts.entity_path = entity;
  if (structs && group.members.size() > 1) {
    arrow::FieldVector fields;
    arrow::ArrayVector children;
    for (const auto& m : group.members) {
      const auto& source = schema->field(m.column);
      fields.push_back(arrow::field(m.component, source->type(), source->nullable()));
      children.push_back(batch->column(m.column));
    }
    auto data = std::make_shared<arrow::StructArray>(arrow::struct_(fields), n, children);
    parts.components.emplace_back(Named("data"), OnePerRow(data, offsets));
  } else {
    for (const auto& m : group.members) {
      if (m.component.empty()) {
        warn(fmt::format("Invalid component name for column '{}' of {}: must not be empty; the column is left out",
                         schema->field(m.column)->name(), path));
        continue;
      }
      auto list = OnePerRow(batch->column(m.column), offsets);
      auto same = std::find_if(parts.components.begin(), parts.components.end(),
                               [&](const auto& c) { return c.first.component == m.component; });
      if (same != parts.components.end()) {
        same->second = std::move(list);  // the later column wins
      } else {
        parts.components.emplace_back(Named(m.component), std::move(list));
      }
    }
  }
  if (parts.components.empty()) {
    return FailedPrecondition(
        "Parquet error: Failed to build chunk from Parquet batch: Detected malformed chunk: All timelines in a chunk "
        "must have the same number of timestamps, matching the number of row IDs. Found 0 row IDs but {} timestamps "
        "for timeline '{}'",
        n, timelines.front().timeline.name);
  }
  parts.timelines = timelines;
  return MakeSortedWithNewRowIds(std::move(parts), /*declared_sorted=*/true);
}

int64_t ParquetImporter::num_rows() const { return s_->file->parquet_reader()->metadata()->num_rows(); }

Result<std::shared_ptr<Chunk>> ParquetImporter::Next() {
  ARROW_ASSIGN_OR_RAISE(auto work, NextWork());
  if (!work) return nullptr;
  return (*work)();
}

Result<std::optional<ChunkWork>> ParquetImporter::NextWork() {
  auto& s = *s_;
  auto ready = [](std::shared_ptr<Chunk> chunk) -> std::optional<ChunkWork> {
    return ChunkWork([chunk = std::move(chunk)]() -> Result<std::shared_ptr<Chunk>> { return chunk; });
  };
  if (!s.properties_sent) {
    s.properties_sent = true;
    if (s.properties) return ready(s.properties);
  }
  while (s.pending.empty() && !s.batches_done) ARROW_RETURN_NOT_OK(ReadBatch());
  if (!s.pending.empty()) {
    auto work = std::move(s.pending.front());
    s.pending.pop_front();
    return work;
  }
  if (!s.statics_sent) {
    s.statics_sent = true;
    if (!s.statics.empty() && !s.static_values.empty()) {
      Chunk::Parts parts;
      parts.id = Tuid::New();
      parts.entity_path = s.prefix.ToString();
      parts.row_ids = SequentialRowIds(parts.id, 1);
      for (size_t i = 0; i < s.statics.size(); ++i) {
        parts.components.emplace_back(Named(s.statics[i].first), OnePerRow(s.static_values[i], s.offsets));
      }
      ARROW_ASSIGN_OR_RAISE(auto chunk, Chunk::Make(std::move(parts)));
      return ready(std::move(chunk));
    }
  }
  return std::nullopt;
}

}  // namespace chunkhouse::pq
