#pragma once
// Which reader a file needs, by its name, and a stream over it with that reader's defaults: the
// one place the command line and the server choose between .rrd, Parquet and MCAP.
#include <memory>
#include <optional>
#include <string>

#include "chunkhouse/io/allowed.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

enum class FileFormat { kRrd, kParquet, kMcap, kUrdf, kUnknown };

// By extension, case-insensitively: .rrd; .parquet or .pq; .mcap; .urdf.
FileFormat FormatOf(const std::string& path);

// The chunks of a Parquet or MCAP file as ParquetReader / McapReader make them with their
// default options (checked against the file now), or of a URDF file as `rerun --save` logs it
// (urdf/robot.h; its warnings go to standard error). An .rrd or unknown file is InvalidArgument.
// `confine`: what else the file may make us read (the meshes of an MCAP robot description) must
// lie in these directories (a server's).
Result<std::shared_ptr<SourceFactory>> ImportedSource(const std::string& path,
                                                      std::optional<io::AllowedRoots> confine = std::nullopt);

// A URDF file's chunks (urdf::ReadUrdfFile), every entity under `entity_path_prefix`; its
// warnings (meshes that cannot be loaded) go to standard error.
Result<std::shared_ptr<SourceFactory>> UrdfSource(const std::string& path, const std::string& entity_path_prefix = "");

}  // namespace chunkhouse::transform
