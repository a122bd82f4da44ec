#include "chunkhouse/transform/file_sources.h"

#include <algorithm>
#include <filesystem>

#include "chunkhouse/base/warn.h"
#include "chunkhouse/transform/mcap_source.h"
#include "chunkhouse/transform/parquet_source.h"
#include "chunkhouse/urdf/robot.h"

namespace chunkhouse::transform {

FileFormat FormatOf(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".rrd") return FileFormat::kRrd;
  if (ext == ".parquet" || ext == ".pq") return FileFormat::kParquet;
  if (ext == ".mcap") return FileFormat::kMcap;
  if (ext == ".urdf") return FileFormat::kUrdf;
  return FileFormat::kUnknown;
}

Result<std::shared_ptr<SourceFactory>> ImportedSource(const std::string& path, std::optional<io::AllowedRoots> confine) {
  switch (FormatOf(path)) {
    case FileFormat::kParquet: {
      ARROW_ASSIGN_OR_RAISE(auto factory, ParquetSourceFactory::Make(path, pq::ReadOptions{}));
      return std::shared_ptr<SourceFactory>(std::move(factory));
    }
    case FileFormat::kMcap: {
      mcap::ImportOptions options;
      options.mesh_roots = std::move(confine);
      ARROW_ASSIGN_OR_RAISE(auto factory, McapSourceFactory::Make(path, std::move(options)));
      return std::shared_ptr<SourceFactory>(std::move(factory));
    }
    case FileFormat::kUrdf: return UrdfSource(path);
    default: return InvalidArgument("{}: not a Parquet, MCAP or URDF file by its name (.parquet, .pq, .mcap or .urdf)", path);
  }
}

Result<std::shared_ptr<SourceFactory>> UrdfSource(const std::string& path, const std::string& entity_path_prefix) {
  std::vector<std::string> warnings;
  auto chunks = urdf::ReadUrdfFile(path, entity_path_prefix, &warnings);
  for (const auto& w : warnings) WarnToStderr(w);
  ARROW_RETURN_NOT_OK(chunks.status());
  return std::shared_ptr<SourceFactory>(std::make_shared<VectorSourceFactory>(std::move(*chunks)));
}

}  // namespace chunkhouse::transform
