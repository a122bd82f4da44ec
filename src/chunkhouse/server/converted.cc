#include "chunkhouse/server/converted.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <filesystem>

#include "chunkhouse/transform/file_sources.h"
#include "chunkhouse/transform/write.h"

namespace chunkhouse::server {

namespace fs = std::filesystem;

ConvertedFiles::ConvertedFiles(std::string dir, bool temporary, io::AllowedRoots sources)
    : dir_(std::move(dir)), sources_(std::move(sources)), temporary_(temporary) {}

ConvertedFiles::~ConvertedFiles() {
  if (!temporary_) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<std::shared_ptr<ConvertedFiles>> ConvertedFiles::Make(std::string dir, bool temporary, io::AllowedRoots sources) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create {} for converted files: {}", dir, ec.message());
  auto canonical = fs::canonical(dir, ec);
  if (ec) return InvalidArgument("cannot resolve {}: {}", dir, ec.message());
  std::shared_ptr<ConvertedFiles> out(new ConvertedFiles(canonical.string(), temporary, std::move(sources)));
  out->files_ = io::FileCache::Make(io::AllowedRoots({out->dir_}), /*capacity=*/64);
  return out;
}

bool ConvertedFiles::Handles(const std::string& path) {
  const auto format = transform::FormatOf(path);
  return format == transform::FileFormat::kParquet || format == transform::FileFormat::kMcap;
}

Result<io::OpenedFile> ConvertedFiles::Converted(const std::string& canonical, const io::FileIdentity& identity) {
  const std::string key = fmt::format("{}\n{}:{}:{}:{}", canonical, identity.device, identity.inode, identity.size,
                                      identity.mtime_ns);
  const std::string stem = fs::path(canonical).stem().string();
  const std::string name = fmt::format("{:016x}-{}.rrd", XXH3_64bits(key.data(), key.size()), stem.substr(0, 80));
  const std::string target = (fs::path(dir_) / name).string();
  std::lock_guard lock(mutex_);
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    ARROW_ASSIGN_OR_RAISE(auto factory, transform::ImportedSource(canonical, sources_));
    ARROW_RETURN_NOT_OK(transform::WriteRrd(transform::Pipeline::From(factory), target, stem, stem));
  }
  return files_->Open(target);
}

}  // namespace chunkhouse::server
