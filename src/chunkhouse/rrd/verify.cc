#include "chunkhouse/rrd/verify.h"

#include <map>

#include "chunkhouse/rrd/reader.h"

namespace chunkhouse::rrd {

namespace {

// A chunk as its message says (components not needed), to compare with the footer's entry.
struct Seen : ChunkMeta {
  uint64_t byte_size = 0;
  bool in_manifest = false;
};

std::string RangesText(const std::vector<std::pair<Timeline, TimeRange>>& ranges) {
  std::string s;
  for (const auto& [tl, r] : ranges) s += fmt::format("{}[{}..{}] ", tl.name, r.min, r.max);
  return s;
}

void CheckFooter(const std::string& path, const Footer& footer, std::map<uint64_t, Seen>& seen,
                 VerifyReport& report) {
  for (const auto& m : footer.manifests) {
    for (const auto& e : m.entries) {
      auto it = seen.find(e.byte_offset);
      std::string chunk = ChunkIdString(e.chunk_id);
      auto err = [&](std::string what) {
        report.errors.push_back(fmt::format("{}: at byte {}: footer entry for {}: {}", path, e.byte_offset, chunk, what));
      };
      if (it == seen.end()) {
        err("no chunk starts at that offset");
        continue;
      }
      Seen& s = it->second;
      s.in_manifest = true;
      if (s.chunk_id != e.chunk_id) err(fmt::format("the chunk there is {}", ChunkIdString(s.chunk_id)));
      if (s.store != m.store) err(fmt::format("manifest store {} but chunk store {}", m.store.ToString(), s.store.ToString()));
      if (s.entity_path != e.entity_path) err(fmt::format("entity {} but chunk has {}", e.entity_path, s.entity_path));
      if (s.num_rows != e.num_rows) err(fmt::format("{} rows but chunk has {}", e.num_rows, s.num_rows));
      if (s.is_static != e.is_static) err(fmt::format("static={} but chunk static={}", e.is_static, s.is_static));
      if (s.byte_size != e.byte_size) err(fmt::format("{} bytes but message has {}", e.byte_size, s.byte_size));
      bool same_ranges = s.time_ranges.size() == e.time_ranges.size();
      for (size_t i = 0; same_ranges && i < s.time_ranges.size(); ++i) {
        same_ranges = s.time_ranges[i].first == e.time_ranges[i].first &&
                      s.time_ranges[i].second.min == e.time_ranges[i].second.min &&
                      s.time_ranges[i].second.max == e.time_ranges[i].second.max;
      }
      if (!same_ranges) {
        err(fmt::format("time ranges {}but chunk has {}", RangesText(e.time_ranges), RangesText(s.time_ranges)));
      }
    }
  }
  for (const auto& [offset, s] : seen) {
    if (offset >= footer.stream_start && offset < footer.payload_offset && !s.in_manifest) {
      report.errors.push_back(fmt::format("{}: at byte {}: chunk {} is missing from the footer", path, offset,
                                          ChunkIdString(s.chunk_id)));
    }
  }
}

// The message's own fields agree with its chunk; remembers what it says for the footer check.
void CheckChunk(const std::string& path, const RrdMessage& msg, std::map<uint64_t, Seen>& seen, VerifyReport& report) {
  const Chunk& c = *msg.chunk;
  const uint64_t at = msg.offset + kMessageHeaderSize;
  if (!msg.envelope.chunk_id) {
    report.errors.push_back(fmt::format("{}: at byte {}: ArrowMsg has no chunk_id field", path, at));
  } else if (*msg.envelope.chunk_id != c.id()) {
    report.errors.push_back(fmt::format("{}: at byte {}: ArrowMsg.chunk_id {} differs from the schema's rerun:id {}",
                                        path, at, ChunkIdString(*msg.envelope.chunk_id), ChunkIdString(c.id())));
  }
  if (msg.envelope.is_static && *msg.envelope.is_static != c.is_static()) {
    report.errors.push_back(fmt::format("{}: at byte {}: ArrowMsg.is_static={} but the chunk {} index columns", path,
                                        at, *msg.envelope.is_static, c.is_static() ? "has no" : "has"));
  }
  Seen& s = seen[at];
  s.store = msg.store;
  s.entity_path = c.entity_path();
  s.chunk_id = c.id();
  s.is_static = c.is_static();
  s.num_rows = static_cast<uint64_t>(c.num_rows());
  s.time_ranges = ChunkTimeRanges(c);
  s.byte_size = msg.payload_size;
}

}  // namespace

VerifyReport VerifyFile(const std::string& path) {
  auto file = RrdFile::Open(path);
  if (!file.ok()) {
    VerifyReport report;
    report.errors.push_back(file.status().message());
    return report;
  }
  return VerifyFile(std::move(*file));
}

VerifyReport VerifyFile(std::shared_ptr<RrdFile> file) {
  VerifyReport report;
  const std::string path = file->path();
  StreamReader reader(std::move(file));
  std::map<uint64_t, Seen> seen;  // by absolute payload offset
  Status st = ForEachMessage(
      reader,
      [&](RrdMessage& msg) {
        ++report.messages;
        if (msg.kind == MessageKind::kArrowMsg) {
          ++report.chunks;
          CheckChunk(path, msg, seen, report);
        } else if (msg.kind == MessageKind::kEnd && msg.footer) {
          ++report.footers;
          CheckFooter(path, *msg.footer, seen, report);
        }
        return Status::OK();
      },
      [&](const Status& error) { report.errors.push_back(error.message()); });
  if (!st.ok()) report.errors.push_back(st.message());
  return report;
}

}  // namespace chunkhouse::rrd
