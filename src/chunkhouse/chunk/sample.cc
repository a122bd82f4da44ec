#include "chunkhouse/chunk/sample.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/type.h>

#include <cmath>

namespace chunkhouse {

namespace {

ComponentDescriptor Desc(std::string archetype_short, std::string field, std::string type) {
  return ComponentDescriptor{"rerun.archetypes." + archetype_short, archetype_short + ":" + field,
                             "rerun.components." + type};
}

// One list entry per row, each holding `per_row` values produced by `fill`.
template <typename Builder, typename Fill>
Result<std::shared_ptr<arrow::Array>> ListColumn(std::shared_ptr<arrow::DataType> value_type, int rows, int per_row,
                                                 Fill fill) {
  std::shared_ptr<Builder> values;
  if constexpr (std::is_same_v<Builder, arrow::FixedSizeListBuilder>) {
    auto child = std::make_shared<arrow::FloatBuilder>();
    values = std::make_shared<Builder>(arrow::default_memory_pool(), child, value_type);
  } else {
    values = std::make_shared<Builder>(value_type, arrow::default_memory_pool());
  }
  arrow::ListBuilder list(arrow::default_memory_pool(), values, arrow::list(arrow::field("item", value_type, true)));
  for (int r = 0; r < rows; ++r) {
    ARROW_RETURN_NOT_OK(list.Append());
    for (int i = 0; i < per_row; ++i) ARROW_RETURN_NOT_OK(fill(*values, r, i));
  }
  return list.Finish();
}

}  // namespace

Result<std::vector<std::shared_ptr<Chunk>>> MakeSampleRecording(int frames) {
  std::vector<std::shared_ptr<Chunk>> chunks;
  std::vector<int64_t> frame_nr(frames), sim_time(frames);
  for (int i = 0; i < frames; ++i) {
    frame_nr[i] = i;
    sim_time[i] = int64_t{i} * 10'000'000;  // 100 Hz
  }
  const Timeline frame{"frame", TimeType::kSequence};
  const Timeline sim{"sim_time", TimeType::kDuration};

  // /world/points: 8 points on a rotating helix, with colors.
  constexpr int kPoints = 8;
  auto f32 = arrow::float32();
  auto pos_type = arrow::fixed_size_list(arrow::field("item", f32, false), 3);
  ARROW_ASSIGN_OR_RAISE(
      auto positions,
      (ListColumn<arrow::FixedSizeListBuilder>(
          pos_type, frames, kPoints, [&](arrow::FixedSizeListBuilder& b, int r, int i) -> Status {
            auto* xyz = static_cast<arrow::FloatBuilder*>(b.value_builder());
            ARROW_RETURN_NOT_OK(b.Append());
            double a = 0.1 * r + i * (2 * M_PI / kPoints);
            ARROW_RETURN_NOT_OK(xyz->Append(static_cast<float>(std::cos(a))));
            ARROW_RETURN_NOT_OK(xyz->Append(static_cast<float>(std::sin(a))));
            return xyz->Append(static_cast<float>(0.05 * r));
          })));
  ARROW_ASSIGN_OR_RAISE(auto colors, (ListColumn<arrow::UInt32Builder>(
                                         arrow::uint32(), frames, kPoints, [](arrow::UInt32Builder& b, int, int i) {
                                           return b.Append(0xFF000000u >> (i % 3 * 8) | 0xFFu);
                                         })));
  ARROW_ASSIGN_OR_RAISE(auto points, ChunkBuilder("/world/points")
                                         .AddIndex(frame, frame_nr)
                                         .AddIndex(sim, sim_time)
                                         .AddComponent(Desc("Points3D", "positions", "Position3D"), positions)
                                         .AddComponent(Desc("Points3D", "colors", "Color"), colors)
                                         .Build());
  chunks.push_back(points);

  // /plot/sin and /plot/cos: one scalar per frame.
  for (auto [name, phase] : {std::pair<const char*, double>{"/plot/sin", 0.0}, {"/plot/cos", M_PI / 2}}) {
    ARROW_ASSIGN_OR_RAISE(auto scalars, (ListColumn<arrow::DoubleBuilder>(
                                            arrow::float64(), frames, 1, [phase = phase](arrow::DoubleBuilder& b, int r, int) {
                                              return b.Append(std::sin(0.1 * r + phase));
                                            })));
    ARROW_ASSIGN_OR_RAISE(auto plot, ChunkBuilder(name)
                                         .AddIndex(frame, frame_nr)
                                         .AddIndex(sim, sim_time)
                                         .AddComponent(Desc("Scalars", "scalars", "Scalar"), scalars)
                                         .Build());
    chunks.push_back(plot);
  }

  // /logs: a line every 10 frames.
  std::vector<int64_t> log_frames, log_times;
  for (int i = 0; i < frames; i += 10) {
    log_frames.push_back(i);
    log_times.push_back(sim_time[i]);
  }
  const int log_rows = static_cast<int>(log_frames.size());
  ARROW_ASSIGN_OR_RAISE(auto text, (ListColumn<arrow::StringBuilder>(
                                       arrow::utf8(), log_rows, 1, [&](arrow::StringBuilder& b, int r, int) {
                                         return b.Append(fmt::format("reached frame {}", log_frames[r]));
                                       })));
  ARROW_ASSIGN_OR_RAISE(auto level, (ListColumn<arrow::StringBuilder>(
                                        arrow::utf8(), log_rows, 1,
                                        [](arrow::StringBuilder& b, int, int) { return b.Append("INFO"); })));
  ARROW_ASSIGN_OR_RAISE(auto logs, ChunkBuilder("/logs")
                                       .AddIndex(frame, log_frames)
                                       .AddIndex(sim, log_times)
                                       .AddComponent(Desc("TextLog", "text", "Text"), text)
                                       .AddComponent(Desc("TextLog", "level", "TextLogLevel"), level)
                                       .Build());
  chunks.push_back(logs);

  // /world: a static description.
  ARROW_ASSIGN_OR_RAISE(auto doc, (ListColumn<arrow::StringBuilder>(
                                      arrow::utf8(), 1, 1, [](arrow::StringBuilder& b, int, int) {
                                        return b.Append("A chunkhouse sample: points on a helix.");
                                      })));
  ARROW_ASSIGN_OR_RAISE(auto world, ChunkBuilder("/world")
                                        .AddComponent(Desc("TextDocument", "text", "Text"), doc)
                                        .Build());
  chunks.push_back(world);
  return chunks;
}

}  // namespace chunkhouse
