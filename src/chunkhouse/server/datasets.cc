#include "chunkhouse/server/datasets.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include <algorithm>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/io/location.h"
#include "chunkhouse/redap/ids.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/manifest.h"

namespace chunkhouse::server {

Result<std::vector<SegmentFile>> DatasetTables::Segments(const std::string& dataset_id) {
  ARROW_RETURN_NOT_OK(catalog_.DatasetById(dataset_id).status());  // an unknown entry is NOT_FOUND, not empty
  ARROW_ASSIGN_OR_RAISE(auto segments, catalog_.Segments(dataset_id));
  std::vector<SegmentFile> out;
  out.reserve(segments.size());
  for (auto& s : segments) {
    ARROW_ASSIGN_OR_RAISE(auto location, io::ParseLocation(s.storage_url));
    out.push_back({std::move(s), std::move(location.path)});
  }
  return out;
}

Result<std::shared_ptr<arrow::Schema>> DatasetTables::DatasetSchema(const std::vector<SegmentFile>& segments) {
  // Cached per set of segments and files: computed once after each registration, not per query.
  std::string key = std::to_string(readers_.generation()) + "\n";
  for (const auto& s : segments) key += s.path + "\n" + s.segment.segment_id + "\n";
  {
    std::lock_guard lock(schemas_mutex_);
    auto it = schemas_.find(key);
    if (it != schemas_.end()) return it->second;
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, ComputeDatasetSchema(segments));
  std::lock_guard lock(schemas_mutex_);
  if (schemas_.size() > 64) schemas_.clear();
  schemas_[key] = schema;
  return schema;
}

bool DatasetTables::Warm(const std::string& dataset_id) {
  auto segments = Segments(dataset_id);
  return segments.ok() && DatasetSchema(*segments).ok();
}

Result<std::shared_ptr<arrow::Schema>> DatasetTables::ComputeDatasetSchema(const std::vector<SegmentFile>& segments) {
  std::map<std::string, Timeline> timelines;
  std::map<std::string, sorbet::Column> columns;
  std::set<const arrow::Schema*> seen;  // files from one recorder share one decoded manifest schema
  for (const auto& s : segments) {
    ARROW_ASSIGN_OR_RAISE(auto reader, readers_.Reader(s.path, s.segment.identity));
    const rrd::Manifest* manifest = reader->FindManifest(s.store());
    if (manifest && !seen.insert(manifest->sorbet_schema.get()).second) continue;
    // One segment's columns: from its footer manifest when there is one (nothing decoded).
    sorbet::Schema schema;
    if (manifest) {
      ARROW_ASSIGN_OR_RAISE(schema, sorbet::Schema::FromArrow(*manifest->sorbet_schema, s.path));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto store, readers_.Store(s.path, s.store(), s.segment.identity));
      schema = store->schema();
    }
    for (const auto& t : schema.timelines) timelines[t.name] = t;
    for (const auto& c : schema.columns) {
      auto [it, fresh] = columns.try_emplace(c.ColumnName(), c);
      if (!fresh) {
        it->second.is_static |= c.is_static;
        it->second.is_semantically_empty &= c.is_semantically_empty;
      }
    }
  }
  sorbet::Schema merged;
  for (const auto& [name, t] : timelines) merged.timelines.push_back(t);
  for (const auto& [name, c] : columns) merged.columns.push_back(c);
  return merged.ToArrow();
}

Result<std::shared_ptr<arrow::Schema>> DatasetTables::SegmentTableSchema(const std::vector<SegmentFile>& segments) {
  arrow::FieldVector fields = redap::SegmentTableFixedFields();
  const size_t fixed = fields.size();
  ARROW_ASSIGN_OR_RAISE(auto dataset, DatasetSchema(segments));
  ARROW_ASSIGN_OR_RAISE(auto schema, sorbet::Schema::FromArrow(*dataset, "dataset schema"));
  for (const auto& c : schema.columns) {
    if (!sorbet::IsPropertiesEntity(c.entity)) continue;
    auto f = c.ToField();
    // The segment table's property columns carry the descriptor, not the column flags.
    std::vector<std::string> k, v;
    for (auto key : {meta::kEntityPath, meta::kComponent, meta::kComponentType, meta::kKind, meta::kArchetype}) {
      if (auto value = meta::Get(*f, key)) {
        k.emplace_back(key);
        v.push_back(*value);
      }
    }
    fields.push_back(arrow::field(f->name(), f->type(), true, meta::Make(std::move(k), std::move(v))));
  }
  std::sort(fields.begin() + static_cast<ptrdiff_t>(fixed), fields.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  arrow::FieldVector ranges;
  for (const auto& t : schema.timelines) {
    for (std::string_view marker : {"start", "end"}) ranges.push_back(sorbet::IndexRangeField(t, marker));
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a->name() < b->name(); });
  fields.insert(fields.end(), ranges.begin(), ranges.end());
  return arrow::schema(fields, sorbet::SchemaMetadata());
}

Result<std::shared_ptr<arrow::RecordBatch>> DatasetTables::SegmentTable(const std::vector<SegmentFile>& segments,
                                                                        const std::vector<std::string>& columns) {
  ARROW_ASSIGN_OR_RAISE(auto full, SegmentTableSchema(segments));
  arrow::FieldVector fields;
  if (columns.empty()) {
    fields = full->fields();
  } else {
    std::set<std::string> seen;
    for (const auto& name : columns) {
      auto f = full->GetFieldByName(name);
      if (!f) return InvalidArgument("unknown segment table column '{}'", Quote(name));
      if (!seen.insert(name).second) return InvalidArgument("segment table column '{}' requested twice", Quote(name));
      fields.push_back(f);
    }
  }
  arrow::ArrayVector arrays;
  for (const auto& f : fields) {
    ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(f->type()));
    for (const auto& s : segments) ARROW_RETURN_NOT_OK(AppendSegmentCell(*f, s, *builder));
    ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
    arrays.push_back(std::move(array));
  }
  return arrow::RecordBatch::Make(arrow::schema(fields, full->metadata()), static_cast<int64_t>(segments.size()),
                                  arrays);
}

Status DatasetTables::AppendSegmentCell(const arrow::Field& f, const SegmentFile& s, arrow::ArrayBuilder& out) {
  namespace col = redap::col;
  const std::string& name = f.name();
  auto one_string = [&](const std::string& value) -> Status {
    auto& list = static_cast<arrow::ListBuilder&>(out);
    ARROW_RETURN_NOT_OK(list.Append());
    return static_cast<arrow::StringBuilder*>(list.value_builder())->Append(value);
  };
  if (name == col::kSegmentId) return static_cast<arrow::StringBuilder&>(out).Append(s.segment.segment_id);
  if (name == col::kLayerNames) return one_string(s.segment.layer);
  if (name == col::kStorageUrls) return one_string(s.segment.storage_url);
  if (name == col::kLastUpdatedAt) return static_cast<arrow::TimestampBuilder&>(out).Append(s.segment.registered_at_ns);
  if (name == col::kNumChunks) return static_cast<arrow::UInt64Builder&>(out).Append(s.segment.num_chunks);
  if (name == col::kSizeBytes) return static_cast<arrow::UInt64Builder&>(out).Append(s.segment.size_bytes);
  if (meta::Get(f, meta::kKind) == std::string(meta::kKindIndex)) {
    // The segment's time range on that timeline, from its chunks' index entries.
    const std::string timeline = meta::Get(f, meta::kIndex).value_or("");
    const bool start = meta::Get(f, meta::kIndexMarker) == std::string("start");
    ARROW_ASSIGN_OR_RAISE(auto reader, readers_.Reader(s.path, s.segment.identity));
    std::optional<int64_t> value;
    for (const auto& e : reader->chunks()) {
      if (e.store.kind != StoreKind::kRecording || e.store.recording_id != s.segment.segment_id) continue;
      if (const TimeRange* range = e.RangeOn(timeline)) {
        int64_t v = start ? range->min : range->max;
        value = !value ? v : start ? std::min(*value, v) : std::max(*value, v);
      }
    }
    if (!value) return out.AppendNull();
    ARROW_ASSIGN_OR_RAISE(auto scalar, arrow::MakeScalar(f.type(), *value));
    return out.AppendScalar(*scalar);
  }
  // A property: the segment's static value of that component, if it has one.
  const auto entity = EntityPath::Parse(meta::Get(f, meta::kEntityPath).value_or(""));
  const auto component = meta::Get(f, meta::kComponent).value_or("");
  ARROW_ASSIGN_OR_RAISE(auto store, readers_.Store(s.path, s.store(), s.segment.identity));
  auto cell = store->StaticCell(entity, component);
  if (!cell) return out.AppendNull();
  const auto* cc = cell->chunk->FindComponent(component);
  if (cc == nullptr) return out.AppendNull();
  const auto& column = cell->chunk->column(cc->column);
  if (!column.type()->Equals(*f.type())) return out.AppendNull();
  return out.AppendArraySlice(arrow::ArraySpan(*column.data()), cell->row, 1);
}

Status DatasetTables::SelectChunks(const std::string& dataset_id, const ChunkSelection& selection,
                                   const std::function<Status(std::shared_ptr<arrow::RecordBatch>)>& emit) {
  ARROW_ASSIGN_OR_RAISE(auto segments, Segments(dataset_id));
  ARROW_ASSIGN_OR_RAISE(auto schema, DatasetSchema(segments));
  std::vector<std::string> timelines;
  for (const auto& f : schema->fields()) {
    if (meta::Get(*f, meta::kKind) == std::string(meta::kKindIndex)) timelines.push_back(f->name());
  }
  // All segments' rows in as few batches as possible: one per 64k chunks.
  constexpr int64_t kRowsPerBatch = 65536;
  redap::ChunkInfoBuilder table(timelines);
  bool emitted = false;
  for (const auto& s : segments) {
    const std::string& segment = s.segment.segment_id;
    if (!selection.segments.empty() && !selection.segments.count(segment)) continue;
    ARROW_ASSIGN_OR_RAISE(auto reader, readers_.Reader(s.path, s.segment.identity));
    const auto& all = reader->chunks();
    for (size_t i = 0; i < all.size(); ++i) {
      const auto& e = all[i];
      if (e.store.kind != StoreKind::kRecording || e.store.recording_id != segment) continue;
      if (selection.entities && !selection.entities->count(EntityPath::Parse(e.entity_path).ToString())) continue;
      if (e.is_static ? selection.exclude_static : selection.exclude_temporal) continue;
      if (!selection.filter.Keeps(e, segment)) continue;
      ARROW_RETURN_NOT_OK(table.Add(e, segment, s.segment.layer, redap::ChunkKey{dataset_id, segment, i}.Encode(),
                                    e.byte_size, e.byte_size_uncompressed));
      if (table.rows() >= kRowsPerBatch) {
        ARROW_ASSIGN_OR_RAISE(auto batch, table.Finish());
        ARROW_RETURN_NOT_OK(emit(std::move(batch)));
        emitted = true;
      }
    }
  }
  if (table.rows() > 0 || !emitted) {  // an empty result is one empty batch with the full schema
    ARROW_ASSIGN_OR_RAISE(auto batch, table.Finish());
    ARROW_RETURN_NOT_OK(emit(std::move(batch)));
  }
  return Status::OK();
}

Result<std::string> DatasetTables::RrdManifest(const std::string& dataset_id, const std::string& segment_id) {
  ARROW_ASSIGN_OR_RAISE(auto segments, Segments(dataset_id));
  auto s = std::find_if(segments.begin(), segments.end(),
                        [&](const SegmentFile& f) { return f.segment.segment_id == segment_id; });
  if (s == segments.end()) return NotFound("no segment '{}' in dataset {}", Quote(segment_id), dataset_id);
  ARROW_ASSIGN_OR_RAISE(auto reader, readers_.Reader(s->path, s->segment.identity));
  rrd::ManifestBuilder builder(StoreId{StoreKind::kRecording, "none", segment_id});
  arrow::BinaryBuilder keys;
  const auto& all = reader->chunks();
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& e = all[i];
    if (e.store.kind != StoreKind::kRecording || e.store.recording_id != segment_id) continue;
    ARROW_ASSIGN_OR_RAISE(auto chunk, reader->LoadChunk(e));
    builder.Add(*chunk, e.byte_offset, e.byte_size, e.byte_size_uncompressed);
    ARROW_RETURN_NOT_OK(keys.Append(redap::ChunkKey{dataset_id, segment_id, i}.Encode()));
  }
  ARROW_ASSIGN_OR_RAISE(auto key_column, keys.Finish());
  return builder.Finish({{arrow::field(std::string(redap::col::kChunkKey), arrow::binary(), false), key_column}});
}

Status DatasetTables::ChunkReader::Read(std::string_view key_bytes, std::string* out) {
  ARROW_ASSIGN_OR_RAISE(auto key, redap::ChunkKey::Decode(key_bytes));
  auto ds = paths_.find(key.dataset_id);
  if (ds == paths_.end()) {
    ARROW_ASSIGN_OR_RAISE(auto segments, tables_.catalog_.Segments(key.dataset_id));
    std::map<std::string, File, std::less<>> files;
    for (auto& s : segments) {
      ARROW_ASSIGN_OR_RAISE(auto location, io::ParseLocation(s.storage_url));
      files[s.segment_id] = File{std::move(location.path), s.identity};
    }
    ds = paths_.emplace(key.dataset_id, std::move(files)).first;
  }
  auto it = ds->second.find(key.segment_id);
  if (it == ds->second.end()) {
    return NotFound("no segment '{}' in dataset {}", Quote(key.segment_id), Quote(key.dataset_id));
  }
  const File& file = it->second;
  if (!checked_.count(file.path)) {
    ARROW_RETURN_NOT_OK(tables_.readers_.Check(file.path, file.identity));
    checked_.insert(file.path);
  }
  ARROW_ASSIGN_OR_RAISE(auto reader, tables_.readers_.Reader(file.path, file.identity));
  if (key.index >= reader->chunks().size()) return NotFound("chunk_key names no chunk");
  const auto& entry = reader->chunks()[key.index];
  if (entry.store.recording_id != key.segment_id) return NotFound("chunk_key names no chunk of that segment");
  return reader->ReadChunkBytesInto(entry, out);  // read straight into the response
}

}  // namespace chunkhouse::server
