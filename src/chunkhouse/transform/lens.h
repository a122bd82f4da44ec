#pragma once
// Rerun's lens engine (`rerun.experimental.DeriveLens` / `MutateLens`, 0.36.2): lenses turn a
// chunk's component columns into other columns — in place (mutate), beside the others on the same
// entity (derive), on another entity (derive with an output entity), one output row per input row
// or one per list element (scatter) — with optional casts and new timelines. Behaviour, error texts
// and their order follow notes/selector_lens.md §0 and §5, checked against the wheel. Where the
// wheel aborts the process (time columns shorter than the rows), we report the validation error.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/time.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/transform/pipeline.h"
#include "chunkhouse/transform/selector.h"

namespace chunkhouse::transform {

// What happens to the columns no lens reads (and to chunks no lens matches).
enum class OutputMode { kForwardAll, kForwardUnmatched, kDropUnmatched };

// "forward_all" | "forward_unmatched" | "drop_unmatched"; else InvalidArgument with Rerun's text.
Result<OutputMode> ParseOutputMode(std::string_view text);

// How a derived column's element type is converted before it is stored.
struct CastTo {
  enum class Kind { kNone, kAuto, kType } kind = Kind::kNone;
  std::shared_ptr<arrow::DataType> type;  // kType: the element type wanted
};

struct ComponentOutput {
  ComponentDescriptor descriptor;
  Selector selector;
  CastTo cast;
};

struct TimeOutput {
  std::string name;
  TimeType type = TimeType::kSequence;
  Selector selector;
};

struct Lens {
  enum class Kind { kDerive, kMutate } kind = Kind::kDerive;
  std::string input;  // the component identifier read

  // kDerive
  std::optional<std::string> output_entity;  // as given; parsed forgivingly when the set is made
  bool scatter = false;                      // one output row per element of the first output
  std::vector<ComponentOutput> components;
  std::vector<TimeOutput> timelines;

  // kMutate
  std::optional<Selector> selector;
  bool keep_row_ids = false;

  static Lens Derive(std::string input, std::optional<std::string> output_entity = std::nullopt, bool scatter = false);
  static Lens Mutate(std::string input, Selector selector, bool keep_row_ids = false);
  Lens& ToComponent(ComponentDescriptor descriptor, Selector selector, CastTo cast = {});
  Lens& ToTimeline(std::string name, TimeType type, Selector selector);
};

// Lenses checked and sorted for the engine: mutates, same-entity derives and derives to another
// entity, each in the order given.
class LensSet {
 public:
  // Rerun's build checks, lens by lens in order (InvalidArgument, the first failing one): an empty
  // input identifier, an empty timeline name, a derive without components, a same-entity derive
  // writing its own input.
  static Result<LensSet> Make(std::vector<Lens> lenses);

  const std::vector<Lens>& mutates() const { return mutates_; }
  const std::vector<Lens>& same_entity() const { return same_entity_; }
  const std::vector<Lens>& other_entity() const { return other_entity_; }
  bool has_callable() const;

 private:
  std::vector<Lens> mutates_, same_entity_, other_entity_;
};

// The lenses on one chunk: the prefix (the input's entity: forwarded, mutated and merged derived
// columns), then one chunk per other derive. Results are made in that order and the first one that
// fails stops the rest: its errors joined with "; " are the error (InvalidArgument).
// `mode` is forward_unmatched for Chunk.apply_lenses, the stream's output_mode otherwise.
// With `tolerated` (the MCAP importer's ROS 2 lenses, as Rerun's importer runs them), an output
// column that fails on the input's entity is left out and its error added there; the rest of
// the chunk is kept.
Result<std::vector<std::shared_ptr<Chunk>>> ApplyLenses(const std::shared_ptr<Chunk>& chunk, const LensSet& lenses,
                                                        OutputMode mode, std::vector<std::string>* tolerated = nullptr);

// Chunk.apply_selector: `component` through `selector` row by row, keeping its descriptor; fresh
// chunk id and row ids, rows in their order. Errors are InvalidArgument with Rerun's texts.
Result<std::shared_ptr<Chunk>> ApplySelector(const Chunk& chunk, const std::string& component, const Selector& selector);

// LazyChunkStream.lenses as a pipeline step: chunks outside `content` pass unchanged; an error
// is InvalidArgument "Lenses error: <errors>".
class LensTransform : public ChunkTransform {
 public:
  LensTransform(LensSet lenses, OutputMode mode, std::optional<EntityPathFilter> content)
      : lenses_(std::move(lenses)), mode_(mode), content_(std::move(content)) {}
  Result<std::vector<std::shared_ptr<Chunk>>> Apply(const std::shared_ptr<Chunk>& chunk) const override;
  // Pure C++ unless a selector calls back into Python: those run in order, as Rerun runs them.
  bool parallel() const override { return !lenses_.has_callable(); }

 private:
  LensSet lenses_;
  OutputMode mode_;
  std::optional<EntityPathFilter> content_;
};

}  // namespace chunkhouse::transform
