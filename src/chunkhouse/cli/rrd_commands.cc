// `chunkhouse rrd print | stats | verify | rewrite` and `chunkhouse sample`.
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "chunkhouse/chunk/chunk_meta.h"
#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/cli/commands.h"
#include "chunkhouse/mcap/reader.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/verify.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/file_sources.h"
#include "chunkhouse/transform/parquet_source.h"

namespace chunkhouse::cli {
namespace {

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", b, units[u]) : fmt::format("{:.1f} {}", b, units[u]);
}

std::string ChunkLine(const Chunk& c) {
  std::vector<std::string> cols;
  for (const auto& cc : c.components()) cols.push_back(cc.descriptor.component);
  std::string when;
  if (c.is_static()) {
    when = "static";
  } else {
    std::vector<std::string> tl;
    for (const auto& ic : c.indexes()) tl.push_back(fmt::format("{}:{}", ic.timeline.name, TimeTypeName(ic.timeline.type)));
    when = fmt::format("timelines=[{}]", fmt::join(tl, ", "));
  }
  return fmt::format("{}  rows={}  {}  columns=[{}]", c.entity_path(), c.num_rows(), when, fmt::join(cols, ", "));
}

// Every message of `path`, errors printed and counted (the file is read to its end).
int EachMessage(const std::string& path, const std::function<void(const rrd::RrdMessage&, const rrd::StreamReader&)>& f) {
  auto reader = rrd::StreamReader::Open(path);
  if (!reader.ok()) {
    fmt::print(stderr, "error: {}\n", reader.status().message());
    return 1;
  }
  int errors = 0;
  Status st = rrd::ForEachMessage(
      **reader,
      [&](rrd::RrdMessage& msg) {
        f(msg, **reader);
        return Status::OK();
      },
      [&](const Status& error) {
        fmt::print(stderr, "error: {}\n", error.message());
        ++errors;
      });
  return errors == 0 && st.ok() ? 0 : 1;
}

bool IsParquet(const std::string& path) { return transform::FormatOf(path) == transform::FileFormat::kParquet; }

// Every chunk `factory` makes; an error printed.
int EachChunk(const Result<std::shared_ptr<transform::SourceFactory>>& factory, const std::function<void(const Chunk&)>& f) {
  Status st = factory.status();
  if (st.ok()) {
    st = transform::Drain(transform::Pipeline::From(*factory), [&](std::shared_ptr<Chunk> c) {
      f(*c);
      return Status::OK();
    });
  }
  if (st.ok()) return 0;
  fmt::print(stderr, "error: {}\n", st.message());
  return 1;
}

// Every chunk ParquetReader (default options) makes of `path`.
int EachParquetChunk(const std::string& path, const std::function<void(const Chunk&)>& f, int64_t* rows = nullptr) {
  auto factory = transform::ParquetSourceFactory::Make(path, pq::ReadOptions{});
  if (factory.ok() && rows) *rows = (*factory)->num_rows();
  return EachChunk(factory.ok() ? Result<std::shared_ptr<transform::SourceFactory>>(*factory)
                                : Result<std::shared_ptr<transform::SourceFactory>>(factory.status()),
                   f);
}

bool IsMcap(const std::string& path) { return transform::FormatOf(path) == transform::FileFormat::kMcap; }

void PrintSchema(const Chunk& chunk) {
  std::string schema = chunk.batch()->schema()->ToString(/*show_metadata=*/true);
  std::string indented;
  for (char ch : schema) {
    indented += ch;
    if (ch == '\n') indented += "        ";
  }
  fmt::print("        {}\n", indented);
}

int PrintFile(const std::string& path, bool verbose) {
  fmt::print("{}\n", path);
  auto line = [&](const Chunk& c) {
    fmt::print("    chunk {}\n", ChunkLine(c));
    if (verbose) PrintSchema(c);
  };
  if (IsParquet(path)) {
    fmt::print("  parquet, as ParquetReader reads it with default options\n");
    return EachParquetChunk(path, line);
  }
  if (IsMcap(path)) {
    fmt::print("  mcap, as McapReader reads it with default options\n");
    return EachChunk(transform::ImportedSource(path), line);
  }
  std::optional<StoreId> current;
  return EachMessage(path, [&](const rrd::RrdMessage& msg, const rrd::StreamReader&) {
    switch (msg.kind) {
      case rrd::MessageKind::kSetStoreInfo:
        fmt::print("  {}  app={}  rec={}{}\n", StoreKindName(msg.store_info.id.kind), msg.store_info.id.application_id,
                   msg.store_info.id.recording_id,
                   msg.store_info.store_version ? "  written by Rerun " + msg.store_info.store_version->ToString() : "");
        break;
      case rrd::MessageKind::kArrowMsg:
        if (!current || *current != msg.store) {
          if (current) fmt::print("  chunks of {}:\n", msg.store.ToString());
          current = msg.store;
        }
        fmt::print("    chunk {}\n", ChunkLine(*msg.chunk));
        if (verbose) PrintSchema(*msg.chunk);
        break;
      case rrd::MessageKind::kBlueprintActivation:
        fmt::print("  activate blueprint {}  make_active={}  make_default={}\n", msg.activation.blueprint.recording_id,
                   msg.activation.make_active, msg.activation.make_default);
        break;
      case rrd::MessageKind::kEnd:
        if (msg.footer) {
          fmt::print("  footer: {} manifest(s), {} bytes\n", msg.footer->manifests.size(), msg.footer->payload_size);
        } else {
          fmt::print("  end of stream (no footer)\n");
        }
        break;
    }
  });
}

struct StoreStats {
  uint64_t chunks = 0, static_chunks = 0, rows = 0, bytes = 0, bytes_uncompressed = 0;
  std::set<std::string> entities;
  std::map<std::string, std::pair<TimeType, TimeRange>> timelines;
};

void Count(StoreStats& s, const Chunk& c) {
  ++s.chunks;
  if (c.is_static()) ++s.static_chunks;
  s.rows += static_cast<uint64_t>(c.num_rows());
  s.entities.insert(c.entity_path());
  for (const auto& [tl, r] : ChunkTimeRanges(c)) {
    auto [it, fresh] = s.timelines.try_emplace(tl.name, tl.type, r);
    if (!fresh) {
      it->second.second.min = std::min(it->second.second.min, r.min);
      it->second.second.max = std::max(it->second.second.max, r.max);
    }
  }
}

void PrintTimelines(const StoreStats& s) {
  for (const auto& [name, tr] : s.timelines) {
    fmt::print("    timeline {} ({}): {} .. {}\n", name, TimeTypeName(tr.first), FormatTime(tr.first, tr.second.min),
               FormatTime(tr.first, tr.second.max));
  }
}

int ParquetStats(const std::string& path) {
  StoreStats s;
  int64_t rows = 0;
  int rc = EachParquetChunk(path, [&](const Chunk& c) { Count(s, c); }, &rows);
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  fmt::print("{}\n  size: {}  parquet rows: {}\n  as ParquetReader reads it with default options\n", path,
             HumanBytes(static_cast<double>(ec ? 0 : size)), rows);
  fmt::print("    entities: {}  chunks: {} ({} static)  rows: {}\n", s.entities.size(), s.chunks, s.static_chunks, s.rows);
  PrintTimelines(s);
  return rc;
}

// What an MCAP container holds: channels with their message counts and time ranges, metadata,
// attachments, the summary (every message is walked; the message decoders are not there yet).
int McapStats(const std::string& path) {
  auto reader = mcap::Reader::Open(path);
  if (!reader.ok()) {
    fmt::print(stderr, "error: {}\n", reader.status().message());
    return 1;
  }
  auto& r = **reader;
  struct PerChannel {
    uint64_t messages = 0, bytes = 0, first = UINT64_MAX, last = 0;
  };
  std::map<uint16_t, PerChannel> per;
  uint64_t messages = 0;
  int rc = 0;
  while (true) {
    auto next = r.Next();
    if (!next.ok()) {
      fmt::print(stderr, "error: {}\n", next.status().message());
      rc = 1;
      break;
    }
    if (!*next) break;
    auto& p = per[(*next)->channel_id];
    ++p.messages;
    ++messages;
    p.bytes += static_cast<uint64_t>((*next)->data.size());
    p.first = std::min(p.first, (*next)->log_time);
    p.last = std::max(p.last, (*next)->log_time);
  }
  auto summary = r.ReadSummary();
  fmt::print("{}\n  size: {}  profile: '{}'  library: '{}'\n  messages: {}  data section: {}  summary: {}\n", path,
             HumanBytes(static_cast<double>(r.file_size())), r.header().profile, r.header().library, messages,
             r.complete() ? "complete" : "truncated (no Data End record)",
             !summary.ok() ? "unreadable: " + summary.status().message() : (*summary ? "yes" : "no"));
  for (const auto& [id, c] : r.channels()) {
    auto schema = r.schemas().find(c.schema_id);
    const auto& p = per[id];
    fmt::print("  channel {} {}  encoding={}  schema={}  messages={}  bytes={}", id, c.topic, c.message_encoding,
               schema == r.schemas().end() ? std::string("-") : schema->second.name + " (" + schema->second.encoding + ")",
               p.messages, p.bytes);
    if (p.messages) fmt::print("  log_time {} .. {}", p.first, p.last);
    fmt::print("\n");
  }
  for (const auto& m : r.metadata()) fmt::print("  metadata {}: {} entries\n", m.name, m.entries.size());
  for (const auto& a : r.attachments()) {
    fmt::print("  attachment {} ({}): {} bytes\n", a.name, a.media_type, a.data->size());
  }
  if (summary.ok() && *summary) {
    fmt::print("  summary: {} chunk index(es)", (*summary)->chunk_indexes.size());
    if ((*summary)->statistics) fmt::print(", statistics say {} messages", (*summary)->statistics->message_count);
    fmt::print("\n");
  }
  return rc;
}

int StatsFile(const std::string& path) {
  if (IsParquet(path)) return ParquetStats(path);
  if (IsMcap(path)) return McapStats(path);
  std::map<StoreId, StoreStats> stats;
  uint64_t messages = 0, size = 0;
  bool footer = false;
  int rc = EachMessage(path, [&](const rrd::RrdMessage& msg, const rrd::StreamReader& reader) {
    size = reader.file().size();
    ++messages;
    if (msg.kind == rrd::MessageKind::kEnd && msg.footer) footer = true;
    if (msg.kind != rrd::MessageKind::kArrowMsg) return;
    StoreStats& s = stats[msg.store];
    Count(s, *msg.chunk);
    s.bytes += msg.payload_size;
    s.bytes_uncompressed += msg.envelope.uncompressed_size;
  });
  fmt::print("{}\n  size: {}  messages: {}  footer: {}\n", path, HumanBytes(static_cast<double>(size)), messages,
             footer ? "yes" : "no");
  for (const auto& [id, s] : stats) {
    double ratio = s.bytes ? static_cast<double>(s.bytes_uncompressed) / static_cast<double>(s.bytes) : 1.0;
    fmt::print("  {}\n    entities: {}  chunks: {} ({} static)  rows: {}\n", id.ToString(), s.entities.size(), s.chunks,
               s.static_chunks, s.rows);
    fmt::print("    chunk bytes: {} on disk, {} uncompressed, compression ratio {:.2f}\n",
               HumanBytes(static_cast<double>(s.bytes)), HumanBytes(static_cast<double>(s.bytes_uncompressed)), ratio);
    PrintTimelines(s);
  }
  return rc;
}

int VerifyFiles(const std::vector<std::string>& files) {
  int failed = 0;
  for (const auto& path : files) {
    auto report = rrd::VerifyFile(path);
    if (report.ok()) {
      fmt::print("OK    {}: {} messages, {} chunks, {}\n", path, report.messages, report.chunks,
                 report.footers ? "footer matches the data" : "no footer");
    } else {
      ++failed;
      fmt::print("FAIL  {}: {} problem(s)\n", path, report.errors.size());
      for (const auto& e : report.errors) fmt::print("      {}\n", e);
    }
  }
  return failed == 0 ? 0 : 1;
}

Status Rewrite(const std::vector<std::string>& inputs, const std::string& output, bool compress, bool footer) {
  ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(output, rrd::WriterOptions{compress, footer}));
  for (const auto& path : inputs) {
    ARROW_ASSIGN_OR_RAISE(auto reader, rrd::StreamReader::Open(path));
    std::set<StoreId> announced;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto msg, reader->Next());
      if (!msg) break;
      switch (msg->kind) {
        case rrd::MessageKind::kSetStoreInfo:
          if (announced.insert(msg->store_info.id).second) ARROW_RETURN_NOT_OK(writer->WriteStoreInfo(msg->store_info.id));
          break;
        case rrd::MessageKind::kArrowMsg:
          ARROW_RETURN_NOT_OK(writer->WriteChunk(msg->store, *msg->chunk));
          break;
        case rrd::MessageKind::kBlueprintActivation:
          ARROW_RETURN_NOT_OK(writer->WriteBlueprintActivation(msg->activation));
          break;
        case rrd::MessageKind::kEnd: break;
      }
    }
  }
  return writer->Close();
}

// One recording, or with `recordings` > 1 that many files in the directory `output`
// (<id>_0000.rrd, ... with recording ids <id>_0000, ...): a dataset's worth.
Status WriteSample(const std::string& output, int frames, const std::string& recording_id, int recordings) {
  if (recordings > 1) {
    std::error_code ec;
    std::filesystem::create_directories(output, ec);
    if (ec) return InvalidArgument("{}: cannot create the directory: {}", output, ec.message());
    for (int i = 0; i < recordings; ++i) {
      std::string id = fmt::format("{}_{:04}", recording_id, i);
      ARROW_RETURN_NOT_OK(WriteSample((std::filesystem::path(output) / (id + ".rrd")).string(), frames, id, 1));
    }
    return Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto chunks, MakeSampleRecording(frames));
  ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(output));
  StoreId store{StoreKind::kRecording, "chunkhouse_sample", recording_id};
  ARROW_RETURN_NOT_OK(writer->WriteStoreInfo(store));
  for (const auto& c : chunks) ARROW_RETURN_NOT_OK(writer->WriteChunk(store, *c));
  return writer->Close();
}

}  // namespace

void AddRrdCommands(CLI::App& app) {
  struct Args {
    std::vector<std::string> files;
    bool verbose = false, no_compress = false, no_footer = false;
    std::string output, recording_id = "sample";
    int frames = 100, recordings = 1;
  };
  auto a = std::make_shared<Args>();
  auto exit_with = [](int rc) {
    if (rc != 0) throw CLI::RuntimeError(rc);
  };
  auto* rrd_cmd = app.add_subcommand("rrd", "Inspect, check and rewrite .rrd files");
  rrd_cmd->require_subcommand(1);

  auto* print = rrd_cmd->add_subcommand("print", "Show the stores and a line per chunk (entity, rows, timelines, columns)");
  print->add_option("files", a->files, "The .rrd (or .parquet, .mcap: the chunks their readers make) files")->required()->check(CLI::ExistingFile);
  print->add_flag("-v,--verbose", a->verbose, "Also show each chunk's Arrow schema with its metadata");
  print->callback([a, exit_with] {
    int rc = 0;
    for (const auto& f : a->files) rc |= PrintFile(f, a->verbose);
    exit_with(rc);
  });

  auto* stats = rrd_cmd->add_subcommand("stats", "Count chunks, rows and bytes, the compression ratio and each timeline's range");
  stats->add_option("files", a->files, "The .rrd (or .parquet, or .mcap: the container's channels and counts) files")->required()->check(CLI::ExistingFile);
  stats->callback([a, exit_with] {
    int rc = 0;
    for (const auto& f : a->files) rc |= StatsFile(f);
    exit_with(rc);
  });

  auto* verify = rrd_cmd->add_subcommand(
      "verify", "Decode every message and check the footer against the data; exits 0 only if all is well");
  verify->add_option("files", a->files, "The .rrd files")->required()->check(CLI::ExistingFile);
  verify->callback([a, exit_with] { exit_with(VerifyFiles(a->files)); });

  auto* rewrite = rrd_cmd->add_subcommand("rewrite", "Read .rrd files and write all their stores into one new file");
  rewrite->add_option("files", a->files, "The input .rrd files")->required()->check(CLI::ExistingFile);
  rewrite->add_option("-o,--output", a->output, "The .rrd file to write")->required();
  rewrite->add_flag("--no-compress", a->no_compress, "Store chunks uncompressed instead of LZ4");
  rewrite->add_flag("--no-footer", a->no_footer, "Write no footer (as Rerun 0.27 and older)");
  rewrite->callback([a] { Check(Rewrite(a->files, a->output, !a->no_compress, !a->no_footer)); });

  auto* sample = app.add_subcommand("sample", "Write the built-in sample recording");
  sample->add_option("output", a->output, "The .rrd file to write (a directory with --recordings)")->required();
  sample->add_option("--recordings", a->recordings, "Write this many recordings, one file each, into the directory OUTPUT")
      ->check(CLI::Range(1, 1'000'000));
  sample->add_option("--frames", a->frames, "Number of frames")->check(CLI::Range(1, 10'000'000));
  sample->add_option("--recording-id", a->recording_id, "The recording id (a dataset's segment id)")->capture_default_str();
  sample->callback([a] {
    Check(WriteSample(a->output, a->frames, a->recording_id, a->recordings));
    if (a->recordings > 1) {
      fmt::print("wrote {} recordings of {} frames into {}\n", a->recordings, a->frames, a->output);
    } else {
      fmt::print("wrote {} ({} frames)\n", a->output, a->frames);
    }
  });
}

}  // namespace chunkhouse::cli
