// `chunkhouse import FILE.parquet|FILE.mcap -o OUT.rrd`: another format's file as one recording of
// an .rrd file, through the same importers (and options) as Python's ParquetReader and McapReader.
#include <fmt/format.h>

#include <filesystem>

#include "chunkhouse/cli/commands.h"
#include "chunkhouse/cli/progress.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/file_sources.h"
#include "chunkhouse/transform/mcap_source.h"
#include "chunkhouse/transform/parquet_source.h"

namespace chunkhouse::cli {
namespace {

bool OneOf(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s == w) return true;
  }
  return false;
}

// COLUMN:KIND[:UNIT], read from the right (a column name may hold ':').
Result<pq::IndexColumnSpec> ParseIndex(const std::string& text) {
  pq::IndexColumnSpec spec;
  std::string rest = text;
  auto last = rest.rfind(':');
  if (last != std::string::npos && OneOf(rest.substr(last + 1), {"ns", "us", "ms", "s"})) {
    auto before = rest.rfind(':', last - 1);
    if (before != std::string::npos && last > 0 && OneOf(rest.substr(before + 1, last - before - 1), {"timestamp", "duration", "sequence"})) {
      spec.unit = rest.substr(last + 1);
      rest = rest.substr(0, last);
      last = rest.rfind(':');
    }
  }
  if (last == std::string::npos || last == 0) {
    return InvalidArgument("--index '{}': expected COLUMN:KIND[:UNIT], KIND one of timestamp, duration, sequence", text);
  }
  spec.kind = rest.substr(last + 1);
  spec.path = rest.substr(0, last);
  return spec;
}

struct Args {
  std::string input, output, application_id, recording_id, grouping = "prefix", delimiter = "_";
  std::optional<std::string> entity_path_prefix;
  std::vector<std::string> prefixes, statics, indexes;
  bool no_structs = false;
  bool recover = false;
  // MCAP
  std::vector<std::string> decoders, include_topics, exclude_topics;
  std::string timeline_type = "timestamp";
  std::optional<int64_t> offset_ns;
  std::optional<uint64_t> start_ns, end_ns;
};

Result<std::shared_ptr<transform::ParquetSourceFactory>> ParquetFactory(const Args& a) {
  if (transform::FormatOf(a.input) != transform::FileFormat::kParquet) {
    return InvalidArgument("{}: not a Parquet, MCAP or URDF file by its name (expected .parquet, .mcap or .urdf)",
                           a.input);
  }
  pq::ReadOptions options;
  options.entity_path_prefix = a.entity_path_prefix;
  options.column_grouping = a.grouping;
  options.delimiter = a.delimiter;
  if (!a.prefixes.empty()) options.prefixes = a.prefixes;
  options.use_structs = !a.no_structs;
  options.static_columns = a.statics;
  for (const auto& text : a.indexes) {
    ARROW_ASSIGN_OR_RAISE(auto spec, ParseIndex(text));
    options.index_columns.push_back(spec);
  }
  return transform::ParquetSourceFactory::Make(a.input, std::move(options));
}

// The source's chunks as one recording of the output (which appears only when complete).
void Write(const Args& a, const std::shared_ptr<transform::SourceFactory>& factory, const std::string& note) {
  const std::string stem = std::filesystem::path(a.input).stem().string();
  StoreId store{StoreKind::kRecording, a.application_id.empty() ? stem : a.application_id,
                a.recording_id.empty() ? stem : a.recording_id};
  auto writer = rrd::RrdWriter::Open(a.output);
  Check(writer.status());
  Check((*writer)->WriteStoreInfo(store));
  uint64_t chunks = 0;
  {
    Progress progress(a.output);
    Check(transform::Drain(transform::Pipeline::From(factory), [&](std::shared_ptr<Chunk> c) {
      progress.Tick(++chunks);
      return (*writer)->WriteChunk(store, *c);
    }));
  }
  Check((*writer)->Close());
  fmt::print("wrote {}: {} chunks{} of {}\n", a.output, chunks, note, a.input);
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "import",
      "Convert a Parquet, MCAP or URDF file into an .rrd recording, as rerun-sdk's ParquetReader / McapReader read "
      "it (Parquet: 1,024-row chunks, one entity per column group; MCAP: the file-level decoders, raw messages, ROS 2 "
      "and protobuf messages, with the archetypes Rerun makes of ROS 2 and Foxglove types, robot descriptions) or "
      "as `rerun --save` logs a robot (URDF: its shapes, meshes, frames and joint transforms, all static)");
  cmd->add_option("file", a->input, "The .parquet, .mcap or .urdf file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output, "The .rrd file to write")->required();
  cmd->add_option("--application-id", a->application_id, "The recording's application id (default: the file's name)");
  cmd->add_option("--recording-id", a->recording_id, "The recording id (default: the file's name)");
  cmd->add_option("--entity-path-prefix", a->entity_path_prefix, "A prefix for every entity path, e.g. /world");
  cmd->add_option("--column-grouping", a->grouping,
                  "prefix (split names at the delimiter, group by what comes before), individual (a chunk per "
                  "column), or explicit_prefixes (group by --prefix)")
      ->capture_default_str();
  cmd->add_option("--delimiter", a->delimiter, "The character names are split at (prefix grouping)")->capture_default_str();
  cmd->add_option("--prefix", a->prefixes, "A column-name prefix to group by (explicit_prefixes; repeatable)");
  cmd->add_flag("--no-structs", a->no_structs, "Keep the columns of a group as separate components, not one struct");
  cmd->add_option("--static", a->statics, "A column whose value is the same in every row, written once as static data");
  cmd->add_option("--index", a->indexes,
                  "A column to use as a timeline: COLUMN:KIND[:UNIT], KIND timestamp|duration|sequence, UNIT (what the "
                  "stored numbers count) ns|us|ms|s; without one, a row_index timeline numbers the rows");
  cmd->add_option("--decoders", a->decoders,
                  "MCAP: the decoders to run (default: all of them; see `McapReader.available_decoders()`)");
  cmd->add_option("--include-topic", a->include_topics, "MCAP: only topics matching this regex (repeatable)");
  cmd->add_option("--exclude-topic", a->exclude_topics, "MCAP: leave out topics matching this regex (repeatable)");
  cmd->add_option("--timeline-type", a->timeline_type, "MCAP: timestamp or duration")->capture_default_str();
  cmd->add_option("--timestamp-offset-ns", a->offset_ns, "MCAP: added to every timestamp");
  cmd->add_option("--start-ns", a->start_ns, "MCAP: only messages logged at or after this time");
  cmd->add_option("--end-ns", a->end_ns, "MCAP: only messages logged before this time");
  cmd->add_flag("--recover", a->recover,
                "MCAP: read a file whose summary is missing or cut off (a recording that was not closed) from its "
                "complete chunks");
  cmd->callback([a] {
    std::shared_ptr<transform::SourceFactory> factory;
    std::string rows_note;
    if (transform::FormatOf(a->input) == transform::FileFormat::kMcap) {
      mcap::ImportOptions o;
      if (!a->decoders.empty()) o.decoders = a->decoders;
      o.include_topic_regex = a->include_topics;
      o.exclude_topic_regex = a->exclude_topics;
      o.timeline_type = a->timeline_type;
      o.timestamp_offset_ns = a->offset_ns;
      o.start_time_ns = a->start_ns;
      o.end_time_ns = a->end_ns;
      o.recover = a->recover;
      auto made = transform::McapSourceFactory::Make(a->input, std::move(o));
      Check(made.status());
      factory = *made;
    } else if (transform::FormatOf(a->input) == transform::FileFormat::kUrdf) {
      auto made = transform::UrdfSource(a->input, a->entity_path_prefix.value_or(""));
      Check(made.status());
      factory = *made;
    } else {
      auto made = ParquetFactory(*a);
      Check(made.status());
      rows_note = fmt::format(" from {} rows", (*made)->num_rows());
      factory = *made;
    }
    Write(*a, factory, rows_note);
  });
}

}  // namespace chunkhouse::cli
