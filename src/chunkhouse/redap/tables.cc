#include "chunkhouse/redap/tables.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/sorbet.h"

namespace chunkhouse::redap {

namespace {

std::shared_ptr<arrow::Field> Field(std::string_view name, std::shared_ptr<arrow::DataType> type, bool nullable = false,
                                    std::shared_ptr<const arrow::KeyValueMetadata> md = nullptr) {
  return arrow::field(std::string(name), std::move(type), nullable, std::move(md));
}

Result<std::shared_ptr<arrow::RecordBatch>> Finish(const std::shared_ptr<arrow::Schema>& schema,
                                                   std::vector<arrow::ArrayBuilder*> builders) {
  arrow::ArrayVector arrays;
  for (auto* b : builders) {
    ARROW_ASSIGN_OR_RAISE(auto a, b->Finish());
    arrays.push_back(std::move(a));
  }
  const int64_t n = arrays.empty() ? 0 : arrays[0]->length();
  return arrow::RecordBatch::Make(schema, n, std::move(arrays));
}

}  // namespace

std::shared_ptr<arrow::Schema> ChunkInfoSchema(const std::vector<std::string>& timelines) {
  auto control = meta::Make({std::string(meta::kKind)}, {std::string(meta::kKindControl)});
  arrow::FieldVector f{Field(col::kChunkId, arrow::fixed_size_binary(16), false, control),
                       Field(col::kChunkSegmentId, arrow::utf8(), false, control),
                       Field(col::kSegmentLayer, arrow::utf8()),
                       Field(col::kChunkKey, arrow::binary()),
                       Field(col::kChunkEntityPath, arrow::utf8(), false, control),
                       Field(col::kChunkIsStatic, arrow::boolean(), false, control),
                       Field(col::kChunkByteLen, arrow::uint64()),
                       Field(col::kChunkByteSizeUncompressed, arrow::uint64(), true),
                       Field(col::kLayerDirectUrl, arrow::dictionary(arrow::int32(), arrow::utf8()), true),
                       Field(col::kLayerDirectUrlExpiresAt, arrow::dictionary(arrow::int32(), arrow::int64()), true)};
  for (const auto& t : timelines) {
    f.push_back(Field(t + ":start", arrow::int64(), true,
                      meta::Make({std::string(meta::kIndex), std::string(meta::kKind), std::string(meta::kIndexMarker)},
                                 {t, std::string(meta::kKindIndex), "start"})));
  }
  return arrow::schema(f);
}

struct ChunkInfoBuilder::Builders {
  arrow::FixedSizeBinaryBuilder ids{arrow::fixed_size_binary(16)};
  arrow::StringBuilder segments, layers, paths;
  arrow::BinaryBuilder keys;
  arrow::BooleanBuilder statics;
  arrow::UInt64Builder lens, uncompressed;
  arrow::StringDictionary32Builder direct_urls;
  arrow::Dictionary32Builder<arrow::Int64Type> direct_urls_expire;
  std::vector<arrow::Int64Builder> starts;
};

ChunkInfoBuilder::ChunkInfoBuilder(std::vector<std::string> timelines)
    : timelines_(std::move(timelines)), schema_(ChunkInfoSchema(timelines_)), b_(std::make_shared<Builders>()) {
  b_->starts.resize(timelines_.size());
}

Status ChunkInfoBuilder::Add(const ChunkMeta& e, std::string_view segment_id, std::string_view layer,
                             std::string_view key, uint64_t byte_len, uint64_t byte_size_uncompressed) {
  uint8_t bytes[16];
  e.chunk_id.ToBytes(bytes);
  ARROW_RETURN_NOT_OK(b_->ids.Append(bytes));
  ARROW_RETURN_NOT_OK(b_->segments.Append(segment_id));
  ARROW_RETURN_NOT_OK(b_->layers.Append(layer));
  ARROW_RETURN_NOT_OK(b_->keys.Append(key));
  ARROW_RETURN_NOT_OK(b_->paths.Append(EntityPath::Parse(e.entity_path).ToString()));
  ARROW_RETURN_NOT_OK(b_->statics.Append(e.is_static));
  ARROW_RETURN_NOT_OK(b_->lens.Append(byte_len));
  ARROW_RETURN_NOT_OK(b_->uncompressed.Append(byte_size_uncompressed));
  ARROW_RETURN_NOT_OK(b_->direct_urls.AppendNull());  // chunks come through FetchChunks
  ARROW_RETURN_NOT_OK(b_->direct_urls_expire.AppendNull());
  for (size_t t = 0; t < timelines_.size(); ++t) {
    const TimeRange* r = e.RangeOn(timelines_[t]);
    ARROW_RETURN_NOT_OK(r ? b_->starts[t].Append(r->min) : b_->starts[t].AppendNull());  // exact: clients rely on it
  }
  ++rows_;
  return Status::OK();
}

Result<std::shared_ptr<arrow::RecordBatch>> ChunkInfoBuilder::Finish() {
  std::vector<arrow::ArrayBuilder*> builders{&b_->ids,     &b_->segments, &b_->layers, &b_->keys,
                                             &b_->paths,   &b_->statics,  &b_->lens,   &b_->uncompressed,
                                             &b_->direct_urls, &b_->direct_urls_expire};
  for (auto& s : b_->starts) builders.push_back(&s);
  rows_ = 0;
  return redap::Finish(schema_, std::move(builders));
}

arrow::FieldVector SegmentTableFixedFields() {
  auto strings = arrow::list(arrow::field("item", arrow::utf8(), false));
  return {Field(col::kSegmentId, arrow::utf8()),         Field(col::kLayerNames, strings),
          Field(col::kStorageUrls, strings),             Field(col::kLastUpdatedAt, arrow::timestamp(arrow::TimeUnit::NANO)),
          Field(col::kNumChunks, arrow::uint64()),       Field(col::kSizeBytes, arrow::uint64())};
}

Result<std::shared_ptr<arrow::RecordBatch>> RegistrationTable(const std::vector<RegistrationRow>& rows) {
  arrow::StringBuilder segment, layer, type, url, task;
  for (const auto& r : rows) {
    ARROW_RETURN_NOT_OK(segment.Append(r.segment_id));
    ARROW_RETURN_NOT_OK(layer.Append(r.layer));
    ARROW_RETURN_NOT_OK(type.Append("rrd"));
    ARROW_RETURN_NOT_OK(url.Append(r.storage_url));
    ARROW_RETURN_NOT_OK(task.Append(r.task_id));
  }
  auto schema = arrow::schema({Field(col::kSegmentId, arrow::utf8()), Field(col::kSegmentLayer, arrow::utf8()),
                               Field(col::kSegmentType, arrow::utf8()), Field(col::kStorageUrl, arrow::utf8()),
                               Field(col::kTaskId, arrow::utf8())});
  return redap::Finish(schema, {&segment, &layer, &type, &url, &task});
}

std::shared_ptr<arrow::Schema> UnregistrationSchema() {
  return arrow::schema({Field(col::kSegmentId, arrow::utf8()), Field(col::kSegmentLayer, arrow::utf8())});
}

Result<std::shared_ptr<arrow::RecordBatch>> TaskTable(const std::vector<TaskRow>& tasks) {
  auto ts = arrow::timestamp(arrow::TimeUnit::NANO);
  auto schema = arrow::schema({Field(col::kTaskTableId, arrow::utf8()), Field("kind", arrow::utf8(), true),
                               Field("data", arrow::utf8(), true), Field(col::kTaskStatus, arrow::utf8()),
                               Field(col::kTaskMessages, arrow::utf8(), true), Field("blob_len", arrow::uint64(), true),
                               Field("lease_owner", arrow::utf8(), true), Field("lease_expiration", ts, true),
                               Field("attempts", arrow::uint8()), Field("creation_time", ts, true),
                               Field("last_update_time", ts, true)});
  arrow::StringBuilder id, kind, data, status, msgs, owner;
  arrow::UInt64Builder blob_len;
  arrow::TimestampBuilder expiration(ts, arrow::default_memory_pool()), created(ts, arrow::default_memory_pool()),
      updated(ts, arrow::default_memory_pool());
  arrow::UInt8Builder attempts;
  for (const auto& t : tasks) {
    ARROW_RETURN_NOT_OK(id.Append(t.id));
    ARROW_RETURN_NOT_OK(kind.Append("register"));
    ARROW_RETURN_NOT_OK(data.Append(t.storage_url));
    ARROW_RETURN_NOT_OK(status.Append(t.success ? "success" : "failed"));
    ARROW_RETURN_NOT_OK(t.success ? msgs.AppendNull()
                                  : msgs.Append(t.message.empty() ? "the task did not finish in time" : t.message));
    for (arrow::ArrayBuilder* b : std::initializer_list<arrow::ArrayBuilder*>{&blob_len, &owner, &expiration, &created, &updated}) {
      ARROW_RETURN_NOT_OK(b->AppendNull());
    }
    ARROW_RETURN_NOT_OK(attempts.Append(1));
  }
  return redap::Finish(schema, {&id, &kind, &data, &status, &msgs, &blob_len, &owner, &expiration, &attempts, &created,
                                &updated});
}

std::shared_ptr<arrow::Schema> EntriesSchema() {
  auto ts = arrow::timestamp(arrow::TimeUnit::NANO);
  return arrow::schema({Field("id", arrow::fixed_size_binary(16)), Field("name", arrow::utf8()),
                        Field("entry_kind", arrow::int32()), Field("created_at", ts), Field("updated_at", ts)},
                       arrow::key_value_metadata({std::string(meta::kSorbetVersion)}, {std::string(meta::kCurrentSorbetVersion)}));
}

Result<std::shared_ptr<arrow::RecordBatch>> EntriesTable(const std::vector<EntryRow>& entries) {
  auto schema = EntriesSchema();
  arrow::FixedSizeBinaryBuilder id(arrow::fixed_size_binary(16));
  arrow::StringBuilder name;
  arrow::Int32Builder kind;
  arrow::TimestampBuilder created(schema->field(3)->type(), arrow::default_memory_pool()),
      updated(schema->field(4)->type(), arrow::default_memory_pool());
  for (const auto& e : entries) {
    ARROW_ASSIGN_OR_RAISE(Tuid tuid, Tuid::Parse(e.id, ""));
    uint8_t bytes[16];
    tuid.ToBytes(bytes);
    ARROW_RETURN_NOT_OK(id.Append(bytes));
    ARROW_RETURN_NOT_OK(name.Append(e.name));
    ARROW_RETURN_NOT_OK(kind.Append(e.kind));
    ARROW_RETURN_NOT_OK(created.Append(e.created_at_ns));
    ARROW_RETURN_NOT_OK(updated.Append(e.updated_at_ns));
  }
  return redap::Finish(schema, {&id, &name, &kind, &created, &updated});
}

std::string StringCell(const arrow::RecordBatch& batch, std::string_view name, int64_t row) {
  auto column = batch.GetColumnByName(std::string(name));
  if (!column || column->IsNull(row) || column->type_id() != arrow::Type::STRING) return "";
  return static_cast<const arrow::StringArray&>(*column).GetString(row);
}

}  // namespace chunkhouse::redap
