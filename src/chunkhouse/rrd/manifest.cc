#include "chunkhouse/rrd/manifest.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <openssl/sha.h>

#include <algorithm>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/rrd/proto/log_msg.pb.h"

namespace chunkhouse::rrd {

namespace pb = rerun::log_msg::v1alpha1;

std::string ManifestColumnName(std::string_view prefix, const ComponentDescriptor* d, std::string_view suffix) {
  std::vector<std::string> parts;
  if (!prefix.empty()) parts.emplace_back(prefix);
  if (d != nullptr) {
    if (d->archetype) parts.push_back(d->ArchetypeShortName());
    parts.push_back(d->FieldName());
  }
  if (!suffix.empty()) parts.emplace_back(suffix);
  std::string name;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!name.empty()) name += ':';
    name += p;
  }
  for (char& c : name) {
    if (c == ',' || c == ' ' || c == '-' || c == '.' || c == '\\') c = '_';
  }
  size_t first = name.find_first_not_of('_');
  return first == std::string::npos ? std::string() : name.substr(first);
}

namespace {

std::shared_ptr<arrow::KeyValueMetadata> DescriptorMeta(std::string_view index, const ComponentDescriptor& d) {
  auto md = std::make_shared<arrow::KeyValueMetadata>();
  md->Append(std::string(meta::kIndex), std::string(index));
  md->Append(std::string(meta::kComponent), d.component);
  if (d.archetype) md->Append(std::string(meta::kArchetype), *d.archetype);
  if (d.component_type) md->Append(std::string(meta::kComponentType), *d.component_type);
  return md;
}

bool ListHasAnyValue(const arrow::Array& array) {
  const auto& list = static_cast<const arrow::ListArray&>(array);
  for (int64_t i = 0; i < list.length(); ++i) {
    if (list.IsValid(i) && list.value_length(i) > 0) return true;
  }
  return false;
}

Result<std::shared_ptr<arrow::Array>> TimeArray(TimeType type, const std::vector<std::optional<int64_t>>& values) {
  arrow::Int64Builder b;
  for (const auto& v : values) {
    if (v) {
      ARROW_RETURN_NOT_OK(b.Append(*v));
    } else {
      ARROW_RETURN_NOT_OK(b.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto arr, b.Finish());
  return arr->View(TimeArrowType(type));
}

}  // namespace

void ManifestBuilder::Add(const Chunk& chunk, uint64_t byte_offset, uint64_t byte_size,
                          uint64_t byte_size_uncompressed) {
  Row row{chunk.entity_path(), chunk.id(), chunk.is_static(), static_cast<uint64_t>(chunk.num_rows()),
          byte_offset, byte_size, byte_size_uncompressed, {}, {}, {}};
  for (const auto& ic : chunk.indexes()) {
    timelines_.emplace(ic.timeline.name, ic.timeline.type);
    if (auto r = chunk.TimeRangeOf(ic)) row.timeline_ranges[ic.timeline.name] = *r;
  }
  for (const auto& cc : chunk.components()) {
    const auto& d = cc.descriptor;
    descriptors_.insert(d);
    row.components.insert(d);
    auto [it, inserted] = columns_.try_emplace({chunk.entity_path(), d});
    if (inserted) it->second.type = chunk.batch()->schema()->field(cc.column)->type();
    if (chunk.is_static()) it->second.is_static = true;
    if (it->second.semantically_empty && ListHasAnyValue(chunk.column(cc.column))) {
      it->second.semantically_empty = false;
    }
    for (const auto& ic : chunk.indexes()) {
      timeline_components_.insert({ic.timeline.name, d});
      row.component_stats[{ic.timeline.name, d}] = chunk.ComponentStatsOn(ic, cc);
    }
  }
  rows_.push_back(std::move(row));
}

Result<std::string> ManifestBuilder::Finish(const ExtraColumns& extra) const {
  // The store's dataframe schema.
  sorbet::Schema schema;
  for (const auto& [name, type] : timelines_) schema.timelines.push_back(Timeline{name, type});
  for (const auto& [key, info] : columns_) {
    const auto& [entity, d] = key;
    schema.columns.push_back(sorbet::Column{EntityPath::Parse(entity), d, info.type, info.is_static,
                                            info.semantically_empty, sorbet::IsTombstone(d)});
  }
  arrow::FieldVector sorbet_fields = schema.ToArrow()->fields();
  auto sorbet_schema = arrow::schema(sorbet_fields);
  ARROW_ASSIGN_OR_RAISE(auto schema_ipc, WriteIpcSchema(*sorbet_schema));
  // Rerun hashes the schema with its fields sorted and no schema metadata; arrow-rs bytes
  // can't be reproduced, so we hash our own encoding of that (release readers don't check it).
  arrow::FieldVector sorted_fields = sorbet_fields;
  std::sort(sorted_fields.begin(), sorted_fields.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  ARROW_ASSIGN_OR_RAISE(auto sorted_ipc, WriteIpcSchema(*arrow::schema(sorted_fields)));
  unsigned char sha[SHA256_DIGEST_LENGTH];
  SHA256(sorted_ipc->data(), static_cast<size_t>(sorted_ipc->size()), sha);

  // The per-chunk index.
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  const int64_t n = static_cast<int64_t>(rows_.size());
  {
    arrow::StringBuilder paths;
    arrow::FixedSizeBinaryBuilder ids(arrow::fixed_size_binary(16));
    arrow::BooleanBuilder statics;
    arrow::UInt64Builder num_rows, offsets, sizes, sizes_unc;
    for (const auto& r : rows_) {
      ARROW_RETURN_NOT_OK(paths.Append(r.entity_path));
      uint8_t bytes[16];
      r.chunk_id.ToBytes(bytes);
      ARROW_RETURN_NOT_OK(ids.Append(bytes));
      ARROW_RETURN_NOT_OK(statics.Append(r.is_static));
      ARROW_RETURN_NOT_OK(num_rows.Append(r.num_rows));
      ARROW_RETURN_NOT_OK(offsets.Append(r.byte_offset));
      ARROW_RETURN_NOT_OK(sizes.Append(r.byte_size));
      ARROW_RETURN_NOT_OK(sizes_unc.Append(r.byte_size_uncompressed));
    }
    auto add = [&](std::string name, std::shared_ptr<arrow::DataType> type, arrow::ArrayBuilder& b) -> Status {
      ARROW_ASSIGN_OR_RAISE(auto arr, b.Finish());
      fields.push_back(arrow::field(std::move(name), std::move(type), false));
      arrays.push_back(std::move(arr));
      return Status::OK();
    };
    ARROW_RETURN_NOT_OK(add("chunk_entity_path", arrow::utf8(), paths));
    ARROW_RETURN_NOT_OK(add("chunk_id", arrow::fixed_size_binary(16), ids));
    ARROW_RETURN_NOT_OK(add("chunk_is_static", arrow::boolean(), statics));
    ARROW_RETURN_NOT_OK(add("chunk_num_rows", arrow::uint64(), num_rows));
    ARROW_RETURN_NOT_OK(add("chunk_byte_offset", arrow::uint64(), offsets));
    ARROW_RETURN_NOT_OK(add("chunk_byte_size", arrow::uint64(), sizes));
    ARROW_RETURN_NOT_OK(add("chunk_byte_size_uncompressed", arrow::uint64(), sizes_unc));
  }
  for (const auto& d : descriptors_) {
    arrow::BooleanBuilder b;
    for (const auto& r : rows_) ARROW_RETURN_NOT_OK(b.Append(r.is_static && r.components.count(d) > 0));
    ARROW_ASSIGN_OR_RAISE(auto arr, b.Finish());
    fields.push_back(arrow::field(ManifestColumnName("", &d, "has_static_data"), arrow::boolean(), false,
                                  DescriptorMeta(meta::kIndexStatic, d)));
    arrays.push_back(std::move(arr));
  }
  for (const auto& [name, type] : timelines_) {
    std::vector<std::optional<int64_t>> starts, ends;
    for (const auto& r : rows_) {
      auto it = r.timeline_ranges.find(name);
      starts.push_back(it == r.timeline_ranges.end() ? std::nullopt : std::optional(it->second.min));
      ends.push_back(it == r.timeline_ranges.end() ? std::nullopt : std::optional(it->second.max));
    }
    auto md = std::make_shared<arrow::KeyValueMetadata>();
    md->Append(std::string(meta::kIndex), name);
    ARROW_ASSIGN_OR_RAISE(auto s, TimeArray(type, starts));
    ARROW_ASSIGN_OR_RAISE(auto e, TimeArray(type, ends));
    fields.push_back(arrow::field(ManifestColumnName(name, nullptr, "start"), TimeArrowType(type), true, md));
    arrays.push_back(s);
    fields.push_back(arrow::field(ManifestColumnName(name, nullptr, "end"), TimeArrowType(type), true, md));
    arrays.push_back(e);
  }
  for (const auto& key : timeline_components_) {
    const auto& [timeline, d] = key;
    TimeType type = timelines_.at(timeline);
    std::vector<std::optional<int64_t>> starts, ends;
    arrow::UInt64Builder counts;
    for (const auto& r : rows_) {
      auto it = r.component_stats.find(key);
      if (it == r.component_stats.end() || !it->second.range) {
        starts.push_back(std::nullopt);
        ends.push_back(std::nullopt);
        ARROW_RETURN_NOT_OK(counts.Append(it == r.component_stats.end() ? 0 : it->second.num_rows));
      } else {
        starts.push_back(it->second.range->min);
        ends.push_back(it->second.range->max);
        ARROW_RETURN_NOT_OK(counts.Append(it->second.num_rows));
      }
    }
    auto md = DescriptorMeta(timeline, d);
    ARROW_ASSIGN_OR_RAISE(auto s, TimeArray(type, starts));
    ARROW_ASSIGN_OR_RAISE(auto e, TimeArray(type, ends));
    ARROW_ASSIGN_OR_RAISE(auto c, counts.Finish());
    fields.push_back(arrow::field(ManifestColumnName(timeline, &d, "start"), TimeArrowType(type), true, md));
    arrays.push_back(s);
    fields.push_back(arrow::field(ManifestColumnName(timeline, &d, "end"), TimeArrowType(type), true, md));
    arrays.push_back(e);
    fields.push_back(arrow::field(ManifestColumnName(timeline, &d, "num_rows"), arrow::uint64(), true, md));
    arrays.push_back(c);
  }
  for (const auto& [field, array] : extra) {
    if (array->length() != n) {
      return Status::Invalid(fmt::format("manifest column {} has {} values for {} chunks", field->name(),
                                         array->length(), n));
    }
    fields.push_back(field);
    arrays.push_back(array);
  }
  auto batch = arrow::RecordBatch::Make(arrow::schema(fields), n, arrays);
  pb::RrdManifest m;
  StoreIdToProto(store_, m.mutable_store_id());
  m.mutable_sorbet_schema()->set_arrow_schema(schema_ipc->data(), static_cast<size_t>(schema_ipc->size()));
  m.set_sorbet_schema_sha256(sha, sizeof(sha));
  ARROW_RETURN_NOT_OK(EncodeDataframePart(*batch, m.mutable_data()));
  return m.SerializeAsString();
}

// ---------------------------------------------------------------------------------------------

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsGlobalColumn(std::string_view name) {
  for (std::string_view n : {"chunk_entity_path", "chunk_id", "chunk_is_static", "chunk_num_rows",
                             "chunk_byte_offset", "chunk_byte_size", "chunk_byte_size_uncompressed"}) {
    if (name == n) return true;
  }
  return false;
}

bool IsBackendColumn(std::string_view name) {
  for (std::string_view n : {"chunk_key", "chunk_partition_id", "chunk_partition_layer", "rerun_partition_id",
                             "rerun_partition_layer", "chunk_segment_id", "chunk_segment_layer",
                             "rerun_segment_id", "rerun_segment_layer"}) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

namespace {

// The per-component columns of a manifest: "<C>:has_static_data" flags and
// "<T>:<C>:start/end/num_rows" ranges, identified by their metadata.
struct ComponentColumns {
  struct Static {
    std::string component;
    const arrow::BooleanArray* flags;
  };
  struct Range {
    std::string timeline, component;
    const arrow::Array *start, *end;
    const arrow::UInt64Array* num_rows;
  };
  std::vector<Static> statics;
  std::vector<Range> ranges;

  // The components with data in row r, with their ranges.
  std::vector<ComponentInfo> Row(int64_t r) const {
    std::vector<ComponentInfo> out;
    auto info = [&](const std::string& component) -> ComponentInfo& {
      for (auto& c : out) {
        if (c.component == component) return c;
      }
      return out.emplace_back(ComponentInfo{component, {}});
    };
    for (const auto& s : statics) {
      if (s.flags->Value(r)) info(s.component);
    }
    for (const auto& rc : ranges) {
      if (rc.start->IsNull(r) || rc.end->IsNull(r) || rc.num_rows->Value(r) == 0) continue;
      TimeRange range{rc.start->data()->GetValues<int64_t>(1)[r], rc.end->data()->GetValues<int64_t>(1)[r]};
      info(rc.component).ranges.emplace_back(rc.timeline, range);
    }
    return out;
  }
};

}  // namespace

Result<Manifest> ParseManifest(const std::string& bytes, uint64_t stream_start, const Where& where,
                               bool component_ranges) {
  auto fail = [&](std::string_view what) { return ParseErrorF(where.file, where.offset, "footer manifest: {}", what); };
  pb::RrdManifest m;
  if (!m.ParseFromString(bytes)) return fail("expected an RrdManifest protobuf message");
  if (!m.has_store_id()) return fail("no store_id");
  if (!m.has_sorbet_schema() || !m.sorbet_schema().has_arrow_schema()) return fail("no sorbet_schema");
  if (!m.has_data()) return fail("no data");
  Manifest out;
  auto store = StoreIdFromProto(m.store_id(), "footer manifest");
  if (!store.ok()) return fail(store.status().message());
  out.store = *store;
  ARROW_ASSIGN_OR_RAISE(out.sorbet_schema,
                        ReadIpcSchema(arrow::Buffer::FromString(m.sorbet_schema().arrow_schema()), where));
  ARROW_ASSIGN_OR_RAISE(auto data, DecodeDataframePart(m.data(), where));
  const auto& schema = *data->schema();

  auto global = [&](std::string_view name, const arrow::DataType& type) -> Result<std::shared_ptr<arrow::Array>> {
    auto f = schema.GetFieldByName(std::string(name));
    if (!f) return fail(fmt::format("missing column {}", name));
    if (!f->type()->Equals(type)) {
      return fail(fmt::format("column {} has type {}, expected {}", name, f->type()->ToString(), type.ToString()));
    }
    auto arr = data->GetColumnByName(std::string(name));
    if (arr->null_count() != 0) return fail(fmt::format("column {} contains nulls", name));
    return arr;
  };
  ARROW_ASSIGN_OR_RAISE(auto paths, global("chunk_entity_path", *arrow::utf8()));
  ARROW_ASSIGN_OR_RAISE(auto ids, global("chunk_id", *arrow::fixed_size_binary(16)));
  ARROW_ASSIGN_OR_RAISE(auto statics, global("chunk_is_static", *arrow::boolean()));
  ARROW_ASSIGN_OR_RAISE(auto num_rows, global("chunk_num_rows", *arrow::uint64()));
  ARROW_ASSIGN_OR_RAISE(auto offsets, global("chunk_byte_offset", *arrow::uint64()));
  ARROW_ASSIGN_OR_RAISE(auto sizes, global("chunk_byte_size", *arrow::uint64()));
  ARROW_ASSIGN_OR_RAISE(auto sizes_unc, global("chunk_byte_size_uncompressed", *arrow::uint64()));

  // Global per-timeline ranges: ":start"/":end" pairs with rerun:index = timeline and no component.
  struct TimelineColumns {
    Timeline timeline;
    std::shared_ptr<arrow::Array> start, end;
  };
  std::vector<TimelineColumns> timeline_columns;
  ComponentColumns components;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& f = *schema.field(i);
    const std::string& name = f.name();
    if (IsGlobalColumn(name) || IsBackendColumn(name)) continue;
    bool ok_suffix = EndsWith(name, ":start") || EndsWith(name, ":end") || EndsWith(name, ":has_static_data") ||
                     EndsWith(name, ":num_rows");
    if (!ok_suffix) return fail(fmt::format("unexpected column '{}'", name));
    auto index = meta::Get(f, meta::kIndex);
    auto component = meta::Get(f, meta::kComponent);
    if (EndsWith(name, ":has_static_data")) {
      if (f.type()->id() != arrow::Type::BOOL) return fail(fmt::format("column '{}' must be boolean", name));
      if (component && index == std::string(meta::kIndexStatic)) {
        if (data->column(i)->null_count() != 0) return fail(fmt::format("column {} contains nulls", name));
        components.statics.push_back({*component, static_cast<const arrow::BooleanArray*>(data->column(i).get())});
      }
    }
    if (EndsWith(name, ":num_rows") && f.type()->id() != arrow::Type::UINT64) {
      return fail(fmt::format("column '{}' must be uint64", name));
    }
    if (EndsWith(name, ":start") || EndsWith(name, ":end")) {
      auto tt = TimeTypeFromArrow(*f.type());
      if (!tt) return fail(fmt::format("column '{}' has non-time type {}", name, f.type()->ToString()));
      std::string base = name.substr(0, name.rfind(':'));
      std::string other = base + (EndsWith(name, ":start") ? ":end" : ":start");
      auto of = schema.GetFieldByName(other);
      if (!of || !of->type()->Equals(*f.type())) return fail(fmt::format("column '{}' has no matching '{}'", name, other));
      if (!EndsWith(name, ":start") || !index || *index == meta::kIndexStatic) continue;
      if (!component) {
        timeline_columns.push_back({Timeline{*index, *tt}, data->column(i), data->GetColumnByName(other)});
      } else if (auto rows = data->GetColumnByName(base + ":num_rows");
                 rows && rows->type_id() == arrow::Type::UINT64 && rows->null_count() == 0) {
        components.ranges.push_back({*index, *component, data->column(i).get(), data->GetColumnByName(other).get(),
                                     static_cast<const arrow::UInt64Array*>(rows.get())});
      }
    }
  }

  const auto& path_arr = static_cast<const arrow::StringArray&>(*paths);
  const auto& id_arr = static_cast<const arrow::FixedSizeBinaryArray&>(*ids);
  const auto& static_arr = static_cast<const arrow::BooleanArray&>(*statics);
  auto u64 = [](const std::shared_ptr<arrow::Array>& a, int64_t i) {
    return static_cast<const arrow::UInt64Array&>(*a).Value(i);
  };
  out.entries.reserve(static_cast<size_t>(data->num_rows()));
  for (int64_t r = 0; r < data->num_rows(); ++r) {
    ChunkEntry e;
    e.store = out.store;
    e.entity_path = path_arr.GetString(r);
    e.chunk_id = Tuid::FromBytes(id_arr.GetValue(r));
    e.is_static = static_arr.Value(r);
    e.num_rows = u64(num_rows, r);
    if (u64(offsets, r) > std::numeric_limits<uint64_t>::max() - stream_start) return fail("chunk offset overflows");
    e.byte_offset = stream_start + u64(offsets, r);
    e.byte_size = u64(sizes, r);
    e.byte_size_uncompressed = u64(sizes_unc, r);
    for (const auto& tc : timeline_columns) {
      if (tc.start->IsNull(r) || tc.end->IsNull(r)) continue;
      int64_t lo = tc.start->data()->GetValues<int64_t>(1)[r];
      int64_t hi = tc.end->data()->GetValues<int64_t>(1)[r];
      e.time_ranges.push_back({tc.timeline, TimeRange{lo, hi}});
    }
    std::sort(e.time_ranges.begin(), e.time_ranges.end(),
              [](const auto& a, const auto& b) { return a.first.name < b.first.name; });
    if (component_ranges) e.components = components.Row(r);
    out.entries.push_back(std::move(e));
  }
  return out;
}

}  // namespace chunkhouse::rrd
