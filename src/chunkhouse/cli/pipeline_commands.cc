// `chunkhouse rrd compact | merge | filter`: chunk pipelines over whole files, each store of the
// input kept as its own store (recordings and blueprints alike) in the output.
#include <fmt/format.h>

#include <map>
#include <optional>

#include "chunkhouse/cli/commands.h"
#include "chunkhouse/cli/progress.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/store/collect.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/rrd_source.h"

namespace chunkhouse::cli {
namespace {

using transform::Pipeline;
using transform::PipelinePtr;

// Stores of the inputs in order of first appearance, each with the files that hold it.
Result<std::vector<std::pair<StoreId, std::vector<std::string>>>> StoresOf(const std::vector<std::string>& files) {
  std::vector<std::pair<StoreId, std::vector<std::string>>> out;
  for (const auto& path : files) {
    rrd::IndexedReader::Options slim;
    slim.component_ranges = false;
    ARROW_ASSIGN_OR_RAISE(auto reader, rrd::IndexedReader::Open(path, slim));
    for (const auto& id : reader->stores()) {
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& s) { return s.first == id; });
      if (it == out.end()) {
        out.emplace_back(id, std::vector<std::string>{path});
      } else {
        it->second.push_back(path);
      }
    }
  }
  return out;
}

PipelinePtr StoreStream(const StoreId& store, const std::vector<std::string>& files) {
  std::vector<PipelinePtr> inputs;
  for (const auto& f : files) inputs.push_back(Pipeline::From(std::make_shared<transform::RrdSourceFactory>(f, store)));
  return inputs.size() == 1 ? inputs[0] : Pipeline::Merge(std::move(inputs));
}

struct Totals {
  uint64_t chunks_in = 0, chunks_out = 0;
};

// Each store of `files`, through `shape` (its pipeline -> its pipeline) and, with a profile,
// compaction, into `output`.
Status Process(const std::vector<std::string>& files, const std::string& output,
               const std::function<PipelinePtr(PipelinePtr)>& shape, const std::optional<OptimizationProfile>& profile,
               Totals& totals) {
  ARROW_ASSIGN_OR_RAISE(auto stores, StoresOf(files));
  ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(output));
  Progress progress(output);
  for (const auto& [store, holders] : stores) {
    ARROW_RETURN_NOT_OK(writer->WriteStoreInfo(store));
    PipelinePtr pipeline = shape(StoreStream(store, holders));
    if (profile) {
      ARROW_ASSIGN_OR_RAISE(auto set, Collect(pipeline, *profile));
      ARROW_ASSIGN_OR_RAISE(auto chunks, set.chunks());
      for (const auto& c : chunks) {
        ARROW_RETURN_NOT_OK(writer->WriteChunk(store, *c));
        progress.Tick(++totals.chunks_out);
      }
    } else {
      ARROW_RETURN_NOT_OK(transform::Drain(pipeline, [&](std::shared_ptr<Chunk> c) {
        progress.Tick(++totals.chunks_out);
        return writer->WriteChunk(store, *c);
      }));
    }
  }
  return writer->Close();
}

uint64_t CountChunks(const std::vector<std::string>& files) {
  uint64_t n = 0;
  for (const auto& f : files) {
    rrd::IndexedReader::Options slim;
    slim.component_ranges = false;
    if (auto r = rrd::IndexedReader::Open(f, slim); r.ok()) n += (*r)->chunks().size();
  }
  return n;
}

Result<OptimizationProfile> ProfileNamed(const std::string& name) {
  if (name == "live") return OptimizationProfile::Live();
  if (name == "object_store") return OptimizationProfile::ObjectStore();
  if (name == "insert") return OptimizationProfile::InsertOnly();
  return InvalidArgument("unknown profile '{}': expected live, object_store or insert", name);
}

}  // namespace

void AddPipelineCommands(CLI::App& app) {
  struct Args {
    std::vector<std::string> files, contents, components;
    std::string output, profile = "live", has_timeline;
    std::optional<uint64_t> max_bytes, max_rows, max_rows_if_unsorted;
    bool static_only = false, temporal_only = false, drop = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* rrd_cmd = app.get_subcommand("rrd");

  auto profile_of = [a]() -> Result<OptimizationProfile> {
    ARROW_ASSIGN_OR_RAISE(auto p, ProfileNamed(a->profile));
    if (a->max_bytes) p.max_bytes = a->max_bytes;
    if (a->max_rows) p.max_rows = a->max_rows;
    if (a->max_rows_if_unsorted) p.max_rows_if_unsorted = a->max_rows_if_unsorted;
    return p;
  };
  auto report = [a](const Totals& t) {
    fmt::print("wrote {}: {} chunks in, {} chunks out\n", a->output, CountChunks(a->files), t.chunks_out);
  };
  auto add_profile_options = [a](CLI::App* cmd) {
    cmd->add_option("--profile", a->profile,
                    "live (small chunks for the viewer), object_store (large chunks, heavy archetypes apart), or "
                    "insert (only what inserting does)")
        ->capture_default_str();
    cmd->add_option("--max-bytes", a->max_bytes, "Chunk size limit in bytes (overrides the profile's)");
    cmd->add_option("--max-rows", a->max_rows, "Row limit of a sorted chunk (overrides the profile's)");
    cmd->add_option("--max-rows-if-unsorted", a->max_rows_if_unsorted, "Row limit of an unsorted chunk");
  };

  auto* compact = rrd_cmd->add_subcommand(
      "compact", "Rewrite a file with its chunks merged and split to a profile's sizes (Rerun's compaction)");
  compact->add_option("file", a->files, "The .rrd file")->required()->check(CLI::ExistingFile);
  compact->add_option("-o,--output", a->output, "The .rrd file to write")->required();
  add_profile_options(compact);
  compact->callback([a, profile_of, report] {
    Totals t;
    auto profile = profile_of();
    Check(profile.status());
    Check(Process(a->files, a->output, [](PipelinePtr p) { return p; }, *profile, t));
    report(t);
  });

  auto* merge = rrd_cmd->add_subcommand(
      "merge", "Merge .rrd files into one: chunks of the same store (application and recording id) are compacted together");
  merge->add_option("files", a->files, "The input .rrd files")->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", a->output, "The .rrd file to write")->required();
  add_profile_options(merge);
  merge->callback([a, profile_of, report] {
    Totals t;
    auto profile = profile_of();
    Check(profile.status());
    Check(Process(a->files, a->output, [](PipelinePtr p) { return p; }, *profile, t));
    report(t);
  });

  auto* filter = rrd_cmd->add_subcommand("filter", "Keep (or with --drop, remove) part of each store's chunks");
  filter->add_option("file", a->files, "The .rrd file")->required()->check(CLI::ExistingFile);
  filter->add_option("-o,--output", a->output, "The .rrd file to write")->required();
  filter->add_option("--contents", a->contents, "Entity path expressions, e.g. '/robot/**' '-/robot/debug/**'");
  filter->add_option("--components", a->components, "Component identifiers, e.g. Points3D:positions (any of them)");
  filter->add_option("--has-timeline", a->has_timeline, "Only chunks with this timeline");
  filter->add_flag("--static", a->static_only, "Only static chunks");
  filter->add_flag("--temporal", a->temporal_only, "Only temporal chunks");
  filter->add_flag("--drop", a->drop, "Remove what matches instead of keeping it");
  filter->callback([a, report] {
    if (a->static_only && a->temporal_only) Check(InvalidArgument("--static and --temporal exclude each other"));
    transform::StructuredFilter f;
    if (!a->contents.empty()) {
      std::string text;
      for (const auto& rule : a->contents) {
        Check(EntityPathFilter::Check(rule));
        text += (text.empty() ? "" : " ") + rule;
      }
      f.content = EntityPathFilter::Parse(text);
      f.content_text = text;
    }
    if (!a->components.empty()) f.components = a->components;
    if (!a->has_timeline.empty()) f.has_timeline = a->has_timeline;
    if (a->static_only) f.is_static = true;
    if (a->temporal_only) f.is_static = false;
    const auto kind = a->drop ? transform::Step::Kind::kDrop : transform::Step::Kind::kFilter;
    Totals t;
    Check(Process(
        a->files, a->output, [&](PipelinePtr p) { return Pipeline::Then(p, transform::Step{kind, f, nullptr}); },
        std::nullopt, t));
    report(t);
  });
}

}  // namespace chunkhouse::cli
