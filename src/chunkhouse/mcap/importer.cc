#include "chunkhouse/mcap/importer.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/ops.h"

namespace chunkhouse::mcap {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

const std::vector<std::string> kDecoders = {"attachments", "foxglove", "metadata", "protobuf",
                                            "raw", "recording_info", "ros2_reflection", "ros2msg",
                                            "schema", "stats", "urdf"};

// Rerun's ros2msg decoder's own list of message types.
const std::set<std::string> kRos2Semantic = {
    "sensor_msgs/msg/BatteryState", "sensor_msgs/msg/CompressedImage", "sensor_msgs/msg/FluidPressure",
    "sensor_msgs/msg/Illuminance",  "sensor_msgs/msg/Image",           "sensor_msgs/msg/Imu",
    "sensor_msgs/msg/Joy",          "sensor_msgs/msg/JointState",      "sensor_msgs/msg/NavSatFix",
    "sensor_msgs/msg/PointCloud2",  "sensor_msgs/msg/Range",           "sensor_msgs/msg/RelativeHumidity",
    "sensor_msgs/msg/Temperature",  "std_msgs/msg/Float64Array",       "std_msgs/msg/Float64MultiArray",
    "tf2_msgs/msg/TFMessage"};

ComponentDescriptor D(std::string archetype, std::string component, std::string component_type) {
  ComponentDescriptor d;
  d.archetype = std::move(archetype);
  d.component = std::move(component);
  d.component_type = std::move(component_type);
  return d;
}

int64_t Saturate(uint64_t v) {
  return v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                         : static_cast<int64_t>(v);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::shared_ptr<arrow::DataType> BlobType() { return arrow::list(arrow::field("item", arrow::uint8(), false)); }
std::shared_ptr<arrow::DataType> PairType() {
  return arrow::struct_({arrow::field("first", arrow::utf8(), false), arrow::field("second", arrow::utf8(), false)});
}
std::shared_ptr<arrow::DataType> KeyValuesType() { return arrow::list(arrow::field("item", PairType(), false)); }

// A column of `rows` lists, the i-th holding the values `fill(i, builder)` appends.
template <typename Builder>
Result<ArrayPtr> Lists(std::shared_ptr<arrow::DataType> item_type, std::shared_ptr<Builder> items, int64_t rows,
                       const std::function<Status(int64_t, Builder&)>& fill) {
  arrow::ListBuilder outer(arrow::default_memory_pool(), items, arrow::list(arrow::field("item", item_type, true)));
  for (int64_t i = 0; i < rows; ++i) {
    ARROW_RETURN_NOT_OK(outer.Append());
    ARROW_RETURN_NOT_OK(fill(i, *items));
  }
  return outer.Finish();
}

Status AppendBlob(arrow::ListBuilder& blobs, const uint8_t* data, int64_t size) {
  ARROW_RETURN_NOT_OK(blobs.Append());
  return static_cast<arrow::UInt8Builder*>(blobs.value_builder())->AppendValues(data, size);
}

Status AppendKeyValues(arrow::ListBuilder& instances, const KeyValues& kv) {
  ARROW_RETURN_NOT_OK(instances.Append());
  auto* pairs = static_cast<arrow::StructBuilder*>(instances.value_builder());
  auto* first = static_cast<arrow::StringBuilder*>(pairs->field_builder(0));
  auto* second = static_cast<arrow::StringBuilder*>(pairs->field_builder(1));
  for (const auto& [k, v] : kv) {
    ARROW_RETURN_NOT_OK(pairs->Append());
    ARROW_RETURN_NOT_OK(first->Append(k));
    ARROW_RETURN_NOT_OK(second->Append(v));
  }
  return Status::OK();
}

std::shared_ptr<arrow::ListBuilder> BlobBuilder() {
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), std::make_shared<arrow::UInt8Builder>(),
                                              BlobType());
}
std::shared_ptr<arrow::ListBuilder> KeyValuesBuilder() {
  auto pairs = std::make_shared<arrow::StructBuilder>(
      PairType(), arrow::default_memory_pool(),
      std::vector<std::shared_ptr<arrow::ArrayBuilder>>{std::make_shared<arrow::StringBuilder>(),
                                                        std::make_shared<arrow::StringBuilder>()});
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), pairs, KeyValuesType());
}

// One row: `values` of a primitive type.
template <typename T, typename Builder = typename arrow::TypeTraits<T>::BuilderType>
Result<ArrayPtr> ScalarsRow(const std::vector<typename T::c_type>& values) {
  return Lists<Builder>(arrow::TypeTraits<T>::type_singleton(), std::make_shared<Builder>(), 1,
                        [&](int64_t, Builder& b) { return b.AppendValues(values); });
}

Result<ArrayPtr> StringsRow(const std::vector<std::string>& values) {
  return Lists<arrow::StringBuilder>(arrow::utf8(), std::make_shared<arrow::StringBuilder>(), 1,
                                     [&](int64_t, arrow::StringBuilder& b) { return b.AppendValues(values); });
}

Result<ArrayPtr> KeyValuesRow(const std::vector<KeyValues>& instances) {
  return Lists<arrow::ListBuilder>(KeyValuesType(), KeyValuesBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
    for (const auto& kv : instances) ARROW_RETURN_NOT_OK(AppendKeyValues(b, kv));
    return Status::OK();
  });
}

Result<std::shared_ptr<Chunk>> StaticChunk(const std::string& entity,
                                           std::vector<std::pair<ComponentDescriptor, ArrayPtr>> components) {
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = entity;
  parts.row_ids = SequentialRowIds(parts.id, 1);
  parts.components = std::move(components);
  return Chunk::Make(std::move(parts));
}

std::string TopicEntity(const std::string& topic) { return EntityPath::Parse(topic).ToString(); }

}  // namespace

const std::vector<std::string>& AvailableDecoders() { return kDecoders; }

bool Implemented(const std::string& decoder) {
  return decoder == "raw" || decoder == "attachments" || decoder == "metadata" || decoder == "recording_info" ||
         decoder == "schema" || decoder == "stats" || decoder == "foxglove";
}

Status CheckOptions(const ImportOptions& o) {
  if (o.timeline_type != "timestamp" && o.timeline_type != "duration") {
    return InvalidArgument("Invalid timeline_type: \"{}\". Expected \"timestamp\" or \"duration\"", o.timeline_type);
  }
  if (o.decoders) {
    for (const auto& d : *o.decoders) {
      if (std::find(kDecoders.begin(), kDecoders.end(), d) == kDecoders.end()) {
        std::vector<std::string> quoted;
        for (const auto& k : kDecoders) quoted.push_back("\"" + k + "\"");
        return InvalidArgument("Unknown decoder: \"{}\". Valid decoders: [{}]", d, fmt::join(quoted, ", "));
      }
    }
  }
  for (const auto& [which, list] : {std::pair("include", &o.include_topic_regex), std::pair("exclude", &o.exclude_topic_regex)}) {
    for (const auto& pattern : *list) {
      try {
        std::regex compiled(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return InvalidArgument("Invalid {} topic regex \"{}\": {}", which, pattern, e.what());
      }
    }
  }
  if (o.start_time_ns && o.end_time_ns && *o.start_time_ns >= *o.end_time_ns) {
    return InvalidArgument("start_time_ns ({}) must be less than end_time_ns ({}); the range is half-open [start, end)",
                           *o.start_time_ns, *o.end_time_ns);
  }
  return Status::OK();
}

Result<std::unique_ptr<McapImporter>> McapImporter::Open(const std::string& path, const ImportOptions& options) {
  ARROW_RETURN_NOT_OK(CheckOptions(options));
  auto source = io::OpenSource(path);
  if (!source.ok()) return InvalidArgument("Failed to read MCAP summary: {}", source.status().message());
  return Open(std::move(*source), options);
}

Result<std::unique_ptr<McapImporter>> McapImporter::Open(std::shared_ptr<io::ReadSource> source,
                                                         const ImportOptions& options) {
  ARROW_RETURN_NOT_OK(CheckOptions(options));
  const std::string path = source->name();
  std::unique_ptr<McapImporter> m(new McapImporter());
  m->options_ = options;
  auto reader = Reader::Open(std::move(source));
  if (!reader.ok()) return InvalidArgument("Failed to read MCAP summary: {}", reader.status().message());
  m->reader_ = std::move(*reader);
  auto summary = m->reader_->ReadSummary();
  if (!summary.ok()) return InvalidArgument("Failed to read MCAP summary: {}", summary.status().message());
  if (!*summary) {
    return InvalidArgument("Failed to read MCAP summary: {}", m->reader_->file_size() >= 8 + 29 + 8
                                                                  ? "MCAP file does not contain a summary"
                                                                  : "Bad magic number");
  }
  m->summary_ = std::move(**summary);

  auto selected = [&](const std::string& d) {
    return !options.decoders || std::find(options.decoders->begin(), options.decoders->end(), d) != options.decoders->end();
  };
  // The channels with messages (by the statistics, else by the chunks' message indexes), kept
  // by the topic filter.
  std::set<uint16_t> with_messages;
  if (m->summary_.statistics) {
    for (const auto& [id, n] : m->summary_.statistics->channel_message_counts) {
      if (n > 0) with_messages.insert(id);
    }
  } else {
    for (const auto& c : m->summary_.chunk_indexes) with_messages.insert(c.channels.begin(), c.channels.end());
  }
  std::vector<std::regex> include, exclude;
  for (const auto& p : options.include_topic_regex) include.emplace_back(p, std::regex::ECMAScript);
  for (const auto& p : options.exclude_topic_regex) exclude.emplace_back(p, std::regex::ECMAScript);
  auto kept = [&](const std::string& topic) {
    bool in = include.empty() || std::any_of(include.begin(), include.end(),
                                             [&](const std::regex& r) { return std::regex_search(topic, r); });
    return in && std::none_of(exclude.begin(), exclude.end(), [&](const std::regex& r) { return std::regex_search(topic, r); });
  };
  for (const auto& [id, channel] : m->summary_.channels) {
    if (!with_messages.count(id) || !kept(channel.topic)) continue;
    const auto schema = m->summary_.schemas.find(channel.schema_id);
    const Schema* s = channel.schema_id != 0 && schema != m->summary_.schemas.end() ? &schema->second : nullptr;
    const bool cdr = Lower(channel.message_encoding) == "cdr";
    std::string claim;
    if (s && s->encoding == "ros2msg" && cdr && selected("ros2msg") && kRos2Semantic.count(s->name)) {
      claim = "ros2msg";
    } else if (s && s->encoding == "ros2msg" && cdr && selected("ros2_reflection") &&
               s->data.find("wstring") == std::string::npos) {
      claim = "ros2_reflection";
    } else if (s && s->encoding == "protobuf" && selected("protobuf")) {
      claim = "protobuf";
    } else if (selected("raw")) {
      m->raw_channels_.insert(id);
      continue;
    } else {
      continue;  // no decoder takes it: left out, as Rerun does
    }
    return Unimplemented(
        "{}: channel '{}' ({} {}) is one Rerun's '{}' decoder reads, which chunkhouse does not have yet; select "
        "decoders without it (e.g. decoders=['raw', 'schema', 'stats']) to read its messages as raw bytes",
        path, channel.topic, s->encoding, s->name, claim);
  }
  if (selected("urdf")) {
    for (const auto& [id, channel] : m->summary_.channels) {
      if (with_messages.count(id) && channel.topic.find("robot_description") != std::string::npos) {
        return Unimplemented("{}: channel '{}' holds a robot description, which Rerun's 'urdf' decoder reads and "
                             "chunkhouse does not yet; leave 'urdf' out of decoders",
                             path, channel.topic);
      }
    }
  }
  m->raw_ = selected("raw") && !m->raw_channels_.empty();
  ARROW_RETURN_NOT_OK(m->FileLevel());
  // The schema decoder's chunks, for the channels a message decoder reads or that passed the filter.
  if (selected("schema")) {
    for (const auto& [id, channel] : m->summary_.channels) {
      if (!with_messages.count(id) || !kept(channel.topic)) continue;
      std::vector<std::pair<ComponentDescriptor, ArrayPtr>> cs;
      const std::string ch = "rerun.archetypes.McapChannel", sc = "rerun.archetypes.McapSchema";
      ARROW_ASSIGN_OR_RAISE(auto cid, ScalarsRow<arrow::UInt16Type>({channel.id}));
      cs.emplace_back(D(ch, "McapChannel:id", "rerun.components.ChannelId"), cid);
      ARROW_ASSIGN_OR_RAISE(auto enc, StringsRow({channel.message_encoding}));
      cs.emplace_back(D(ch, "McapChannel:message_encoding", "rerun.components.Text"), enc);
      ARROW_ASSIGN_OR_RAISE(auto md, KeyValuesRow({channel.metadata}));
      cs.emplace_back(D(ch, "McapChannel:metadata", "rerun.components.KeyValuePairs"), md);
      ARROW_ASSIGN_OR_RAISE(auto topic, StringsRow({channel.topic}));
      cs.emplace_back(D(ch, "McapChannel:topic", "rerun.components.Text"), topic);
      auto schema = m->summary_.schemas.find(channel.schema_id);
      if (channel.schema_id != 0 && schema != m->summary_.schemas.end()) {
        const Schema& s = schema->second;
        ARROW_ASSIGN_OR_RAISE(auto data, Lists<arrow::ListBuilder>(BlobType(), BlobBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
                                return AppendBlob(b, reinterpret_cast<const uint8_t*>(s.data.data()),
                                                  static_cast<int64_t>(s.data.size()));
                              }));
        cs.emplace_back(D(sc, "McapSchema:data", "rerun.components.Blob"), data);
        ARROW_ASSIGN_OR_RAISE(auto senc, StringsRow({s.encoding}));
        cs.emplace_back(D(sc, "McapSchema:encoding", "rerun.components.Text"), senc);
        ARROW_ASSIGN_OR_RAISE(auto sid, ScalarsRow<arrow::UInt16Type>({s.id}));
        cs.emplace_back(D(sc, "McapSchema:id", "rerun.components.SchemaId"), sid);
        ARROW_ASSIGN_OR_RAISE(auto name, StringsRow({s.name}));
        cs.emplace_back(D(sc, "McapSchema:name", "rerun.components.Text"), name);
      }
      ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk(TopicEntity(channel.topic), std::move(cs)));
      m->pending_.push_back(std::move(chunk));
    }
  }
  if (selected("stats") && m->summary_.statistics) {
    const Statistics& st = *m->summary_.statistics;
    std::vector<std::pair<ComponentDescriptor, ArrayPtr>> cs;
    const std::string a = "rerun.archetypes.McapStatistics";
    auto count = [&](const char* name, uint64_t v) -> Status {
      ARROW_ASSIGN_OR_RAISE(auto arr, ScalarsRow<arrow::UInt64Type>({v}));
      cs.emplace_back(D(a, fmt::format("McapStatistics:{}", name), "rerun.components.Count"), arr);
      return Status::OK();
    };
    ARROW_RETURN_NOT_OK(count("attachment_count", st.attachment_count));
    ARROW_RETURN_NOT_OK(count("channel_count", st.channel_count));
    auto counts_type = arrow::struct_({arrow::field("channel_id", arrow::uint16(), false),
                                       arrow::field("message_count", arrow::uint64(), false)});
    auto counts_items = std::make_shared<arrow::StructBuilder>(
        counts_type, arrow::default_memory_pool(),
        std::vector<std::shared_ptr<arrow::ArrayBuilder>>{std::make_shared<arrow::UInt16Builder>(),
                                                          std::make_shared<arrow::UInt64Builder>()});
    auto counts_list = std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), counts_items,
                                                            arrow::list(arrow::field("item", counts_type, false)));
    ARROW_ASSIGN_OR_RAISE(auto per_channel, Lists<arrow::ListBuilder>(counts_list->type(), counts_list, 1, [&](int64_t, arrow::ListBuilder& b) {
                            ARROW_RETURN_NOT_OK(b.Append());
                            auto* s = static_cast<arrow::StructBuilder*>(b.value_builder());
                            for (const auto& [id, n] : st.channel_message_counts) {
                              ARROW_RETURN_NOT_OK(s->Append());
                              ARROW_RETURN_NOT_OK(static_cast<arrow::UInt16Builder*>(s->field_builder(0))->Append(id));
                              ARROW_RETURN_NOT_OK(static_cast<arrow::UInt64Builder*>(s->field_builder(1))->Append(n));
                            }
                            return Status::OK();
                          }));
    cs.emplace_back(D(a, "McapStatistics:channel_message_counts", "rerun.components.ChannelMessageCounts"), per_channel);
    ARROW_RETURN_NOT_OK(count("chunk_count", st.chunk_count));
    ARROW_RETURN_NOT_OK(count("message_count", st.message_count));
    ARROW_ASSIGN_OR_RAISE(auto end, ScalarsRow<arrow::Int64Type>({Saturate(st.message_end_time)}));
    cs.emplace_back(D(a, "McapStatistics:message_end_time", "rerun.components.Timestamp"), end);
    ARROW_ASSIGN_OR_RAISE(auto start, ScalarsRow<arrow::Int64Type>({Saturate(st.message_start_time)}));
    cs.emplace_back(D(a, "McapStatistics:message_start_time", "rerun.components.Timestamp"), start);
    ARROW_RETURN_NOT_OK(count("metadata_count", st.metadata_count));
    ARROW_RETURN_NOT_OK(count("schema_count", st.schema_count));
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk("/__mcap_properties", std::move(cs)));
    m->pending_.push_back(std::move(chunk));
  }
  return m;
}

// attachments, metadata, recording_info: the file-level decoders that come before `schema`.
Status McapImporter::FileLevel() {
  auto selected = [&](const std::string& d) {
    return !options_.decoders || std::find(options_.decoders->begin(), options_.decoders->end(), d) != options_.decoders->end();
  };
  if (selected("attachments") && !summary_.attachment_indexes.empty()) {
    std::vector<Attachment> all;
    std::vector<KeyValues> metadata;
    std::vector<std::string> media;
    for (const auto& index : summary_.attachment_indexes) {
      ARROW_ASSIGN_OR_RAISE(auto a, reader_->AttachmentAt(index.offset));
      metadata.push_back({{"name", a.name},
                          {"media_type", a.media_type},
                          {"log_time", std::to_string(a.log_time)},
                          {"create_time", std::to_string(a.create_time)},
                          {"data_size", std::to_string(a.data->size())},
                          {"offset", std::to_string(index.offset)}});
      media.push_back(a.media_type);
      all.push_back(std::move(a));
    }
    const std::string arch = "McapAttachment";
    ARROW_ASSIGN_OR_RAISE(auto data, Lists<arrow::ListBuilder>(BlobType(), BlobBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
                            for (const auto& a : all) ARROW_RETURN_NOT_OK(AppendBlob(b, a.data->data(), a.data->size()));
                            return Status::OK();
                          }));
    ARROW_ASSIGN_OR_RAISE(auto media_types, StringsRow(media));
    ARROW_ASSIGN_OR_RAISE(auto kv, KeyValuesRow(metadata));
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk("/__mcap_attachments",
                                                  {{D(arch, "data", "rerun.components.Blob"), data},
                                                   {D(arch, "media_type", "rerun.components.MediaType"), media_types},
                                                   {D(arch, "metadata", "rerun.components.KeyValuePairs"), kv}}));
    pending_.push_back(std::move(chunk));
  }
  if (selected("metadata") && !summary_.metadata_indexes.empty()) {
    // Records of one name merged, keys sorted, a later value winning.
    std::map<std::string, std::map<std::string, std::string>> merged;
    for (const auto& index : summary_.metadata_indexes) {
      ARROW_ASSIGN_OR_RAISE(auto md, reader_->MetadataAt(index.offset));
      auto& entries = merged[md.name];
      for (auto& [k, v] : md.entries) entries[k] = v;
    }
    std::vector<std::pair<ComponentDescriptor, ArrayPtr>> cs;
    for (const auto& [name, entries] : merged) {
      ARROW_ASSIGN_OR_RAISE(auto kv, KeyValuesRow({KeyValues(entries.begin(), entries.end())}));
      cs.emplace_back(D("McapMetadata", name, "rerun.components.KeyValuePairs"), kv);
    }
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk("/__mcap_metadata", std::move(cs)));
    pending_.push_back(std::move(chunk));
  }
  if (selected("recording_info")) {
    std::vector<std::pair<ComponentDescriptor, ArrayPtr>> cs;
    if (summary_.statistics) {
      ARROW_ASSIGN_OR_RAISE(auto start, ScalarsRow<arrow::Int64Type>({Saturate(summary_.statistics->message_start_time)}));
      cs.emplace_back(D("rerun.archetypes.RecordingInfo", "RecordingInfo:start_time", "rerun.components.Timestamp"), start);
    }
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk("/__mcap_properties", std::move(cs)));
    pending_.push_back(std::move(chunk));
  }
  return Status::OK();
}

Status McapImporter::RawChunk(const ChunkIndex& index) {
  const uint64_t start = options_.start_time_ns.value_or(0);
  const uint64_t end = options_.end_time_ns.value_or(std::numeric_limits<uint64_t>::max());
  if (!(index.message_end_time >= start && index.message_start_time < end)) return Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto messages, reader_->ChunkMessages(index));
  std::map<uint16_t, std::vector<const Message*>> by_channel;
  for (const auto& msg : messages) {
    if (!raw_channels_.count(msg.channel_id) || msg.log_time < start || msg.log_time >= end) continue;
    by_channel[msg.channel_id].push_back(&msg);
  }
  const bool timestamps = options_.timeline_type == "timestamp";
  const int64_t offset = timestamps ? options_.timestamp_offset_ns.value_or(0) : 0;
  const TimeType type = timestamps ? TimeType::kTimestamp : TimeType::kDuration;
  for (const auto& entry : by_channel) {
    const uint16_t id = entry.first;
    const std::vector<const Message*>& msgs = entry.second;
    const int64_t n = static_cast<int64_t>(msgs.size());
    arrow::Int64Builder log, publish;
    for (const Message* m : msgs) {
      ARROW_RETURN_NOT_OK(log.Append(Saturate(m->log_time) + offset));
      ARROW_RETURN_NOT_OK(publish.Append(Saturate(m->publish_time) + offset));
    }
    ARROW_ASSIGN_OR_RAISE(auto log_times, log.Finish());
    ARROW_ASSIGN_OR_RAISE(auto publish_times, publish.Finish());
    ARROW_ASSIGN_OR_RAISE(auto blobs, Lists<arrow::ListBuilder>(BlobType(), BlobBuilder(), n, [&](int64_t i, arrow::ListBuilder& b) {
                            return AppendBlob(b, msgs[static_cast<size_t>(i)]->data->data(),
                                              msgs[static_cast<size_t>(i)]->data->size());
                          }));
    Chunk::Parts parts;
    parts.entity_path = TopicEntity(summary_.channels.at(id).topic);
    ARROW_ASSIGN_OR_RAISE(auto log_view, log_times->View(TimeArrowType(type)));
    ARROW_ASSIGN_OR_RAISE(auto publish_view, publish_times->View(TimeArrowType(type)));
    parts.timelines.push_back({Timeline{"message_log_time", type}, log_view, std::nullopt});
    parts.timelines.push_back({Timeline{"message_publish_time", type}, publish_view, std::nullopt});
    parts.components.emplace_back(D("rerun.archetypes.McapMessage", "McapMessage:data", "rerun.components.Blob"), blobs);
    ARROW_ASSIGN_OR_RAISE(auto chunk, MakeSortedWithNewRowIds(std::move(parts)));
    pending_.push_back(std::move(chunk));
  }
  return Status::OK();
}

Result<std::shared_ptr<Chunk>> McapImporter::Next() {
  while (pending_.empty() && raw_ && next_chunk_ < summary_.chunk_indexes.size()) {
    ARROW_RETURN_NOT_OK(RawChunk(summary_.chunk_indexes[next_chunk_++]));
  }
  if (pending_.empty()) return nullptr;
  auto chunk = std::move(pending_.front());
  pending_.pop_front();
  return chunk;
}

Result<std::pair<uint64_t, uint64_t>> McapImporter::TimeBounds(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto reader, Reader::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto summary, reader->ReadSummary());
  if (!summary) return InvalidArgument("MCAP file does not contain a summary");
  if (summary->statistics && summary->statistics->message_count > 0) {
    return std::make_pair(summary->statistics->message_start_time, summary->statistics->message_end_time);
  }
  if (summary->chunk_indexes.empty()) return InvalidArgument("MCAP file contains no messages");
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& c : summary->chunk_indexes) {
    lo = std::min(lo, c.message_start_time);
    hi = std::max(hi, c.message_end_time);
  }
  return std::make_pair(lo, hi);
}

}  // namespace chunkhouse::mcap
