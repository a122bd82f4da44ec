// The chunkhouse command line.
#include <CLI/CLI.hpp>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/verify.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/server/server.h"

#include <filesystem>

namespace chunkhouse {
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

int PrintFile(const std::string& path, bool verbose) {
  auto reader = rrd::StreamReader::Open(path);
  if (!reader.ok()) {
    fmt::print(stderr, "error: {}\n", reader.status().message());
    return 1;
  }
  fmt::print("{}\n", path);
  int errors = 0;
  std::optional<StoreId> current;
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      fmt::print(stderr, "error: {}\n", next.status().message());
      ++errors;
      if ((*reader)->done()) break;
      continue;
    }
    if (!*next) break;
    const auto& msg = **next;
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
        if (verbose) {
          std::string schema = msg.chunk->batch()->schema()->ToString(/*show_metadata=*/true);
          std::string indented;
          for (char ch : schema) {
            indented += ch;
            if (ch == '\n') indented += "        ";
          }
          fmt::print("        {}\n", indented);
        }
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
  }
  return errors == 0 ? 0 : 1;
}

struct StoreStats {
  uint64_t chunks = 0, static_chunks = 0, rows = 0, bytes = 0, bytes_uncompressed = 0;
  std::set<std::string> entities;
  std::map<std::string, std::pair<TimeType, TimeRange>> timelines;
};

int StatsFile(const std::string& path) {
  auto reader = rrd::StreamReader::Open(path);
  if (!reader.ok()) {
    fmt::print(stderr, "error: {}\n", reader.status().message());
    return 1;
  }
  std::map<StoreId, StoreStats> stats;
  uint64_t messages = 0;
  int errors = 0;
  bool footer = false;
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      fmt::print(stderr, "error: {}\n", next.status().message());
      ++errors;
      if ((*reader)->done()) break;
      continue;
    }
    if (!*next) break;
    const auto& msg = **next;
    ++messages;
    if (msg.kind == rrd::MessageKind::kEnd && msg.footer) footer = true;
    if (msg.kind != rrd::MessageKind::kArrowMsg) continue;
    StoreStats& s = stats[msg.store];
    const Chunk& c = *msg.chunk;
    ++s.chunks;
    if (c.is_static()) ++s.static_chunks;
    s.rows += static_cast<uint64_t>(c.num_rows());
    s.bytes += msg.payload_size;
    s.bytes_uncompressed += msg.envelope.uncompressed_size;
    s.entities.insert(c.entity_path());
    for (const auto& [tl, r] : ChunkTimeRanges(c)) {
      auto [it, fresh] = s.timelines.try_emplace(tl.name, tl.type, r);
      if (!fresh) {
        it->second.second.min = std::min(it->second.second.min, r.min);
        it->second.second.max = std::max(it->second.second.max, r.max);
      }
    }
  }
  fmt::print("{}\n  size: {}  messages: {}  footer: {}\n", path, HumanBytes(static_cast<double>((*reader)->file().size())),
             messages, footer ? "yes" : "no");
  for (const auto& [id, s] : stats) {
    double ratio = s.bytes ? static_cast<double>(s.bytes_uncompressed) / static_cast<double>(s.bytes) : 1.0;
    fmt::print("  {}\n    entities: {}  chunks: {} ({} static)  rows: {}\n", id.ToString(), s.entities.size(), s.chunks,
               s.static_chunks, s.rows);
    fmt::print("    chunk bytes: {} on disk, {} uncompressed, compression ratio {:.2f}\n",
               HumanBytes(static_cast<double>(s.bytes)), HumanBytes(static_cast<double>(s.bytes_uncompressed)), ratio);
    for (const auto& [name, tr] : s.timelines) {
      fmt::print("    timeline {} ({}): {} .. {}\n", name, TimeTypeName(tr.first), FormatTime(tr.first, tr.second.min),
                 FormatTime(tr.first, tr.second.max));
    }
  }
  return errors == 0 ? 0 : 1;
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

Status WriteSample(const std::string& output, int frames, const std::string& recording_id) {
  ARROW_ASSIGN_OR_RAISE(auto chunks, MakeSampleRecording(frames));
  ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(output));
  StoreId store{StoreKind::kRecording, "chunkhouse_sample", recording_id};
  ARROW_RETURN_NOT_OK(writer->WriteStoreInfo(store));
  for (const auto& c : chunks) ARROW_RETURN_NOT_OK(writer->WriteChunk(store, *c));
  return writer->Close();
}

int Report(const Status& st) {
  if (st.ok()) return 0;
  fmt::print(stderr, "error: {}\n", st.message());
  return 1;
}

}  // namespace
}  // namespace chunkhouse

int main(int argc, char** argv) {
  using namespace chunkhouse;
  if (argc > 1 && std::string_view(argv[1]) == "server") {
    // A server allocates and frees the same sizes over and over: jemalloc keeps that memory,
    // while Arrow's default (mimalloc) returns it as huge pages the kernel zeroes again for the
    // next request (a fifth of registration's CPU). Set before Arrow picks its pool; a user's
    // own ARROW_DEFAULT_MEMORY_POOL wins.
    setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc", /*overwrite=*/0);
  }
  CLI::App app{"chunkhouse: store and query multimodal recordings (Rerun .rrd files)", "chunkhouse"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "chunkhouse 0.1.0 (writes the .rrd format of Rerun 0.36.2)");

  auto* rrd_cmd = app.add_subcommand("rrd", "Inspect, check and rewrite .rrd files");
  rrd_cmd->require_subcommand(1);

  std::vector<std::string> files;
  bool verbose = false;
  auto* print = rrd_cmd->add_subcommand("print", "Show the stores and a line per chunk (entity, rows, timelines, columns)");
  print->add_option("files", files, "The .rrd files")->required()->check(CLI::ExistingFile);
  print->add_flag("-v,--verbose", verbose, "Also show each chunk's Arrow schema with its metadata");

  auto* stats = rrd_cmd->add_subcommand("stats", "Count chunks, rows and bytes, the compression ratio and each timeline's range");
  stats->add_option("files", files, "The .rrd files")->required()->check(CLI::ExistingFile);

  auto* verify = rrd_cmd->add_subcommand(
      "verify", "Decode every message and check the footer against the data; exits 0 only if all is well");
  verify->add_option("files", files, "The .rrd files")->required()->check(CLI::ExistingFile);

  std::string output;
  bool no_compress = false, no_footer = false;
  auto* rewrite = rrd_cmd->add_subcommand("rewrite", "Read .rrd files and write all their stores into one new file");
  rewrite->add_option("files", files, "The input .rrd files")->required()->check(CLI::ExistingFile);
  rewrite->add_option("-o,--output", output, "The .rrd file to write")->required();
  rewrite->add_flag("--no-compress", no_compress, "Store chunks uncompressed instead of LZ4");
  rewrite->add_flag("--no-footer", no_footer, "Write no footer (as Rerun 0.27 and older)");

  int frames = 100;
  auto* sample = app.add_subcommand("sample", "Write the built-in sample recording");
  sample->add_option("output", output, "The .rrd file to write")->required();
  sample->add_option("--frames", frames, "Number of frames")->check(CLI::Range(1, 10'000'000));
  std::string recording_id = "sample";
  sample->add_option("--recording-id", recording_id, "The recording id (a dataset's segment id)")->capture_default_str();

  std::vector<std::string> dataset_dirs, allow_dirs;
  std::string host = "127.0.0.1", storage;
  int port = 51234;
  auto* serve = app.add_subcommand("server", "Serve datasets of .rrd files over Rerun's catalog protocol (gRPC)");
  serve->add_option("-d,--dataset", dataset_dirs,
                    "A directory whose .rrd files become the segments of a dataset named after it; NAME=DIR names "
                    "it. Repeatable");
  serve->add_option("--host", host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", port, "Port to listen on (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--storage", storage, "Keep the catalog in this directory, so that it survives restarts");
  serve->add_option("--allow-dir", allow_dirs, "Another directory whose files may be registered. Repeatable");
  std::string tls_cert, tls_key;
  serve->add_option("--tls-cert", tls_cert, "PEM certificate chain: serve TLS (clients use rerun+https://)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) {
    server::ServerOptions options;
    options.host = host;
    options.port = port;
    for (const auto& d : dataset_dirs) {
      auto eq = d.find('=');
      std::string dir = eq == std::string::npos ? d : d.substr(eq + 1);
      std::string name = eq == std::string::npos ? std::filesystem::absolute(dir).lexically_normal().filename().string()
                                                 : d.substr(0, eq);
      if (name.empty()) name = std::filesystem::absolute(dir).lexically_normal().parent_path().filename().string();
      if (!std::filesystem::is_directory(dir)) {
        fmt::print(stderr, "error: -d {}: not a directory\n", dir);
        return 1;
      }
      options.datasets.emplace_back(name, dir);
    }
    if (!storage.empty()) options.catalog.storage_dir = storage;
    options.catalog.allowed_dirs = allow_dirs;
    options.tls_cert_file = tls_cert;
    options.tls_key_file = tls_key;
    return Report(server::Serve(options, [](const std::string& address) {
      fmt::print("chunkhouse server listening on {}\n", address);
      std::fflush(stdout);
    }));
  }

  if (print->parsed()) {
    int rc = 0;
    for (const auto& f : files) rc |= PrintFile(f, verbose);
    return rc;
  }
  if (stats->parsed()) {
    int rc = 0;
    for (const auto& f : files) rc |= StatsFile(f);
    return rc;
  }
  if (verify->parsed()) return VerifyFiles(files);
  if (rewrite->parsed()) return Report(Rewrite(files, output, !no_compress, !no_footer));
  if (sample->parsed()) {
    int rc = Report(WriteSample(output, frames, recording_id));
    if (rc == 0) fmt::print("wrote {} ({} frames)\n", output, frames);
    return rc;
  }
  return 0;
}
