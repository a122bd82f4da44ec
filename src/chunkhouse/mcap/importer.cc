#include "chunkhouse/mcap/importer.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/util/utf8.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <limits>
#include <map>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/columns.h"
#include "chunkhouse/mcap/protobuf_parser.h"
#include "chunkhouse/mcap/recover.h"
#include "chunkhouse/mcap/ros2_semantic.h"
#include "chunkhouse/urdf/model.h"
#include "chunkhouse/urdf/robot.h"

namespace chunkhouse::mcap {

namespace {

const std::vector<std::string> kDecoders = {"attachments", "foxglove", "metadata", "protobuf",
                                            "raw", "recording_info", "ros2_reflection", "ros2msg",
                                            "schema", "stats", "urdf"};

}  // namespace

const std::vector<std::string>& AvailableDecoders() { return kDecoders; }

bool Selects(const ImportOptions& options, std::string_view decoder) {
  return !options.decoders || std::find(options.decoders->begin(), options.decoders->end(), decoder) != options.decoders->end();
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
  if (!reader.ok()) {
    if (options.recover) return InvalidArgument("Failed to read MCAP summary: Not an MCAP file: missing start magic");
    return InvalidArgument("Failed to read MCAP summary: {}", reader.status().message());
  }
  m->reader_ = std::move(*reader);
  std::vector<std::string> notes;
  auto summary = ReadOrReconstructSummary(*m->reader_, options.recover, &m->reconstructed_, &notes);
  for (const auto& n : notes) m->Warn(n);
  if (!summary.ok()) return InvalidArgument("Failed to read MCAP summary: {}", summary.status().message());
  m->summary_ = std::move(*summary);

  auto selected = [&](std::string_view d) { return Selects(options, d); };
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
  // ros2_reflection reads every ROS 2 definition when it starts: one that does not parse ends the
  // stream (at its first chunk, as Rerun's planning does); one using wstring is left to raw.
  std::map<std::string, ros2::MessageSchema> reflected;  // by topic
  if (selected("ros2_reflection")) {
    for (const auto& [id, channel] : m->summary_.channels) {
      auto schema = m->summary_.schemas.find(channel.schema_id);
      if (channel.schema_id == 0 || schema == m->summary_.schemas.end() || schema->second.encoding != "ros2msg") continue;
      auto parsed = ros2::ParseSchema(schema->second.name, schema->second.data);
      if (!parsed.ok()) {
        // Rerun prints the parse error's outer context twice ("failed to parse main message spec
        // `X`: failed to parse main message spec `X`: syntax error: ...").
        const std::string& text = parsed.status().message();
        const std::string context = text.substr(0, text.find(": "));
        m->deferred_ = InvalidArgument("MCAP error: Invalid schema {}: {}: {}", schema->second.name, context, text);
        break;
      }
      if (!parsed->UsesWString()) reflected[channel.topic] = std::move(*parsed);
    }
  }
  // protobuf reads every descriptor set when it starts: one that does not parse ends the stream.
  std::map<uint16_t, std::shared_ptr<ProtobufSchema>> protobuf;  // by schema id
  if (selected("protobuf") && m->deferred_.ok()) {
    for (const auto& [id, channel] : m->summary_.channels) {
      auto schema = m->summary_.schemas.find(channel.schema_id);
      if (channel.schema_id == 0 || schema == m->summary_.schemas.end() || schema->second.encoding != "protobuf") continue;
      if (protobuf.count(schema->first)) continue;
      auto parsed = ProtobufSchema::Parse(schema->second.data);
      if (!parsed.ok()) {
        m->deferred_ = InvalidArgument("MCAP error: Invalid schema {}: {}", schema->second.name, parsed.status().message());
        break;
      }
      protobuf[schema->first] = std::move(*parsed);
    }
  }
  for (const auto& [id, channel] : m->summary_.channels) {
    if (!with_messages.count(id) || !kept(channel.topic)) continue;
    const auto schema = m->summary_.schemas.find(channel.schema_id);
    const Schema* s = channel.schema_id != 0 && schema != m->summary_.schemas.end() ? &schema->second : nullptr;
    const bool cdr = Lower(channel.message_encoding) == "cdr";
    if (s && s->encoding == "ros2msg" && cdr && selected("ros2msg") && Ros2SemanticSupports(s->name)) {
      m->runners_[kRos2Msg].channels.insert(id);
    } else if (s && s->encoding == "ros2msg" && cdr && selected("ros2_reflection") && reflected.count(channel.topic)) {
      m->runners_[kReflection].channels.insert(id);
      m->reflected_[id] = reflected[channel.topic];
    } else if (s && s->encoding == "protobuf" && selected("protobuf") && protobuf.count(s->id) &&
               protobuf[s->id]->Find(s->name)) {
      m->runners_[kProtobuf].channels.insert(id);
      m->protobuf_[id] = {protobuf[s->id], protobuf[s->id]->Find(s->name)};
    } else if (selected("raw")) {
      m->runners_[kRaw].channels.insert(id);
    }
    // else: no decoder takes it; left out, as Rerun does
  }
  // Rerun's `urdf` decoder reads robot descriptions (std_msgs/String on a robot_description
  // topic), after everything else (RobotDescriptions).
  if (selected("urdf")) {
    for (const auto& [id, channel] : m->summary_.channels) {
      const auto schema = m->summary_.schemas.find(channel.schema_id);
      if (kept(channel.topic) && channel.topic.find("robot_description") != std::string::npos &&
          schema != m->summary_.schemas.end() && schema->second.name == "std_msgs/msg/String" &&
          schema->second.encoding == "ros2msg") {
        m->robot_channels_.insert(id);
      }
    }
  }
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
  auto selected = [&](std::string_view d) { return Selects(options_, d); };
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

Result<std::unique_ptr<MessageParser>> McapImporter::ParserFor(int runner, uint16_t channel) const {
  switch (runner) {
    case kProtobuf: {
      const auto& [schema, type] = protobuf_.at(channel);
      return ProtobufParser(schema, type);
    }
    case kRaw:
      return RawParser();
    case kReflection: {
      const Channel& c = summary_.channels.at(channel);
      return ReflectionParser(summary_.schemas.at(c.schema_id).name, reflected_.at(channel));
    }
    case kRos2Msg:
      return Ros2SemanticParser(summary_.schemas.at(summary_.channels.at(channel).schema_id).name,
                                summary_.channels.at(channel).topic);
    default:
      return Internal("no parser for decoder {}", runner);
  }
}

// Whether a message decoder has anything to do in an MCAP chunk (its time range and channels).
bool McapImporter::Wanted(int runner, const ChunkIndex& index) const {
  const Runner& r = runners_[runner];
  const uint64_t start = options_.start_time_ns.value_or(0);
  const uint64_t end = options_.end_time_ns.value_or(std::numeric_limits<uint64_t>::max());
  if (!(index.message_end_time >= start && index.message_start_time < end)) return false;
  return index.channels.empty() || std::any_of(index.channels.begin(), index.channels.end(),
                                               [&](uint16_t c) { return r.channels.count(c) > 0; });
}

// One message decoder's chunks from one MCAP chunk's messages: a parser per channel, fed the
// messages in file order; each parser's output becomes chunks on the channel's entity. Runs on a
// worker thread: it reads only what Open set up, and Warn locks.
Result<std::vector<std::shared_ptr<Chunk>>> McapImporter::DecodeMessages(int runner, const std::vector<Message>& messages) const {
  const Runner& r = runners_[runner];
  const uint64_t start = options_.start_time_ns.value_or(0);
  const uint64_t end = options_.end_time_ns.value_or(std::numeric_limits<uint64_t>::max());
  std::vector<std::shared_ptr<Chunk>> pending;
  struct State {
    std::unique_ptr<MessageParser> parser;
    RowTimes times;
  };
  std::map<uint16_t, State> parsers;
  std::set<uint16_t> unusable;
  std::map<uint16_t, int64_t> counts;  // messages per channel: room made for them at once
  for (const auto& msg : messages) ++counts[msg.channel_id];
  for (const auto& msg : messages) {
    if (!r.channels.count(msg.channel_id) || msg.log_time < start || msg.log_time >= end) continue;
    if (unusable.count(msg.channel_id)) continue;
    auto it = parsers.find(msg.channel_id);
    if (it == parsers.end()) {
      auto parser = ParserFor(runner, msg.channel_id);
      if (!parser.ok()) {
        // Rerun logs this and leaves the channel out of this chunk.
        Warn(fmt::format("Skipping MCAP channel '{}' because its schema cannot be reflected: {}",
                         summary_.channels.at(msg.channel_id).topic, parser.status().message()));
        unusable.insert(msg.channel_id);
        continue;
      }
      it = parsers.emplace(msg.channel_id, State{std::move(*parser), {}}).first;
      ARROW_RETURN_NOT_OK(it->second.parser->Reserve(counts[msg.channel_id]));
    }
    Status st = it->second.parser->Append(msg, &it->second.times);
    if (!st.ok()) {
      Warn(fmt::format("Failed to decode message on channel {}: {}", summary_.channels.at(msg.channel_id).topic,
                       st.message()));
    }
  }
  const bool timestamps = options_.timeline_type == "timestamp";
  const int64_t offset = timestamps ? options_.timestamp_offset_ns.value_or(0) : 0;
  const TimeType type = timestamps ? TimeType::kTimestamp : TimeType::kDuration;
  for (auto& [id, state] : parsers) {
    auto finished = state.parser->Finish(&state.times);
    if (!finished.ok()) {
      Warn(fmt::format("Failed to decode chunk of channel {}: {}", summary_.channels.at(id).topic,
                       finished.status().message()));
      continue;
    }
    auto parsed = std::move(*finished);
    if (!state.times.ros2.empty() && state.times.ros2.size() != state.times.rows()) {
      // Some rows had a stamp and some not (a negative one, which reflection leaves out): Rerun
      // cannot build the chunk and loses the group.
      Warn(fmt::format("Failed to decode chunk of channel {}: Detected malformed chunk: All timelines in a chunk must "
                       "have the same number of timestamps",
                       summary_.channels.at(id).topic));
      continue;
    }
    const std::string entity = TopicEntity(summary_.channels.at(id).topic);
    std::vector<std::pair<std::string, const std::vector<int64_t>*>> timelines = {
        {"message_log_time", &state.times.log}, {"message_publish_time", &state.times.publish}};
    if (state.times.ros2.size() == state.times.rows()) timelines.push_back({"ros2_timestamp", &state.times.ros2});
    for (auto& p : parsed) {
      if (p.components.empty()) continue;
      std::string path = p.suffix.empty() ? entity : EntityPath::Parse(entity + p.suffix).ToString();
      if (state.times.rows() == 0 && !p.is_static) {
        // Every message failed: Rerun still builds the chunk, with no rows and so no timelines (static).
        Chunk::Parts parts;
        parts.id = Tuid::New();
        parts.entity_path = path;
        parts.row_ids = SequentialRowIds(parts.id, 0);
        parts.components = std::move(p.components);
        ARROW_ASSIGN_OR_RAISE(auto chunk, Chunk::Make(std::move(parts)));
        pending.push_back(std::move(chunk));
        continue;
      }
      if (p.is_static) {
        const int64_t rows = p.components.front().second->length();
        ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk(path, std::move(p.components), rows));
        pending.push_back(std::move(chunk));
        continue;
      }
      Chunk::Parts parts;
      parts.entity_path = path;
      for (const auto& [name, values] : timelines) {
        arrow::Int64Builder b;
        ARROW_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values->size())));
        if (p.time_rows.empty()) {
          for (int64_t v : *values) b.UnsafeAppend(v + offset);
        } else {
          for (int64_t r : p.time_rows) b.UnsafeAppend((*values)[static_cast<size_t>(r)] + offset);
        }
        ARROW_ASSIGN_OR_RAISE(auto raw, b.Finish());
        ARROW_ASSIGN_OR_RAISE(auto view, raw->View(TimeArrowType(type)));
        parts.timelines.push_back({Timeline{name, type}, view, std::nullopt});
      }
      parts.components = std::move(p.components);
      ARROW_ASSIGN_OR_RAISE(auto chunk, MakeSortedWithNewRowIds(std::move(parts)));
      pending.push_back(std::move(chunk));
    }
  }
  return pending;
}

void McapImporter::Warn(const std::string& message) const {
  std::lock_guard<std::mutex> lock(warn_mu_);
  if (warned_.insert(message).second) {
    warnings_.push_back(message);
    OrStderr(options_.warn)(message);
  }
}

std::vector<std::string> McapImporter::warnings() const {
  std::lock_guard<std::mutex> lock(warn_mu_);
  return warnings_;
}

Result<std::shared_ptr<Chunk>> McapImporter::Next() {
  if (!deferred_.ok()) return deferred_;
  while (pending_.empty()) {
    // A few MCAP chunks decode at once on worker threads (read, decompressed and parsed by each
    // message decoder that has channels in it); their chunks come back in file order.
    while (inflight_.size() < kInFlight && next_chunk_ < summary_.chunk_indexes.size()) {
      const ChunkIndex& index = summary_.chunk_indexes[next_chunk_++];
      std::vector<int> runners;
      for (int r = 0; r < kRunners; ++r) {
        if (!runners_[r].channels.empty() && Wanted(r, index)) runners.push_back(r);
      }
      if (runners.empty()) continue;
      inflight_.push_back(std::async(std::launch::async, [this, &index, runners]() -> Result<std::vector<std::shared_ptr<Chunk>>> {
        ARROW_ASSIGN_OR_RAISE(auto messages, reader_->Fork()->ChunkMessages(index));
        std::vector<std::shared_ptr<Chunk>> out;
        for (int r : runners) {
          ARROW_ASSIGN_OR_RAISE(auto chunks, DecodeMessages(r, messages));
          out.insert(out.end(), chunks.begin(), chunks.end());
        }
        return out;
      }));
    }
    if (inflight_.empty()) {
      if (robots_done_) return nullptr;
      robots_done_ = true;
      ARROW_RETURN_NOT_OK(RobotDescriptions());
      continue;
    }
    auto decoded = inflight_.front().get();
    inflight_.pop_front();
    ARROW_RETURN_NOT_OK(decoded.status());
    pending_.insert(pending_.end(), decoded->begin(), decoded->end());
  }
  auto chunk = std::move(pending_.front());
  pending_.pop_front();
  return chunk;
}

// Rerun's `urdf` decoder: the last robot description on each such channel (every MCAP chunk
// that has one is read, whatever the time window), each as the chunks Rerun's URDF importer logs
// (urdf/robot.h; meshes are loaded only by absolute file:// or package:// paths, as there is no
// .urdf file to be relative to). A description that does not parse is left out with a warning.
Status McapImporter::RobotDescriptions() {
  if (robot_channels_.empty()) return Status::OK();
  std::vector<const ChunkIndex*> chunks;
  for (const auto& index : summary_.chunk_indexes) {
    if (index.channels.empty() || std::any_of(index.channels.begin(), index.channels.end(),
                                              [&](uint16_t c) { return robot_channels_.count(c) > 0; })) {
      chunks.push_back(&index);
    }
  }
  std::stable_sort(chunks.begin(), chunks.end(), [](const ChunkIndex* a, const ChunkIndex* b) {
    return a->chunk_start_offset < b->chunk_start_offset;
  });
  ARROW_ASSIGN_OR_RAISE(auto string_schema, ros2::ParseSchema("std_msgs/msg/String", "string data"));
  ARROW_ASSIGN_OR_RAISE(auto decoder, cdr::Decoder::Make(string_schema));  // Finish empties it for the next
  std::map<uint16_t, std::string> latest;
  auto reader = reader_->Fork();
  for (const ChunkIndex* index : chunks) {
    auto messages = reader->ChunkMessages(*index);
    if (!messages.ok()) {
      // Rerun stops there: with `recover`, keeping what it read; otherwise with nothing.
      if (options_.recover) break;
      Warn(fmt::format("Failed to extract URDF from robot_description topics: {}", messages.status().message()));
      return Status::OK();
    }
    for (const auto& msg : *messages) {
      if (!robot_channels_.count(msg.channel_id)) continue;
      std::optional<int64_t> stamp;
      if (!decoder->Append(msg.data.data(), static_cast<size_t>(msg.data.size()), &stamp).ok()) continue;
      ARROW_ASSIGN_OR_RAISE(auto decoded, decoder->Finish());
      const auto& text = static_cast<const arrow::StringArray&>(*static_cast<const arrow::StructArray&>(*decoded).field(0));
      if (text.IsNull(0) || !arrow::util::ValidateUTF8(text.GetView(0))) continue;
      latest[msg.channel_id] = std::string(text.GetView(0));
    }
  }
  for (const auto& [channel, xml] : latest) {
    std::vector<std::string> warnings;
    auto robot = urdf::ParseRobot(xml);
    urdf::RobotOptions robot_options;
    robot_options.mesh_roots = options_.mesh_roots;
    auto chunks_of_robot = robot.ok() ? urdf::RobotChunks(*robot, robot_options, &warnings)
                                      : Result<std::vector<std::shared_ptr<Chunk>>>(robot.status());
    for (auto& w : warnings) Warn(std::move(w));
    if (!chunks_of_robot.ok()) {
      Warn(fmt::format("Failed to parse URDF from robot_description topic {}: {}", summary_.channels.at(channel).topic,
                       chunks_of_robot.status().message()));
      continue;
    }
    pending_.insert(pending_.end(), chunks_of_robot->begin(), chunks_of_robot->end());
  }
  return Status::OK();
}

Result<std::pair<uint64_t, uint64_t>> McapImporter::TimeBounds(const std::string& path, bool recover) {
  auto reader = Reader::Open(path);
  if (!reader.ok() && recover) return InvalidArgument("Failed to scan MCAP chunk index: Not an MCAP file: missing start magic");
  ARROW_RETURN_NOT_OK(reader.status());
  auto summary = (*reader)->ReadSummary();
  if (summary.ok() && *summary) {
    if ((*summary)->statistics && (*summary)->statistics->message_count > 0) {
      return std::make_pair((*summary)->statistics->message_start_time, (*summary)->statistics->message_end_time);
    }
    if ((*summary)->chunk_indexes.empty()) return InvalidArgument("MCAP file contains no messages");
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& c : (*summary)->chunk_indexes) {
      lo = std::min(lo, c.message_start_time);
      hi = std::max(hi, c.message_end_time);
    }
    return std::make_pair(lo, hi);
  }
  if (!recover) {
    ARROW_RETURN_NOT_OK(summary.status());
    return InvalidArgument("MCAP file does not contain a summary");
  }
  // Recovering: the chunks' own time ranges, found without decompressing anything.
  auto scan = ScanChunkIndex(*(*reader)->source());
  if (!scan.ok()) return InvalidArgument("Failed to scan MCAP chunk index: {}", scan.status().message());
  ARROW_RETURN_NOT_OK(scan->RejectIfUnrecoverable());
  const auto usable = scan->Usable();
  if (usable.empty()) return InvalidArgument("MCAP file contains no messages");
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& c : usable) {
    lo = std::min(lo, c.message_start_time);
    hi = std::max(hi, c.message_end_time);
  }
  return std::make_pair(lo, hi);
}

}  // namespace chunkhouse::mcap
